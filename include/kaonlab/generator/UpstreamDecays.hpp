#pragma once
// Source of K+ decays upstream of the GTK3 reference plane (the upstream background of the
// K+ -> pi+ nu nubar analysis, issue 5; docs/physics.md "Upstream decays").
//
// The beam is defined at GTK3 (BeamConfig). A kaon that decays upstream of GTK3 is the same
// beam kaon followed backwards (beamline::propagate, core/BeamLine.hpp): from GTK3 through
// the thin TRIM5 kick (towards +x for positive particles: the 1.2 mrad mean slope at GTK3 is
// the 0.090 GeV/c kick of a 75 GeV/c beam, na62-detector.md 1.2) and the four vertical
// dipoles of the second achromat (BEND 6, 5, 4B, 4A: the beam is at y = -60 mm at GTK2).
// The decay z is drawn from the exponential decay
// law restricted to [zMin, zMax] (sampleDecayInRegion with negative distances) and the event
// carries the probability of decaying there per kaon crossing (virtually) the GTK3 plane,
//   P_up = exp((z0 - zMin)/lambda_z) - exp((z0 - zMax)/lambda_z) (> 0 for zMin < zMax <= z0),
// times the mode weight (all modes by BR by default): sum(w)/N = upstream decays per K+ at
// GTK3, on the same footing as the fiducial-volume weight P_FV of the Generator.
//
// Event i uses RandomStream(seed, streamId("upstream"), i); the event time origin is the
// time at which the kaon would have crossed GTK3 (beamOrigin, t = 0).
#include <cstdint>

#include <array>

#include "kaonlab/core/BeamLine.hpp"
#include "kaonlab/generator/Generator.hpp"

namespace kaonlab::generator {

struct UpstreamDecayConfig {
  /// Upstream decay region. Default: from GTK1 (79.600 m), the first station the decayed kaon
  /// crossed, through the second achromat (BEND 4A/4B, scraper, GTK2, BEND 5/6) to GTK3
  /// (102.4 m), na62-detector.md 1.2/1.3. (Before session 4: from the end of BEND 6, 99.46 m.)
  double zMin = 79.600 * units::m;
  double zMax = 102.400 * units::m;
  /// The achromat dipoles the kaon is followed back through (the detector uses the same list,
  /// detector::UpstreamConfig::dipoles, for the daughters; runPnnUpstream copies it).
  std::array<beamline::Dipole, 4> dipoles = beamline::secondAchromat();
  /// Importance sampling of the decay region: with probability downstreamShare the decay z is
  /// drawn in [zSplit, zMax], else in [zMin, zSplit] (each from the exponential law), and the
  /// weight is P(decay in that part) / its share, so sum(w) is unchanged in expectation.
  /// Default: split at the end of BEND 4B (86.58 m, na62-detector.md 1.2; a 15-45 GeV/c pi+ from
  /// further upstream is over-bent by BEND 4A/4B into a dipole or the scraper), share 0.9 (the
  /// decay law alone gives 0.69). downstreamShare <= 0: no biasing (one region, the old sequence).
  double zSplit = 86.580 * units::m;
  double downstreamShare = 0.9;
  /// TRIM5 (MDXH101102) as a thin p_T kick at its centre (na62-detector.md 1.2 [FW-GA],
  /// [FW-BEATCH] "pT=+90"): 0.3 x 0.7505 T x 0.4 m = 0.090 GeV/c, towards +x for q > 0.
  /// The detector uses the same numbers (detector::UpstreamConfig) for the daughters.
  double trim5Z = 101.800 * units::m;
  double trim5Kick = 0.090 * units::GeV;

  void validate(double referenceZ) const;  ///< throws ConfigError
};

/// Slope dx/dz of a beam particle of charge q upstream of TRIM5 from its slope at GTK3.
double slopeBeforeTrim5(double slopeAtGtk3, double pz, int charge, double kick);

class UpstreamDecaySource {
 public:
  /// `gen` supplies the beam, the catalogue and the mode selection (its fiducial region and
  /// seed are not used; the seed is `gen.config().seed`).
  UpstreamDecaySource(const GeneratorConfig& gen, const UpstreamDecayConfig& cfg);

  /// Event `index` (deterministic in (seed, index)): a K+ decaying in [zMin, zMax].
  void generate(std::uint64_t index, TruthEvent& event) const;
  /// Probability that the same kaon decays in the fiducial region of the GeneratorConfig
  /// (P_FV, for the normalisation: upstream decays per fiducial decay = <P_up>/<P_FV>).
  double fiducialProbability(const TruthEvent& event) const;

  const Generator& generator() const { return gen_; }
  const UpstreamDecayConfig& config() const { return cfg_; }

 private:
  Generator gen_;
  UpstreamDecayConfig cfg_;
};

}  // namespace kaonlab::generator
