#include "kaonlab/generator/UpstreamDecays.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"

namespace kaonlab::generator {

void UpstreamDecayConfig::validate(double referenceZ) const {
  if (!(zMin < zMax))
    throw ConfigError(fmt::format("upstream: z_min ({} m) must be < z_max ({} m)", zMin / units::m, zMax / units::m));
  if (zMax > referenceZ)
    throw ConfigError(fmt::format("upstream: z_max ({} m) must not be downstream of the beam reference plane ({} m)",
                                  zMax / units::m, referenceZ / units::m));
  if (!(trim5Z < referenceZ)) throw ConfigError("upstream: TRIM5 must be upstream of the beam reference plane");
}

double slopeBeforeTrim5(double slopeAtGtk3, double pz, int charge, double kick) {
  return slopeAtGtk3 - charge * kick / pz;
}

UpstreamDecaySource::UpstreamDecaySource(const GeneratorConfig& gen, const UpstreamDecayConfig& cfg)
    : gen_(gen), cfg_(cfg) {
  cfg_.validate(gen.beam.referenceZ);
}

void UpstreamDecaySource::generate(std::uint64_t index, TruthEvent& ev) const {
  static constexpr std::uint64_t kStream = streamId("upstream");
  static const double mK = mass(pdg::kKPlus), ctauK = particleData(pdg::kKPlus).ctau;
  RandomStream rng(gen_.config().seed, kStream, index);
  const BeamParticle k = gen_.beam().sample(pdg::kKPlus, rng);
  // decay z from the exponential law (only p_z enters; the TRIM5 kick keeps |p| and changes
  // p_z by < 1e-5 relative)
  DecayPoint dp = sampleDecayInRegion(k.momentum, k.origin, mK, ctauK, cfg_.zMin, cfg_.zMax, rng);
  const double z = dp.position.pz;
  // back-propagate: GTK3 -> TRIM5 with the GTK3 slopes, TRIM5 -> z with the slopes before the kick
  const FourVector& p = k.momentum;
  const double sx3 = p.px / p.pz, sy = p.py / p.pz;
  const double sx0 = slopeBeforeTrim5(sx3, p.pz, +1, cfg_.trim5Kick);
  const double z0 = k.origin.pz;
  const double zk = std::max(z, cfg_.trim5Z);
  double x = k.origin.px + sx3 * (zk - z0);
  if (z < cfg_.trim5Z) x += sx0 * (z - cfg_.trim5Z);
  const double y = k.origin.py + sy * (z - z0);
  dp.position = FourVector(x, y, z, dp.position.e);
  // momentum at the decay point: before TRIM5 the x slope is sx0 (|p| kept by the field)
  FourVector pDecay = p;
  if (z < cfg_.trim5Z) {
    const double pm = p.p();
    const double pz = pm / std::sqrt(1.0 + sx0 * sx0 + sy * sy);
    pDecay = FourVector::fromMass({sx0 * pz, sy * pz, pz}, mK);
  }
  gen_.decayKaon(index, k, pDecay, dp, rng, ev);
}

double UpstreamDecaySource::fiducialProbability(const TruthEvent& ev) const {
  static const double mK = mass(pdg::kKPlus), ctauK = particleData(pdg::kKPlus).ctau;
  const auto& f = gen_.config().fiducial;
  FourVector origin = ev.beamOrigin;
  return decayProbability(ev.beamMomentum, origin, mK, ctauK, f.zMin, f.zMax);
}

}  // namespace kaonlab::generator
