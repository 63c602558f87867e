#include "kaonlab/generator/DecayCatalogue.hpp"

#include <fmt/format.h>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"

#include <stdexcept>

namespace kaonlab::generator {

namespace {
// Branching ratios: ../shared/reference/kaon-physics.md section 1.2 and the NA62 talk
// (na62-physics-results-talk.txt). Values marked "memory, unverified" there are recorded
// in docs/physics.md with the value used.
constexpr double kBrMuNu = 0.6356;      // PDG (incl. IB)
constexpr double kBrPiPi0 = 0.2067;     // PDG (incl. IB)
constexpr double kBrPiPiPi = 0.05583;   // PDG
constexpr double kBrKe3 = 0.0507;       // PDG
constexpr double kBrKmu3 = 0.03352;     // PDG
constexpr double kBrPiPi0Pi0 = 0.01760; // PDG
constexpr double kBrENu = 1.582e-5;     // PDG; = R_K x BR(mu nu)
constexpr double kBrKe4 = 4.257e-5;     // NA48/2 PLB 715 (2012) 105
constexpr double kBrPiNuNuSM = 7.73e-11;  // SM, Brod-Gorbahn-Stamou arXiv:2105.02868 (talk)
constexpr double kBrPiMuMu = 9.15e-8;   // NA62 JHEP 11 (2022) 011 (talk)
constexpr double kBrPiEE = 3.11e-7;     // NA48/2 PLB 677 (2009) 246
constexpr double kBrPiGG = 9.73e-7;     // NA62 Run 1 preliminary (talk)
// LFV / LNV: NA62 90% CL upper limits from the talk's table (assumed BR for studies).
constexpr double kUlPimMupEp = 4.2e-11;   // PRL 127 (2021) 131802
constexpr double kUlPipMumEp = 6.6e-11;   // PRL 127 (2021) 131802
constexpr double kUlPi0MumEp = 3.2e-10;   // PRL 127 (2021) 131802 (BR of pi0 -> mu- e+)
constexpr double kUlPimMupMup = 4.2e-11;  // PLB 797 (2019) 134794
constexpr double kUlPimEpEp = 5.3e-11;    // PLB 830 (2022) 137172
constexpr double kUlPimPi0EpEp = 8.5e-10; // PLB 830 (2022) 137172
constexpr double kUlMumNuEpEp = 8.1e-11;  // NA62 preliminary (talk)
}  // namespace

DecayCatalogue::DecayCatalogue(const CatalogueConfig& cfg) : pi0_(cfg.pi0) {
  using P = std::shared_ptr<const DecayModel>;
  const int mu = pdg::kMuon, e = pdg::kElectron, pip = pdg::kPiPlus;

  auto kmu2g = std::make_shared<Kl2GammaIBDecay>(Kl2GammaIBDecay::Config{mu, cfg.radiativeEGammaMin});
  auto k2pig = std::make_shared<PiPi0GammaIBDecay>(PiPi0GammaIBDecay::Config{cfg.radiativeEGammaMin});
  // IB above the cut, as a fraction of the IB-inclusive parent: f / (1 + f) ~ f at O(alpha).
  const double fMu = kmu2g->relativeRate() / (1.0 + kmu2g->relativeRate());
  const double fPi = k2pig->relativeRate() / (1.0 + k2pig->relativeRate());
  const std::string ib = fmt::format("E*_gamma > {:g} MeV", cfg.radiativeEGammaMin / units::MeV);

  // models are built on first use (LazyModel); each factory captures its own configuration
  auto add = [this](std::string key, std::string label, double br, std::string src, ModeClass c,
                    LazyModel::Factory m, bool pi0mue = false) {
    modes_.push_back(DecayMode{std::move(key), std::move(label), br, std::move(src), c, pi0mue, LazyModel(std::move(m))});
  };
  auto built = [](P m) { return [m] { return m; }; };  // a model already built (the IB channels)
  using MC = ModeClass;
  add("kmu2", "K+ -> mu+ nu", kBrMuNu * (1 - fMu), "PDG, minus the IB part in kmu2g", MC::Standard,
      [=] { return P(std::make_shared<TwoBodyDecay>(-mu, mu + 1)); });
  add("k2pi", "K+ -> pi+ pi0", kBrPiPi0 * (1 - fPi), "PDG, minus the IB part in k2pig", MC::Standard,
      [=] { return P(std::make_shared<TwoBodyDecay>(pip, pdg::kPi0)); });
  add("k3pi", "K+ -> pi+ pi+ pi-", kBrPiPiPi, "PDG", MC::Standard, [c = cfg.k3pi] { return P(std::make_shared<K3piDecay>(c)); });
  add("ke3", "K+ -> pi0 e+ nu", kBrKe3, "PDG", MC::Standard, [c = cfg.ke3] { return P(std::make_shared<Kl3Decay>(c)); });
  add("kmu3", "K+ -> pi0 mu+ nu", kBrKmu3, "PDG", MC::Standard, [c = cfg.kmu3] { return P(std::make_shared<Kl3Decay>(c)); });
  add("k3pi00", "K+ -> pi+ pi0 pi0", kBrPiPi0Pi0, "PDG", MC::Standard, [c = cfg.k3pi00] { return P(std::make_shared<K3piDecay>(c)); });
  add("kmu2g", "K+ -> mu+ nu gamma (IB, " + ib + ")", kBrMuNu * fMu, "PDG BR(mu nu) x BEG IB fraction",
      MC::Standard, built(kmu2g));
  add("k2pig", "K+ -> pi+ pi0 gamma (IB, " + ib + ")", kBrPiPi0 * fPi, "PDG BR(pi pi0) x Low IB fraction",
      MC::Standard, built(k2pig));
  add("ke2", "K+ -> e+ nu", kBrENu, "PDG", MC::Standard, [=] { return P(std::make_shared<TwoBodyDecay>(-e, e + 1)); });
  add("ke4", "K+ -> pi+ pi- e+ nu", kBrKe4, "NA48/2 PLB 715 (2012) 105", MC::Standard,
      [c = cfg.ke4] { return P(std::make_shared<Ke4Decay>(c)); });
  add("piee", "K+ -> pi+ e+ e-", kBrPiEE, "NA48/2 PLB 677 (2009) 246", MC::Standard,
      [c = cfg.piee] { return P(std::make_shared<PiLeptonLeptonDecay>(c)); });
  add("pimumu", "K+ -> pi+ mu+ mu-", kBrPiMuMu, "NA62 JHEP 11 (2022) 011", MC::Standard,
      [c = cfg.pimumu] { return P(std::make_shared<PiLeptonLeptonDecay>(c)); });
  add("pigg", "K+ -> pi+ gamma gamma", kBrPiGG, "NA62 Run 1 preliminary (talk)", MC::Standard,
      [c = cfg.pigg] { return P(std::make_shared<PiGammaGammaDecay>(c)); });
  add("pinunu", "K+ -> pi+ nu nubar", kBrPiNuNuSM, "SM, arXiv:2105.02868 (talk)", MC::Rare,
      [c = cfg.pinunu] { return P(std::make_shared<PiNuNuDecay>(c)); });
  // LFV / LNV (uniform phase space, kaon-physics.md section 5)
  auto flat = [](std::vector<int> ids) {
    return [ids] { return P(std::make_shared<FlatPhaseSpaceDecay>(ids)); };
  };
  add("pim_mup_ep", "K+ -> pi- mu+ e+", kUlPimMupEp, "NA62 90% CL UL, PRL 127 (2021) 131802", MC::Exotic,
      flat({-pip, -mu, -e}));
  add("pip_mum_ep", "K+ -> pi+ mu- e+", kUlPipMumEp, "NA62 90% CL UL, PRL 127 (2021) 131802", MC::Exotic,
      flat({pip, mu, -e}));
  add("pim_ep_ep", "K+ -> pi- e+ e+", kUlPimEpEp, "NA62 90% CL UL, PLB 830 (2022) 137172", MC::Exotic,
      flat({-pip, -e, -e}));
  add("pim_mup_mup", "K+ -> pi- mu+ mu+", kUlPimMupMup, "NA62 90% CL UL, PLB 797 (2019) 134794", MC::Exotic,
      flat({-pip, -mu, -mu}));
  add("pim_pi0_ep_ep", "K+ -> pi- pi0 e+ e+", kUlPimPi0EpEp, "NA62 90% CL UL, PLB 830 (2022) 137172",
      MC::Exotic, flat({-pip, pdg::kPi0, -e, -e}));
  add("mum_nu_ep_ep", "K+ -> mu- nu e+ e+", kUlMumNuEpEp, "NA62 90% CL UL, preliminary (talk)", MC::Exotic,
      flat({mu, e + 1, -e, -e}));
  add("pi0_mum_ep", "K+ -> pi+ pi0, pi0 -> mu- e+", kBrPiPi0 * kUlPi0MumEp,
      "PDG BR(pi pi0) x NA62 90% CL UL, PRL 127 (2021) 131802", MC::Exotic,
      [=] { return P(std::make_shared<TwoBodyDecay>(pip, pdg::kPi0)); }, true);

  if (modes_.size() != knownKeys().size()) throw std::logic_error("DecayCatalogue: knownKeys() out of date");
  for (std::size_t i = 0; i < modes_.size(); ++i)
    if (modes_[i].key != knownKeys()[i]) throw std::logic_error("DecayCatalogue: knownKeys() out of date");

  for (const auto& [key, br] : cfg.brOverrides) {
    if (!(br >= 0)) throw ConfigError(fmt::format("branching ratio of '{}' must be >= 0", key));
    auto& m = modes_[index(key)];
    m.br = br;
    m.brSource = "run card";
  }
}

const std::vector<std::string>& DecayCatalogue::knownKeys() {
  static const std::vector<std::string> keys{
      "kmu2", "k2pi", "k3pi", "ke3", "kmu3", "k3pi00", "kmu2g", "k2pig", "ke2", "ke4", "piee", "pimumu", "pigg",
      "pinunu", "pim_mup_ep", "pip_mum_ep", "pim_ep_ep", "pim_mup_mup", "pim_pi0_ep_ep", "mum_nu_ep_ep",
      "pi0_mum_ep"};
  return keys;
}

std::size_t DecayCatalogue::index(const std::string& key) const {
  for (std::size_t i = 0; i < modes_.size(); ++i)
    if (modes_[i].key == key) return i;
  throw ConfigError(fmt::format("unknown decay mode '{}'; known modes: all, {}", key, keyList()));
}

std::vector<std::string> DecayCatalogue::standardKeys() const {
  std::vector<std::string> keys;
  for (const auto& m : modes_)
    if (m.modeClass != ModeClass::Exotic) keys.push_back(m.key);
  return keys;
}

std::string DecayCatalogue::keyList() const {
  std::string s;
  for (const auto& m : modes_) {
    if (!s.empty()) s += ", ";
    s += m.key;
  }
  return s;
}

}  // namespace kaonlab::generator
