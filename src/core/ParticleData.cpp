#include "kaonlab/core/ParticleData.hpp"

#include <array>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "kaonlab/core/Units.hpp"

namespace kaonlab {
namespace {

using units::GeV;
using units::s;
constexpr double kC = constants::c_light;

// Masses and lifetimes: PDG via ../shared/reference/kaon-physics.md section 1.1.
// Muon mass and lifetime: CODATA 2018 / PDG 2024 (2.1969811e-6 s); proton: CODATA 2018;
// eta: PDG 2024 (547.862 MeV). See docs/physics.md for the edition notes.
constexpr std::array<ParticleData, 12> kTable{{
    {pdg::kElectron, "e-", "e+", 0.51099895000e-3 * GeV, 0.0, -3},
    {pdg::kNuE, "nu_e", "nu_e~", 0.0, 0.0, 0},
    {pdg::kMuon, "mu-", "mu+", 0.1056583755 * GeV, 2.1969811e-6 * s * kC, -3},
    {pdg::kNuMu, "nu_mu", "nu_mu~", 0.0, 0.0, 0},
    {pdg::kNuTau, "nu_tau", "nu_tau~", 0.0, 0.0, 0},
    {pdg::kPhoton, "gamma", "gamma", 0.0, 0.0, 0},
    {pdg::kPi0, "pi0", "pi0", 0.1349768 * GeV, 8.43e-17 * s * kC, 0},
    {pdg::kPiPlus, "pi+", "pi-", 0.13957039 * GeV, 2.6033e-8 * s * kC, 3},
    {pdg::kEta, "eta", "eta", 0.547862 * GeV, 0.0, 0},
    {pdg::kKPlus, "K+", "K-", 0.493677 * GeV, 1.2380e-8 * s * kC, 3},
    {pdg::kProton, "p+", "p~-", 0.93827208816 * GeV, 0.0, 3},
    {pdg::kDarkPhoton, "A'", "A'", 0.0, 0.0, 0},
}};

}  // namespace

std::optional<ParticleData> findParticle(int pdgId) {
  const int id = std::abs(pdgId);
  for (const auto& p : kTable) {
    if (p.pdgId == id) return p;
  }
  return std::nullopt;
}

const ParticleData& particleData(int pdgId) {
  const int id = std::abs(pdgId);
  for (const auto& p : kTable) {
    if (p.pdgId == id) return p;
  }
  throw std::out_of_range("kaonlab: unknown PDG id " + std::to_string(pdgId));
}

double mass(int pdgId) { return particleData(pdgId).mass; }

int charge(int pdgId) {
  const auto& p = particleData(pdgId);
  const int q = p.charge3 / 3;
  return pdgId < 0 ? -q : q;
}

std::string_view particleName(int pdgId) {
  const auto& p = particleData(pdgId);
  return pdgId < 0 ? p.antiName : p.name;
}

std::optional<int> pdgIdFromName(std::string_view name) {
  for (const auto& p : kTable) {
    if (p.name == name) return p.pdgId;
    if (p.antiName == name && p.antiName != p.name) return -p.pdgId;
  }
  return std::nullopt;
}

}  // namespace kaonlab
