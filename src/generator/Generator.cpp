#include "kaonlab/generator/Generator.hpp"

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"

namespace kaonlab::generator {

Generator::Generator(const GeneratorConfig& cfg) : cfg_(cfg), beam_(cfg.beam), catalogue_(cfg.catalogue) {
  cfg_.fiducial.validate(cfg_.beam.referenceZ);
  cfg_.pi0Bias.validate();
  std::vector<std::string> keys;
  for (const auto& k : cfg_.modes) {
    if (k == "all") {
      for (const auto& s : catalogue_.standardKeys()) keys.push_back(s);
    } else {
      keys.push_back(k);
    }
  }
  if (keys.empty()) throw ConfigError("generator: no decay mode selected");
  for (const auto& k : keys) {
    const std::size_t i = catalogue_.index(k);
    if (std::find(selected_.begin(), selected_.end(), i) == selected_.end()) selected_.push_back(i);
  }
  for (std::size_t i : selected_) {
    brSum_ += catalogue_.mode(i).br;
    models_.push_back(&catalogue_.mode(i).model.get());  // builds the selected models now
  }
  const std::size_t n = selected_.size();
  auto bias = [&](std::size_t i) {
    double f = 1.0;
    for (const auto& [key, factor] : cfg_.modeBias)
      if (catalogue_.index(key) == i) f = factor;
    return f;
  };
  for (const auto& [key, factor] : cfg_.modeBias) {
    (void)catalogue_.index(key);  // throws for an unknown key
    if (!(factor > 0) || !std::isfinite(factor))
      throw ConfigError("generator: mode bias factors must be positive and finite (" + key + ")");
  }
  double biasedSum = 0;
  for (std::size_t i : selected_) biasedSum += catalogue_.mode(i).br * bias(i);
  for (std::size_t i : selected_) {
    const double br = catalogue_.mode(i).br;
    if (cfg_.selection == ModeSelection::BranchingRatio) {
      if (!(brSum_ > 0)) throw ConfigError("generator: the selected modes have zero total branching ratio");
      if (cfg_.modeBias.empty()) {
        probability_.push_back(br / brSum_);
        modeWeight_.push_back(brSum_);
      } else {  // probability br x bias / sum, weight br / probability
        probability_.push_back(br * bias(i) / biasedSum);
        modeWeight_.push_back(biasedSum / bias(i));
      }
    } else {
      probability_.push_back(1.0 / static_cast<double>(n));
      modeWeight_.push_back(br * static_cast<double>(n));
    }
  }
  double c = 0;
  for (double p : probability_) cumulative_.push_back(c += p);
  cumulative_.back() = 1.0;
}

void Generator::generate(std::uint64_t index, TruthEvent& ev) const {
  static constexpr std::uint64_t kStream = streamId("generator");
  static const double mK = mass(pdg::kKPlus), ctauK = particleData(pdg::kKPlus).ctau;
  RandomStream rng(cfg_.seed, kStream, index);
  const BeamParticle k = beam_.sample(pdg::kKPlus, rng);
  const DecayPoint dp = sampleDecayInRegion(k.momentum, k.origin, mK, ctauK, cfg_.fiducial.zMin, cfg_.fiducial.zMax, rng);
  decayKaon(index, k, k.momentum, dp, rng, ev);
}

void Generator::decayKaon(std::uint64_t index, const BeamParticle& k, const FourVector& momentumAtDecay,
                          const DecayPoint& dp, RandomStream& rng, TruthEvent& ev) const {
  const double u = rng.uniform();
  const std::size_t slot =
      std::min<std::size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin(),
                            selected_.size() - 1);
  const DecayMode& mode = catalogue_.mode(selected_[slot]);

  ev.index = index;
  ev.mode = static_cast<int>(selected_[slot]);
  ev.weight = dp.probability * modeWeight_[slot];
  ev.beamPdgId = pdg::kKPlus;
  ev.beamMomentum = momentumAtDecay;
  ev.beamOrigin = k.origin;
  ev.decayVertex = dp.position;
  ev.clearParticles();

  DecayProducts rest;
  models_[slot]->generate(rng, rest);
  const Vector3 b = momentumAtDecay.beta();
  const Pi0Decayer& pi0 = catalogue_.pi0Decayer();
  for (const auto& d : rest) {
    const FourVector lab = d.p.boosted(b);
    if (d.pdgId == pdg::kPi0) {
      const int parent = ev.add({d.pdgId, lab, -1, 2});
      const Pi0Channel ch = mode.forcePi0MuE ? Pi0Channel::MuMinusEPlus : pi0.naturalChannel(rng);
      ProductList<3> pd;
      if (ch == Pi0Channel::GammaGamma && cfg_.pi0Bias.fraction > 0)
        ev.weight *= pi0.decayGammaGammaBiased(lab, cfg_.pi0Bias, rng, pd);
      else
        pi0.decay(ch, lab, rng, pd);
      for (const auto& g : pd) ev.add({g.pdgId, g.p, parent, 1});
    } else {
      ev.add({d.pdgId, lab, -1, 1});
    }
  }
}

void runEvents(const Generator& gen, std::uint64_t first, std::uint64_t count, int threads,
               const std::function<void(const TruthEvent&)>& sink,
               const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  std::unique_ptr<tbb::global_control> limit;
  if (threads > 0)
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<std::size_t>(threads));
  constexpr std::uint64_t kBlock = 1u << 15;
  std::vector<TruthEvent> buffer(std::min<std::uint64_t>(kBlock, count));
  for (std::uint64_t done = 0; done < count;) {
    const std::uint64_t n = std::min<std::uint64_t>(kBlock, count - done);
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, n, 256), [&](const auto& r) {
      for (std::uint64_t i = r.begin(); i != r.end(); ++i) gen.generate(first + done + i, buffer[i]);
    });
    for (std::uint64_t i = 0; i < n; ++i) sink(buffer[i]);
    done += n;
    if (progress) progress(done, count);
  }
}

}  // namespace kaonlab::generator
