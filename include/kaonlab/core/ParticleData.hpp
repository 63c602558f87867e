#pragma once
// PDG particle table for every particle kaonlab uses: PDG Monte Carlo id, name, mass,
// proper lifetime (as c*tau in mm) and charge. Values and sources in
// ../shared/reference/kaon-physics.md section 1.1 and docs/physics.md.
#include <optional>
#include <string_view>

namespace kaonlab {

namespace pdg {
inline constexpr int kElectron = 11;
inline constexpr int kNuE = 12;
inline constexpr int kMuon = 13;  // mu-
inline constexpr int kNuMu = 14;
inline constexpr int kNuTau = 16;
inline constexpr int kPhoton = 22;
inline constexpr int kPi0 = 111;
inline constexpr int kPiPlus = 211;
inline constexpr int kEta = 221;
inline constexpr int kKPlus = 321;
inline constexpr int kProton = 2212;
/// Dark photon A' (Pythia 8 hidden-valley convention).
inline constexpr int kDarkPhoton = 4900022;
}  // namespace pdg

struct ParticleData {
  int pdgId;              ///< particle id (antiparticle = -pdgId, except self-conjugate)
  std::string_view name;  ///< name of the particle
  std::string_view antiName;
  double mass;            ///< GeV
  double ctau;            ///< c * proper lifetime in mm; 0 = stable for kaonlab
  int charge3;            ///< charge in units of e/3 of the particle (not antiparticle)
};

/// Properties of the particle with this PDG id (antiparticles included).
/// Throws std::out_of_range for an id kaonlab does not know.
const ParticleData& particleData(int pdgId);
/// Same, without throwing.
std::optional<ParticleData> findParticle(int pdgId);

double mass(int pdgId);
/// Electric charge in units of e.
int charge(int pdgId);
/// Name of the particle or antiparticle with this id ("pi-", "e+", ...).
std::string_view particleName(int pdgId);
/// PDG id for a name ("pi+", "mu-", "nu_mu~"); nullopt when unknown.
std::optional<int> pdgIdFromName(std::string_view name);

}  // namespace kaonlab
