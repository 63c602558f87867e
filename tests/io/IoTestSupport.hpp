#pragma once
// Shared helpers for the io tests: scratch directories and synthetic truth events.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/Event.hpp"

namespace kaonlab::iotest {

/// A Python interpreter that imports h5py ("python3" on the PATH, else Debian's
/// /usr/bin/python3), or "" when there is none (the h5py cross-checks are then skipped).
inline std::string pythonWithH5py() {
  for (const char* candidate : {"python3", "/usr/bin/python3"}) {
    const std::string probe = std::string(candidate) + " -c \"import h5py\" >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return candidate;
  }
  return {};
}

/// A fresh, empty directory under the system temp dir, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "kaonlab-io-";
    if (info) {
      name += info->test_suite_name();
      name += '-';
      name += info->name();
    }
    name += '-';
    name += std::to_string(std::random_device{}());
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& f) const { return path_ / f; }
  /// Names of everything in the directory (hidden temporaries included).
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) out.push_back(e.path().filename().string());
    return out;
  }

 private:
  std::filesystem::path path_;
};

inline FourVector withMass(std::mt19937_64& rng, double m, double pscale) {
  std::normal_distribution<double> g(0.0, 1.0);
  const Vector3 p{g(rng) * 0.1 * pscale, g(rng) * 0.1 * pscale, std::abs(g(rng)) * pscale + 0.5};
  return FourVector::fromMass(p, m);
}

/// A synthetic event (kinematics not conserved: only the record structure matters).
/// kind 0: K+ -> pi+ pi0, pi0 -> gamma gamma; 1: K+ -> mu+ nu_mu; 2: K+ -> pi+ pi+ pi-;
/// 3: K+ -> pi0 e+ nu_e with the pi0 first and its photons last.
inline generator::TruthEvent makeEvent(std::uint64_t index, int kind, std::mt19937_64& rng) {
  using generator::TruthParticle;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  generator::TruthEvent ev;
  ev.index = index;
  ev.mode = kind;
  ev.weight = 0.25 + u(rng) * 1.7;
  ev.beamMomentum = FourVector::fromMass({1.2e-3 * (u(rng) - 0.5) * 75, 1e-4 * (u(rng) - 0.5), 75 * (0.99 + 0.02 * u(rng))},
                                         mass(pdg::kKPlus));
  ev.beamOrigin = {(u(rng) - 0.5) * 60, (u(rng) - 0.5) * 30, 102400.0, (u(rng) - 0.5) * 0.3};
  ev.decayVertex = {(u(rng) - 0.5) * 80, (u(rng) - 0.5) * 40, 105000.0 + 60000.0 * u(rng), 8.7 + 200 * u(rng)};
  const auto add = [&](int id, int parent, int status, double m) {
    return ev.add(TruthParticle{id, withMass(rng, m, 20.0), parent, status});
  };
  switch (kind) {
    case 0: {
      add(pdg::kPiPlus, -1, 1, mass(pdg::kPiPlus));
      const int pi0 = add(pdg::kPi0, -1, 2, mass(pdg::kPi0));
      add(pdg::kPhoton, pi0, 1, 0.0);
      add(pdg::kPhoton, pi0, 1, 0.0);
      break;
    }
    case 1:
      add(-pdg::kMuon, -1, 1, mass(pdg::kMuon));
      add(pdg::kNuMu, -1, 1, 0.0);
      break;
    case 2:
      add(pdg::kPiPlus, -1, 1, mass(pdg::kPiPlus));
      add(pdg::kPiPlus, -1, 1, mass(pdg::kPiPlus));
      add(-pdg::kPiPlus, -1, 1, mass(pdg::kPiPlus));
      break;
    default: {
      const int pi0 = add(pdg::kPi0, -1, 2, mass(pdg::kPi0));
      add(-pdg::kElectron, -1, 1, mass(pdg::kElectron));
      add(pdg::kNuE, -1, 1, 0.0);
      add(pdg::kPhoton, pi0, 1, 0.0);
      add(pdg::kPhoton, pi0, 1, 0.0);
      break;
    }
  }
  return ev;
}

inline const std::vector<std::string>& modeNames() {
  static const std::vector<std::string> names{"K+ -> pi+ pi0", "K+ -> mu+ nu_mu", "K+ -> pi+ pi+ pi-",
                                              "K+ -> pi0 e+ nu_e"};
  return names;
}

}  // namespace kaonlab::iotest
