#pragma once
// The catalogue of K+ decay modes: for each mode a key (used in run cards), a label,
// its branching ratio with the source, and its matrix-element model.
//
// Standard-Model modes carry their PDG (or NA62/NA48-2) branching ratio; the key "all"
// selects them with their natural mix. Radiative IB channels (photon above a cut) are
// carved out of their parent (the PDG BR of K -> mu nu and K -> pi pi0 includes IB), so
// nothing is counted twice. LFV/LNV modes are forbidden in the SM: their "BR" is the
// value a study assumes (default: the NA62 90% CL upper limit quoted in the talk).
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kaonlab/generator/DecayModel.hpp"
#include "kaonlab/generator/Pi0Decay.hpp"
#include "kaonlab/generator/models/Basic.hpp"
#include "kaonlab/generator/models/Ke4.hpp"
#include "kaonlab/generator/models/PiGammaGamma.hpp"
#include "kaonlab/generator/models/PiLeptonLepton.hpp"
#include "kaonlab/generator/models/Radiative.hpp"

namespace kaonlab::generator {

enum class ModeClass { Standard, Rare, Exotic };

/// A decay model built on first use (thread-safe). The catalogue lists every mode, but a
/// model's construction (the accept-reject maximum scans: ~10^9 instructions for Ke4, ~10^8
/// per LFV phase-space mode) runs only for the modes a job uses. Copies share the model.
/// The scans draw from their own fixed stream, so a model is the same whenever it is built.
class LazyModel {
 public:
  using Factory = std::function<std::shared_ptr<const DecayModel>()>;
  LazyModel() = default;
  explicit LazyModel(Factory factory) : state_(std::make_shared<State>(std::move(factory))) {}
  const DecayModel& get() const {
    std::call_once(state_->once, [this] { state_->model = state_->factory(); });
    return *state_->model;
  }
  const DecayModel* operator->() const { return &get(); }

 private:
  struct State {
    explicit State(Factory f) : factory(std::move(f)) {}
    Factory factory;
    std::once_flag once;
    std::shared_ptr<const DecayModel> model;
  };
  std::shared_ptr<State> state_;
};

struct DecayMode {
  std::string key;        ///< run-card name, e.g. "k2pi"
  std::string label;      ///< "K+ -> pi+ pi0"
  double br = 0;          ///< branching ratio used for the mix and the weights
  std::string brSource;   ///< where br comes from
  ModeClass modeClass = ModeClass::Standard;
  bool forcePi0MuE = false;  ///< pi0 of this mode decays to mu- e+ (K+ -> pi+ pi0, pi0 -> mu- e+)
  LazyModel model;          ///< built on first use
};

struct CatalogueConfig {
  K3piDecay::Config k3pi{};
  K3piDecay::Config k3pi00 = K3piDecay::Config::forNeutral();
  Kl3Decay::Config ke3{11, 0.0252, 0.0016, 0.0134};
  Kl3Decay::Config kmu3{13, 0.0252, 0.0016, 0.0134};
  PiNuNuDecay::Config pinunu{};
  PiLeptonLeptonDecay::Config pimumu{13, -0.575, -0.722};
  PiLeptonLeptonDecay::Config piee{11, -0.578, -0.779};
  PiGammaGammaDecay::Config pigg{};
  Ke4Decay::Config ke4{};
  Pi0Decayer::Config pi0{};
  /// Photon-energy cut (K rest frame) of the IB channels kmu2g and k2pig.
  double radiativeEGammaMin = 0.010 * units::GeV;
  /// Branching ratios that a card may override (key -> BR); empty = defaults.
  std::vector<std::pair<std::string, double>> brOverrides;
};

class DecayCatalogue {
 public:
  explicit DecayCatalogue(const CatalogueConfig& cfg);

  const std::vector<DecayMode>& modes() const { return modes_; }
  /// Index of a mode by key; throws kaonlab::ConfigError listing the known keys.
  std::size_t index(const std::string& key) const;
  const DecayMode& mode(std::size_t i) const { return modes_[i]; }
  /// Keys of the Standard-Model modes (the "all" mix; excludes LFV/LNV).
  std::vector<std::string> standardKeys() const;
  const Pi0Decayer& pi0Decayer() const { return pi0_; }
  /// Every known key, comma-separated (for error messages and --help).
  std::string keyList() const;
  /// The keys of all modes, in catalogue order, known without building the models
  /// (for validating run cards); the constructor checks it matches the catalogue.
  static const std::vector<std::string>& knownKeys();

 private:
  std::vector<DecayMode> modes_;
  Pi0Decayer pi0_;
};

}  // namespace kaonlab::generator
