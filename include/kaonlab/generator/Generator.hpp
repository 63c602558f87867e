#pragma once
// The K+ decay generator: beam kaon at GTK3 -> decay point in the fiducial region ->
// decay mode -> products (pi0 decayed at the vertex) in the lab frame.
//
// Event i uses RandomStream(seed, streamId("generator"), i) only, so any event can be
// regenerated alone and runs are identical for any thread count or split.
//
// Event weight (docs/physics.md "event weights"): w = P_FV(p_K) x B, where P_FV is the
// probability that this kaon decays inside the fiducial region and B = sum of the BRs of
// the selected modes (selection "br") or n_modes x BR(mode) (selection "uniform").
// Hence sum(w)/N = expected decays in the selected modes in the FV per K+ at GTK3.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kaonlab/generator/Beam.hpp"
#include "kaonlab/generator/DecayCatalogue.hpp"
#include "kaonlab/generator/Event.hpp"

namespace kaonlab::generator {

enum class ModeSelection {
  BranchingRatio,  ///< modes drawn with probability proportional to their BR
  Uniform,         ///< modes drawn equally often, BR carried by the weight
};

struct GeneratorConfig {
  std::uint64_t seed = 1;
  BeamConfig beam{};
  FiducialConfig fiducial{};
  CatalogueConfig catalogue{};
  std::vector<std::string> modes{"all"};  ///< keys, or "all" (every SM mode)
  ModeSelection selection = ModeSelection::BranchingRatio;
  /// Importance sampling of pi0 -> gamma gamma toward one soft photon (weights exact; off by
  /// default). Used by the pi nu nu analysis for K+ -> pi+ pi0(gamma), whose background is
  /// made of such decays (docs/analysis-pnn.md).
  Pi0Decayer::AsymmetryBias pi0Bias{};
  /// Importance sampling of the modes (BranchingRatio selection only): mode key -> factor on
  /// its selection probability (renormalised); the event weight carries BR / probability, so
  /// every weighted sum is unchanged in expectation (used by the upstream background to spend
  /// less time on K+ -> mu+ nu, whose mu+ passes the pi+ ID only at the 1e-8 level). Empty = none.
  std::vector<std::pair<std::string, double>> modeBias{};
};

class Generator {
 public:
  explicit Generator(const GeneratorConfig& cfg);

  /// Generate event `index` (deterministic in (seed, index)).
  void generate(std::uint64_t index, TruthEvent& event) const;

  /// Decay the kaon `k` (as it crosses the GTK3 reference plane) at `dp`, where its momentum
  /// is `momentumAtDecay` (differs from k.momentum upstream of TRIM5): draws the mode and the
  /// products from `rng` and fills `event` (weight = dp.probability x mode weight). Used by
  /// generate() and by the upstream-decay source (UpstreamDecays.hpp).
  void decayKaon(std::uint64_t index, const BeamParticle& k, const FourVector& momentumAtDecay, const DecayPoint& dp,
                 RandomStream& rng, TruthEvent& event) const;

  const DecayCatalogue& catalogue() const { return catalogue_; }
  const Beam& beam() const { return beam_; }
  const GeneratorConfig& config() const { return cfg_; }
  /// Catalogue indices of the selected modes and their selection probabilities.
  const std::vector<std::size_t>& selectedModes() const { return selected_; }
  const std::vector<double>& selectionProbabilities() const { return probability_; }
  /// Sum of the BRs of the selected modes.
  double selectedBranchingRatio() const { return brSum_; }

 private:
  GeneratorConfig cfg_;
  Beam beam_;
  DecayCatalogue catalogue_;
  std::vector<std::size_t> selected_;
  std::vector<const DecayModel*> models_;  ///< the selected modes' models (owned by catalogue_)
  std::vector<double> probability_, cumulative_, modeWeight_;
  double brSum_ = 0;
};

/// Run events [first, first + count) in parallel (TBB, `threads` = 0: all cores) and
/// hand them to `sink` in index order (so output does not depend on the thread count).
/// `progress(done, total)` is called from the calling thread after each block.
void runEvents(const Generator& gen, std::uint64_t first, std::uint64_t count, int threads,
               const std::function<void(const TruthEvent&)>& sink,
               const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

}  // namespace kaonlab::generator
