#include "kaonlab/generator/Beam.hpp"

#include <fmt/format.h>

#include <cmath>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"

namespace kaonlab::generator {

void BeamConfig::validate() const {
  auto require = [](bool ok, const char* what) {
    if (!ok) throw ConfigError(fmt::format("beam: {}", what));
  };
  require(momentum > 0, "momentum must be > 0");
  require(momentumSpread >= 0 && momentumSpread < 0.5, "momentum spread must be in [0, 0.5)");
  require(divergence >= 0, "divergence must be >= 0");
  require(halfWidthX >= 0 && halfHeightY >= 0, "spot half-sizes must be >= 0");
  require(fractionKaon >= 0 && fractionPion >= 0 && fractionProton >= 0, "fractions must be >= 0");
  require(fractionKaon + fractionPion + fractionProton <= 1.0 + 1e-9, "fractions must add up to <= 1");
  require(rate >= 0, "rate must be >= 0");
}

void FiducialConfig::validate(double referenceZ) const {
  if (!(zMin < zMax)) throw ConfigError(fmt::format("fiducial: z_min ({} m) must be < z_max ({} m)", zMin / units::m, zMax / units::m));
  if (zMin < referenceZ)
    throw ConfigError(fmt::format("fiducial: z_min ({} m) must be downstream of the beam reference plane ({} m)",
                                  zMin / units::m, referenceZ / units::m));
}

Beam::Beam(const BeamConfig& cfg) : cfg_(cfg) { cfg_.validate(); }

namespace {
/// Mass of a beam species without the linear table search of kaonlab::mass (per-event path).
double beamMass(int pdgId) {
  static const double mK = mass(pdg::kKPlus), mPi = mass(pdg::kPiPlus), mP = mass(pdg::kProton);
  switch (pdgId) {
    case pdg::kKPlus: return mK;
    case pdg::kPiPlus: return mPi;
    case pdg::kProton: return mP;
    default: return mass(pdgId);
  }
}
}  // namespace

BeamParticle Beam::sample(int pdgId, RandomStream& rng) const {
  const double p = cfg_.momentum * (1.0 + cfg_.momentumSpread * rng.gaussian());
  const double sx = cfg_.meanSlopeX + cfg_.divergence * rng.gaussian();
  const double sy = cfg_.meanSlopeY + cfg_.divergence * rng.gaussian();
  const double x = cfg_.meanX + cfg_.halfWidthX * rng.uniform(-1.0, 1.0);
  const double y = cfg_.meanY + cfg_.halfHeightY * rng.uniform(-1.0, 1.0);
  const double pz = p / std::sqrt(1.0 + sx * sx + sy * sy);
  BeamParticle b;
  b.pdgId = pdgId;
  b.momentum = FourVector::fromMass({sx * pz, sy * pz, pz}, beamMass(pdgId));
  b.origin = FourVector(x, y, cfg_.referenceZ, 0.0);
  return b;
}

int Beam::sampleSpecies(RandomStream& rng) const {
  const double total = cfg_.fractionKaon + cfg_.fractionPion + cfg_.fractionProton;
  const double u = rng.uniform() * total;
  if (u < cfg_.fractionKaon) return pdg::kKPlus;
  if (u < cfg_.fractionKaon + cfg_.fractionPion) return pdg::kPiPlus;
  return pdg::kProton;
}

namespace {
/// Decay length projected on z: lambda_z = (p/m) c tau (pz/p) = pz c tau / m.
double decayLengthZ(const FourVector& p, double m, double ctau) { return p.pz / m * ctau; }
}  // namespace

double decayProbability(const FourVector& p, const FourVector& origin, double m, double ctau, double zMin,
                        double zMax) {
  const double lz = decayLengthZ(p, m, ctau);
  return std::exp(-(zMin - origin.pz) / lz) - std::exp(-(zMax - origin.pz) / lz);
}

DecayPoint sampleDecayInRegion(const FourVector& p, const FourVector& origin, double m, double ctau,
                               double zMin, double zMax, RandomStream& rng) {
  // Truncated exponential by inversion: dz = -lz ln(e^{-a} - u (e^{-a} - e^{-b})).
  const double lz = decayLengthZ(p, m, ctau);
  const double ea = std::exp(-(zMin - origin.pz) / lz), eb = std::exp(-(zMax - origin.pz) / lz);
  const double dz = -lz * std::log(ea - rng.uniform() * (ea - eb));
  const double z = origin.pz + dz;
  const double x = origin.px + p.px / p.pz * dz;
  const double y = origin.py + p.py / p.pz * dz;
  // flight time: path length / (beta c), path = dz p/pz, beta = p/E
  const double t = origin.e + dz * p.e / (p.pz * constants::c_light);
  return {FourVector(x, y, z, t), ea - eb};
}

}  // namespace kaonlab::generator
