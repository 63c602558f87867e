#pragma once
// The NA62 secondary beam (K12) at the GTK3 reference plane and the K+ decay point.
// Defaults: ../shared/reference/na62-detector.md section 1 (tags in brackets).
#include <cstdint>

#include "kaonlab/core/FourVector.hpp"
#include "kaonlab/core/Random.hpp"
#include "kaonlab/core/Units.hpp"

namespace kaonlab::generator {

struct BeamConfig {
  double momentum = 75.0 * units::GeV;      ///< central momentum [CEDARH], [DET17]
  double momentumSpread = 0.01;             ///< relative rms momentum bite, 1% [CEDARH]
  double referenceZ = 102.4 * units::m;     ///< GTK3 plane where the beam is defined [FW-GA]
  double meanSlopeX = 1.2 * units::mrad;    ///< mean dx/dz at GTK3 (TRIM5 kick) [FW-BEAMMC]
  double meanSlopeY = 0.0 * units::mrad;    ///< mean dy/dz at GTK3 [FW-BEAMMC]
  double divergence = 0.1 * units::mrad;    ///< rms per projection ("below 100 urad") [STRAWTALK]
  double halfWidthX = 30.4 * units::mm;     ///< uniform spot = GTK active area 60.8 x 27 mm^2 [FW-GTK]
  double halfHeightY = 13.5 * units::mm;
  double meanX = 0.0 * units::mm;
  double meanY = 0.0 * units::mm;
  /// Beam composition at GTK3 [CEDARH], [RICHTIME]: pi+ 70%, p 23%, K+ 6% (rest mu+/e+).
  double fractionKaon = 0.06;
  double fractionPion = 0.70;
  double fractionProton = 0.23;
  /// Total beam rate at GTK3, 2016-18 typical "about 450 MHz" [RICHTIME] (per ns).
  double rate = 450.0e6 / units::s;

  /// Throws kaonlab::ConfigError when a value is unphysical.
  void validate() const;
};

/// Fiducial decay region along z (default: the pi nu nu fiducial volume 105-165 m,
/// na62-detector.md "fiducial volume"; see docs/physics.md).
struct FiducialConfig {
  double zMin = 105.0 * units::m;
  double zMax = 165.0 * units::m;
  void validate(double referenceZ) const;
};

struct BeamParticle {
  int pdgId = 321;
  FourVector momentum;  ///< GeV
  FourVector origin;    ///< (x, y, z, t) at the reference plane, t = 0
};

struct DecayPoint {
  FourVector position;   ///< (x, y, z, t) of the decay
  double probability;    ///< probability that the particle decays inside [zMin, zMax]
};

class Beam {
 public:
  explicit Beam(const BeamConfig& cfg);
  /// A beam particle of the given species (K+, pi+ or p) at the reference plane.
  BeamParticle sample(int pdgId, RandomStream& rng) const;
  /// The species of a random beam particle according to the composition.
  int sampleSpecies(RandomStream& rng) const;
  const BeamConfig& config() const { return cfg_; }

 private:
  BeamConfig cfg_;
};

/// Decay point of an unstable particle (mass m, proper decay length ctau) produced at
/// `origin` with momentum p, sampled from the exponential decay law restricted to
/// zMin < z < zMax, with the probability of decaying there.
DecayPoint sampleDecayInRegion(const FourVector& p, const FourVector& origin, double m, double ctau,
                               double zMin, double zMax, RandomStream& rng);

/// Probability that a particle decays in [zMin, zMax] (the weight of sampleDecayInRegion).
double decayProbability(const FourVector& p, const FourVector& origin, double m, double ctau, double zMin,
                        double zMax);

}  // namespace kaonlab::generator
