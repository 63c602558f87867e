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
  if (downstreamShare >= 1.0) throw ConfigError("upstream: downstream_share must be < 1 (the upstream part must be sampled)");
  for (const auto& d : dipoles)
    if (!(d.length > 0) || d.zEnd > trim5Z)
      throw ConfigError("upstream: achromat dipoles need a positive length and must end upstream of TRIM5");
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
  // decay z from the exponential law (only p_z enters; the magnets keep |p| and change p_z
  // by < 2e-4 relative)
  DecayPoint dp;
  if (cfg_.downstreamShare > 0 && cfg_.zSplit > cfg_.zMin && cfg_.zSplit < cfg_.zMax) {
    const bool down = rng.uniform() < cfg_.downstreamShare;
    dp = down ? sampleDecayInRegion(k.momentum, k.origin, mK, ctauK, cfg_.zSplit, cfg_.zMax, rng)
              : sampleDecayInRegion(k.momentum, k.origin, mK, ctauK, cfg_.zMin, cfg_.zSplit, rng);
    dp.probability /= down ? cfg_.downstreamShare : 1.0 - cfg_.downstreamShare;
  } else {
    dp = sampleDecayInRegion(k.momentum, k.origin, mK, ctauK, cfg_.zMin, cfg_.zMax, rng);
  }
  // back-propagate from GTK3 through TRIM5 and the achromat dipoles to the decay z
  beamline::State st{k.origin.vec(), k.momentum.vec()};
  beamline::propagate(st, dp.position.pz, +1, cfg_.dipoles, cfg_.trim5Z, cfg_.trim5Kick);
  dp.position = FourVector(st.x.x, st.x.y, st.x.z, dp.position.e);
  const FourVector pDecay = FourVector::fromMass(st.p, mK);
  gen_.decayKaon(index, k, pDecay, dp, rng, ev);
}

double UpstreamDecaySource::fiducialProbability(const TruthEvent& ev) const {
  static const double mK = mass(pdg::kKPlus), ctauK = particleData(pdg::kKPlus).ctau;
  const auto& f = gen_.config().fiducial;
  FourVector origin = ev.beamOrigin;
  return decayProbability(ev.beamMomentum, origin, mK, ctauK, f.zMin, f.zMax);
}

}  // namespace kaonlab::generator
