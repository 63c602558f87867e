#pragma once
// Source of K+ decays upstream of the GTK3 reference plane (the upstream background of the
// K+ -> pi+ nu nubar analysis, issue 5; docs/physics.md "Upstream decays").
//
// The beam is defined at GTK3 (BeamConfig). A kaon that decays upstream of GTK3 is the same
// beam kaon followed backwards: from GTK3 to the TRIM5 kick plane with its GTK3 slope, and
// upstream of TRIM5 with the slope before the kick, dx/dz - kick/p_z (TRIM5 kicks positive
// particles towards +x: the 1.2 mrad mean slope at GTK3 is the 0.090 GeV/c kick of a
// 75 GeV/c beam, na62-detector.md 1.2). The decay z is drawn from the exponential decay
// law restricted to [zMin, zMax] (sampleDecayInRegion with negative distances) and the event
// carries the probability of decaying there per kaon crossing (virtually) the GTK3 plane,
//   P_up = exp((z0 - zMin)/lambda_z) - exp((z0 - zMax)/lambda_z) (> 0 for zMin < zMax <= z0),
// times the mode weight (all modes by BR by default): sum(w)/N = upstream decays per K+ at
// GTK3, on the same footing as the fiducial-volume weight P_FV of the Generator.
//
// Event i uses RandomStream(seed, streamId("upstream"), i); the event time origin is the
// time at which the kaon would have crossed GTK3 (beamOrigin, t = 0).
#include <cstdint>

#include "kaonlab/generator/Generator.hpp"

namespace kaonlab::generator {

struct UpstreamDecayConfig {
  /// Upstream decay region. Default: from the downstream end of BEND 6, the last dipole of the
  /// second achromat (99.460 m, na62-detector.md 1.2 [FW-BEATCH]), to GTK3 (102.4 m). Daughters
  /// of decays further upstream cross BEND 5/6 (vertical kicks of 1.251 GeV/c each, i.e.
  /// 28-83 mrad at 15-45 GeV/c) and are not transported through the achromat (see docs).
  double zMin = 99.460 * units::m;
  double zMax = 102.400 * units::m;
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
