// K+ -> pi+ mu+ mu- end to end: see PiMuMuAnalysis.hpp and docs/analysis-pimumu.md.
#include "kaonlab/analysis/PiMuMuAnalysis.hpp"

#include "EventLoop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <chrono>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/detector/FastSimulation.hpp"
#include "kaonlab/generator/models/PiLeptonLepton.hpp"
#include "kaonlab/stats/Fit.hpp"

namespace kaonlab::analysis {

void PiMuMuSelectionConfig::validate() const {
  auto req = [](bool ok, const char* key, const char* what) {
    if (!ok) throw ConfigError(fmt::format("pimumu.{}: {}", key, what));
  };
  req(zMax > zMin, "z_min_m/z_max_m", "need z_min < z_max");
  req(beamMomentum > 0 && maxMomentumDeviation > 0, "beam_momentum_GeV/max_momentum_deviation_GeV", "must be > 0");
  req(massMax > massMin && massMin > 0, "mass_min_GeV/mass_max_GeV", "need 0 < mass_min < mass_max");
  req(maxVertexQuality > 0, "max_vertex_quality_mm", "must be > 0");
  req(muonMaxEOverP > 0 && pionMaxEOverP > 0, "muon_max_eop/pion_max_eop", "must be > 0");
  req(electronMaxEOverP > electronMinEOverP && electronMinEOverP >= pionMaxEOverP, "electron_min_eop/electron_max_eop",
      "need pion_max_eop <= electron_min_eop < electron_max_eop (exclusive species)");
}

namespace {

/// The vertex cuts shared by both selections (NA62 K3piSelection.cc, see the header).
bool threeTrackVertexPasses(const reco::RecoEvent& ev, const reco::Reconstruction& rec,
                            const PiMuMuSelectionConfig& c, unsigned acceptance) {
  if (!ev.hasVertex3 || ev.vertex3Charge != 1 || ev.vertex3Quality > c.maxVertexQuality) return false;
  if (ev.vertex3.z < c.zMin || ev.vertex3.z > c.zMax) return false;
  if (std::abs(ev.vertex3Momentum.mag() - c.beamMomentum) > c.maxMomentumDeviation) return false;
  for (int i : ev.vertex3Tracks)
    if (!rec.inAcceptance(ev.tracks[static_cast<std::size_t>(i)], acceptance)) return false;
  return true;
}

}  // namespace

bool selectK3pi(const reco::RecoEvent& ev, const reco::Reconstruction& rec, const PiMuMuSelectionConfig& c,
                double* m3pi) {
  if (!threeTrackVertexPasses(ev, rec, c, reco::Reconstruction::kStraw | reco::Reconstruction::kNewChod))
    return false;
  const double mPi = mass(pdg::kPiPlus);
  const double m = reco::Reconstruction::threeTrackMass(ev, ev.vertex3Tracks, {mPi, mPi, mPi});
  if (m3pi) *m3pi = m;
  return m > c.massMin && m < c.massMax;
}

double cosThetaKmu(const FourVector& kaon, const FourVector& muPlus, const FourVector& muMinus) {
  const FourVector pair = muPlus + muMinus;
  const Vector3 toRest = -pair.beta();
  const Vector3 k = kaon.boosted(toRest).vec();
  const Vector3 mu = muMinus.boosted(toRest).vec();
  const double den = std::sqrt(k.mag2() * mu.mag2());
  return den > 0 ? k.dot(mu) / den : 0.0;
}

TrackSpecies identify(const reco::RecoTrack& t, const PiMuMuSelectionConfig& c) {
  if (t.muv3) return t.eOverP < c.muonMaxEOverP ? TrackSpecies::Muon : TrackSpecies::Unidentified;
  if (t.eOverP < c.pionMaxEOverP) return TrackSpecies::Pion;
  if (t.eOverP > c.electronMinEOverP && t.eOverP < c.electronMaxEOverP) return TrackSpecies::Electron;
  return TrackSpecies::Unidentified;
}

ThreeTrackCandidate selectThreeTrack(const reco::RecoEvent& ev, const reco::Reconstruction& rec,
                                     const PiMuMuSelectionConfig& c, const std::array<int, 3>& products) {
  ThreeTrackCandidate out;
  using R = reco::Reconstruction;
  if (!threeTrackVertexPasses(ev, rec, c, R::kStraw | R::kNewChod | R::kLkr | R::kMuv3)) return out;
  // each product takes an unused vertex track of its charge and species (a track has one
  // species, so the assignment is unique up to identical products)
  std::array<bool, 3> used{};
  std::array<double, 3> masses{};
  for (std::size_t k = 0; k < 3; ++k) {
    const int a = std::abs(products[k]);
    const TrackSpecies want = a == pdg::kMuon       ? TrackSpecies::Muon
                              : a == pdg::kPiPlus   ? TrackSpecies::Pion
                              : a == pdg::kElectron ? TrackSpecies::Electron
                                                    : TrackSpecies::Unidentified;
    masses[k] = mass(products[k]);
    for (std::size_t j = 0; j < 3 && out.tracks[k] < 0; ++j) {
      const int i = ev.vertex3Tracks[j];
      const auto& t = ev.tracks[static_cast<std::size_t>(i)];
      if (!used[j] && t.charge == charge(products[k]) && identify(t, c) == want) {
        used[j] = true;
        out.tracks[k] = i;
      }
    }
    if (out.tracks[k] < 0) return out;
  }
  out.mass = R::threeTrackMass(ev, out.tracks, masses);
  out.selected = out.mass > c.massMin && out.mass < c.massMax;
  return out;
}

PiMuMuCandidate selectPiMuMu(const reco::RecoEvent& ev, const reco::Reconstruction& rec,
                             const PiMuMuSelectionConfig& c) {
  PiMuMuCandidate out;
  const ThreeTrackCandidate t = selectThreeTrack(ev, rec, c, {pdg::kPiPlus, -pdg::kMuon, pdg::kMuon});
  out.mass = t.mass;
  if (!t.selected) return out;
  const double mMu = mass(pdg::kMuon), mK = mass(pdg::kKPlus);
  const FourVector pMuPlus = FourVector::fromMass(ev.tracks[static_cast<std::size_t>(t.tracks[1])].momentum, mMu);
  const FourVector pMuMinus = FourVector::fromMass(ev.tracks[static_cast<std::size_t>(t.tracks[2])].momentum, mMu);
  out.z = (pMuPlus + pMuMinus).m2() / (mK * mK);
  // the K+ four-momentum: the three-track sum at the kaon mass (NA62's pi mu mu kinematics
  // are closed by the three tracks)
  out.cosTheta = cosThetaKmu(FourVector::fromMass(ev.vertex3Momentum, mK), pMuPlus, pMuMinus);
  out.selected = true;
  return out;
}

// ---- dB/dz for any (a+, b+) ------------------------------------------------------------

namespace {
struct SpectrumModel {
  generator::PiLeptonLeptonDecay model;  ///< a+ = 1, b+ = 0: W = g + W_pipi
  double g = 0;                          ///< G_F m_K^2
  double toBr = 0;                       ///< tau_K / hbar (GeV^-1)
  SpectrumModel()
      : model(generator::PiLeptonLeptonDecay::Config{13, 1.0, 0.0}),
        g(constants::G_F * mass(pdg::kKPlus) * mass(pdg::kKPlus)),
        toBr(particleData(pdg::kKPlus).ctau / constants::hbarc) {}
};
const SpectrumModel& spectrumModel() {
  static const SpectrumModel m;
  return m;
}
}  // namespace

PiMuMuSpectrum::PiMuMuSpectrum() {
  const auto& m = spectrumModel();
  zMin_ = m.model.zMin();
  zMax_ = m.model.zMax();
}

double PiMuMuSpectrum::kinematicFactor(double z) const {
  const auto& m = spectrumModel();
  if (z <= zMin_ || z >= zMax_) return 0.0;
  const double n1 = m.model.formFactor2(z);  // |g + W_pipi|^2
  return n1 > 0 ? m.toBr * m.model.dGammaDz(z) / n1 : 0.0;
}

double PiMuMuSpectrum::formFactor2(double z, double aPlus, double bPlus) const {
  const auto& m = spectrumModel();
  return std::norm(m.model.formFactor(z) + m.g * (aPlus - 1.0 + bPlus * z));
}

double PiMuMuSpectrum::dBdz(double z, double aPlus, double bPlus) const {
  if (z <= zMin_ || z >= zMax_) return 0.0;
  return kinematicFactor(z) * formFactor2(z, aPlus, bPlus);
}

double PiMuMuSpectrum::integral(double lo, double hi, double aPlus, double bPlus) const {
  lo = std::max(lo, zMin_);
  hi = std::min(hi, zMax_);
  if (hi <= lo) return 0.0;
  // the integrand has square-root end points (beta_mu at 4 r_mu^2, lambda^3/2 at (1 - r_pi)^2):
  // tanh-sinh quadrature converges there to double precision
  auto f = [&](double z) { return dBdz(z, aPlus, bPlus); };
  static thread_local boost::math::quadrature::tanh_sinh<double> integrator;  // integrate() is not const
  const double s = integrator.integrate(f, lo, hi, 1e-10);
  return s;
}

// ---- configurations --------------------------------------------------------------------

generator::FiducialConfig PiMuMuAnalysisConfig::fiducial() {
  generator::FiducialConfig f;
  f.zMin = 105.0 * units::m;
  f.zMax = 180.0 * units::m;
  return f;
}

PiMuMuAnalysisConfig PiMuMuAnalysisConfig::quick() {
  PiMuMuAnalysisConfig c;
  c.mcEvents = 400'000;
  c.k3piMcEvents = 200'000;
  c.k3piDataEvents = 200'000;
  c.dataCandidates = 2767.9;
  return c;
}

PiMuMuAnalysisConfig PiMuMuAnalysisConfig::standard() {
  PiMuMuAnalysisConfig c;
  c.mcEvents = 3'000'000;
  c.k3piMcEvents = 1'000'000;
  c.k3piDataEvents = 1'000'000;
  return c;
}

// ---- the run ---------------------------------------------------------------------------

namespace {

struct Scratch {
  generator::TruthEvent truth;
  detector::DetectorEvent det;
  reco::RecoEvent rec;
};

struct EventRecord {
  int trueBin = -1;  ///< signal samples: bin of the true z
  int trueSide = 0;  ///< signal samples: sign of the true cos(theta_Kmu)
  bool k3pi = false;
  PiMuMuCandidate sig;
};

int binOf(const std::vector<double>& edges, double z) {
  if (z < edges.front() || z >= edges.back()) return -1;
  const auto it = std::upper_bound(edges.begin(), edges.end(), z);
  return static_cast<int>(it - edges.begin()) - 1;
}

/// Generate, simulate, reconstruct and select `events` decays of one mode.
/// The selection: pi+ mu+ mu- (signal samples), K3pi (k3pi), or selectThreeTrack for
/// `products` when given (other final states).
PiMuMuSample runSample(const PiMuMuAnalysisConfig& cfg, const std::string& name, const std::string& key,
                       std::uint64_t seed, std::uint64_t events, double aPlus, double bPlus,
                       const std::vector<double>& edges, const PiMuMuProgress& progress,
                       const std::array<int, 3>* products = nullptr) {
  generator::GeneratorConfig g = cfg.generator;
  g.modes = {key};
  g.selection = generator::ModeSelection::BranchingRatio;
  g.fiducial = PiMuMuAnalysisConfig::fiducial();
  g.seed = seed;
  g.catalogue.pimumu.aPlus = aPlus;
  g.catalogue.pimumu.bPlus = bPlus;
  const generator::Generator gen(g);
  detector::DetectorConfig d = cfg.detector;
  d.seed = seed;
  const detector::FastSimulation sim(d, gen.config().beam);
  const reco::Reconstruction rec(cfg.reco, d);
  const bool signal = key == "pimumu";
  const double mK2 = mass(pdg::kKPlus) * mass(pdg::kKPlus);

  PiMuMuSample s;
  s.name = name;
  s.generated = events;
  const std::size_t nb = edges.size() - 1;
  s.generatedPerBin.assign(nb, 0.0);
  s.selectedPerBin.assign(nb, 0.0);

  detail::runEventBlocks<Scratch, EventRecord>(
      cfg.threads, events, 1,
      [&](std::uint64_t index, Scratch& sc, EventRecord* rec0) {
        EventRecord& out = *rec0;
        out = EventRecord{};
        gen.generate(index, sc.truth);
        if (signal) {  // true z and cos(theta_Kmu) from the K+ daughters mu+ mu-
          FourVector muPlus, muMinus;
          for (std::size_t k = 0; k < sc.truth.nParticles; ++k) {
            const auto& p = sc.truth.particles[k];
            if (p.parent != -1) continue;
            if (p.pdgId == -pdg::kMuon) muPlus = p.p;
            if (p.pdgId == pdg::kMuon) muMinus = p.p;
          }
          out.trueBin = binOf(edges, (muPlus + muMinus).m2() / mK2);
          out.trueSide = cosThetaKmu(sc.truth.beamMomentum, muPlus, muMinus) > 0 ? 1 : -1;
        }
        sim.simulate(sc.truth, sc.det);
        rec.reconstruct(sc.det, sc.rec);
        if (products)
          out.sig.selected = selectThreeTrack(sc.rec, rec, cfg.selection, *products).selected;
        else if (signal)
          out.sig = selectPiMuMu(sc.rec, rec, cfg.selection);
        else
          out.k3pi = selectK3pi(sc.rec, rec, cfg.selection);
      },
      [&](const EventRecord& e) {  // in event order: deterministic sums
        if (e.trueBin >= 0) s.generatedPerBin[static_cast<std::size_t>(e.trueBin)] += 1;
        if (e.trueSide != 0) (e.trueSide > 0 ? s.trueForward : s.trueBackward) += 1;
        if (e.k3pi) ++s.selected;
        if (e.sig.selected) {
          ++s.selected;
          const int b = binOf(edges, e.sig.z);
          if (b >= 0) s.selectedPerBin[static_cast<std::size_t>(b)] += 1;
          if (signal && !products) (e.sig.cosTheta > 0 ? s.forward : s.backward) += 1;
        }
      },
      [&](std::uint64_t done) {
        if (progress) progress(name, done, events);
      });
  return s;
}

/// k of n unweighted events (the binomial error of efficiency() with unit weights).
Estimate binomial(double k, double n) { return efficiency({k, k, k}, {n, n, n}); }

}  // namespace

Estimate threeTrackAcceptance(const PiMuMuAnalysisConfig& cfg, const std::string& modeKey, std::uint64_t seed,
                              std::uint64_t events, const std::array<int, 3>& products,
                              const PiMuMuProgress& progress) {
  const PiMuMuSpectrum spectrum;
  const std::vector<double> edges{spectrum.zMin(), spectrum.zMax()};
  const PiMuMuSample s = runSample(cfg, modeKey, modeKey, seed, events, cfg.generator.catalogue.pimumu.aPlus,
                                   cfg.generator.catalogue.pimumu.bPlus, edges, progress, &products);
  return binomial(static_cast<double>(s.selected), static_cast<double>(s.generated));
}

PiMuMuResults runPiMuMuAnalysis(const PiMuMuAnalysisConfig& cfgIn, const PiMuMuProgress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  PiMuMuResults r;
  r.config = cfgIn;
  const auto& cfg = r.config;
  cfg.selection.validate();
  if (cfg.mcEvents == 0 || cfg.k3piMcEvents == 0 || cfg.k3piDataEvents == 0 || cfg.zBins < 2 ||
      !(cfg.dataCandidates > 0))
    throw ConfigError("pimumu: mc_events, k3pi_mc_events, k3pi_data_events and data_candidates must be > 0, "
                      "z_bins >= 2");
  const PiMuMuSpectrum spectrum;
  r.edges.resize(static_cast<std::size_t>(cfg.zBins) + 1);
  for (int i = 0; i <= cfg.zBins; ++i)
    r.edges[static_cast<std::size_t>(i)] =
        spectrum.zMin() + (spectrum.zMax() - spectrum.zMin()) * i / static_cast<double>(cfg.zBins);
  const generator::DecayCatalogue catalogue(cfg.generator.catalogue);
  const double brK3pi = catalogue.mode(catalogue.index("k3pi")).br;
  // one generator seed per sample (independent random numbers)
  const std::uint64_t s0 = cfg.seed * 10;

  // ---- Monte Carlo: signal acceptance per z bin, K3pi acceptance
  r.mc = runSample(cfg, "pimumu MC", "pimumu", s0 + 1, cfg.mcEvents, cfg.generator.catalogue.pimumu.aPlus,
                   cfg.generator.catalogue.pimumu.bPlus, r.edges, progress);
  r.k3piMc = runSample(cfg, "k3pi MC", "k3pi", s0 + 2, cfg.k3piMcEvents, 0, 0, r.edges, progress);
  r.signalAcceptance = binomial(static_cast<double>(r.mc.selected), static_cast<double>(r.mc.generated));
  r.k3piAcceptance = binomial(static_cast<double>(r.k3piMc.selected), static_cast<double>(r.k3piMc.generated));
  if (r.signalAcceptance.value <= 0 || r.k3piAcceptance.value <= 0)
    throw std::runtime_error("pimumu: no Monte Carlo event selected (samples too small)");

  // ---- "data": as many signal decays as make the requested candidate count, and the K3pi
  // decays of the same kaon flux, downscaled
  r.trueBr = spectrum.integral(spectrum.zMin(), spectrum.zMax(), cfg.trueAPlus, cfg.trueBPlus);
  const auto nData = static_cast<std::uint64_t>(std::llround(cfg.dataCandidates / r.signalAcceptance.value));
  r.nKTrue = static_cast<double>(nData) / r.trueBr;
  r.downscaling = r.nKTrue * brK3pi / static_cast<double>(cfg.k3piDataEvents);
  r.data = runSample(cfg, "pimumu data", "pimumu", s0 + 3, nData, cfg.trueAPlus, cfg.trueBPlus, r.edges, progress);
  r.k3piData = runSample(cfg, "k3pi data", "k3pi", s0 + 4, cfg.k3piDataEvents, 0, 0, r.edges, progress);

  // ---- kaon flux from the normalisation channel
  const double n3pi = static_cast<double>(r.k3piData.selected);
  if (n3pi <= 0) throw std::runtime_error("pimumu: no K3pi data event selected");
  r.nK.value = n3pi * r.downscaling / (r.k3piAcceptance.value * brK3pi);
  r.nK.error = r.nK.value * std::hypot(1.0 / std::sqrt(n3pi), r.k3piAcceptance.error / r.k3piAcceptance.value);

  // ---- model-independent B: acceptance-corrected z spectrum
  const std::size_t nb = r.edges.size() - 1;
  r.acceptancePerBin.resize(nb);
  std::vector<double> acc(nb, 0.0);  // values only, for the fit model
  double var = 0, varMc = 0;
  for (std::size_t i = 0; i < nb; ++i) {
    const Estimate a = binomial(r.mc.selectedPerBin[i], r.mc.generatedPerBin[i]);
    r.acceptancePerBin[i] = a;
    acc[i] = a.value;
    if (a.value <= 0) continue;
    const double ni = r.data.selectedPerBin[i];
    const double bi = ni / (r.nK.value * a.value);
    r.br.value += bi;
    var += ni / std::pow(r.nK.value * a.value, 2);
    varMc += std::pow(bi * a.error / a.value, 2);
  }
  r.br.error = std::sqrt(var);
  r.brMcError = std::sqrt(varMc + std::pow(r.br.value * r.nK.error / r.nK.value, 2));

  // ---- form factor fit: Poisson likelihood of the data z spectrum
  const double nK = r.nK.value;
  const std::vector<double> edges = r.edges;
  auto model = [nK, edges, acc, &spectrum](double lo, double hi, std::span<const double> p) {
    const int b = binOf(edges, 0.5 * (lo + hi));
    if (b < 0) return 0.0;
    return nK * acc[static_cast<std::size_t>(b)] * spectrum.integral(lo, hi, p[0], p[1]);
  };
  // a+ < 0: |W|^2 has a second minimum at positive a+ (NA48/2 2011), excluded as by NA62
  std::vector<stats::Parameter> params{{"a+", -0.5, 0.02, -2.0, 0.0}, {"b+", -0.5, 0.05, -5.0, 5.0}};
  const stats::BinnedFit fit(r.edges, r.data.selectedPerBin, model, params);
  const stats::FitResult fr = fit.fit();
  r.fitValid = fr.valid();
  r.aPlus = fr.values[0];
  r.bPlus = fr.values[1];
  r.aPlusError = fr.errors[0];
  r.bPlusError = fr.errors[1];
  r.correlation = fr.correlation(0, 1);
  r.fitChi2 = fr.gof.statistic;
  r.fitNdf = fr.gof.ndf;

  // ---- forward-backward asymmetry, corrected for the acceptance with the MC: the MC's
  // reconstructed minus generated asymmetry is the detector's bias
  auto afb = [](double f, double b) {
    const double n = f + b;
    if (n <= 0) return Estimate{};
    const double a = (f - b) / n;
    return Estimate{a, std::sqrt(std::max(1.0 - a * a, 0.0) / n)};
  };
  const Estimate ad = afb(r.data.forward, r.data.backward), am = afb(r.mc.forward, r.mc.backward);
  const Estimate ag = afb(r.mc.trueForward, r.mc.trueBackward);
  r.afb = {ad.value - am.value + ag.value, ad.error};
  r.afbMcBias = {am.value - ag.value, std::hypot(am.error, ag.error)};
  r.trueAfb = afb(r.data.trueForward, r.data.trueBackward).value;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::vector<core::Comparison> piMuMuReportRows(const PiMuMuResults& r) {
  const auto& p = r.config.published;
  const std::string g = "K+ -> pi+ mu+ mu- (NA62 2017-18, JHEP 11 (2022) 011)";
  const std::string talk = "talk, JHEP 11 (2022) 011";
  using core::PublishedKind;
  std::vector<core::Comparison> rows;
  auto add = [&](std::string q, double pv, double pe, double kv, double ke, std::string src,
                 PublishedKind kind = PublishedKind::Value) {
    rows.push_back({g, std::move(q), pv, pe, kv, ke, std::move(src), kind});
  };
  add("selected candidates (data sample sized to NA62's count)", p.candidates, 0,
      static_cast<double>(r.data.selected), std::sqrt(static_cast<double>(r.data.selected)), talk,
      PublishedKind::Approximate);
  add("K3pi acceptance, decays in 105-180 m (NA62 K3piSelection)", p.k3piAcceptance, 0, r.k3piAcceptance.value,
      r.k3piAcceptance.error, "na62fw K3piSelection.cc (NA62 MC v0.11.2)", PublishedKind::Approximate);
  add("a+", p.aPlus, p.aPlusStat, r.aPlus, r.aPlusError, talk + " (stat. error)");
  add("b+", p.bPlus, p.bPlusStat, r.bPlus, r.bPlusError, talk + " (stat. error)");
  add("B(K+ -> pi+ mu+ mu-) x 1e8, model-independent", p.br * 1e8, p.brStat * 1e8, r.br.value * 1e8,
      r.br.error * 1e8,
      fmt::format("{} (stat.); the DEIP model at the published a+, b+ integrates to {:.3f}", talk, r.trueBr * 1e8));
  add("A_FB x 100", p.afb * 100, p.afbStat * 100, r.afb.value * 100, r.afb.error * 100, talk + " (stat. error)");
  // statistical errors scale as 1/sqrt(N): kaonlab's, scaled to NA62's candidate count, test
  // the acceptance shape in z (the quick run has 1/10 of the sample)
  const double scale = r.data.selected > 0 ? std::sqrt(static_cast<double>(r.data.selected) / p.candidates) : 0.0;
  const std::string scaled = " (kaonlab's scaled to NA62's count)";
  add("stat. error of a+" + scaled, p.aPlusStat, 0, r.aPlusError * scale, 0, talk, PublishedKind::Approximate);
  add("stat. error of b+" + scaled, p.bPlusStat, 0, r.bPlusError * scale, 0, talk, PublishedKind::Approximate);
  add("relative stat. error of B" + scaled, p.brStat / p.br, 0, r.br.value > 0 ? r.br.error / r.br.value * scale : 0, 0,
      talk, PublishedKind::Approximate);
  add("stat. error of A_FB x 100" + scaled, p.afbStat * 100, 0, r.afb.error * 100 * scale, 0, talk,
      PublishedKind::Approximate);
  // closure: the procedure recovers the data sample's own truth
  const std::string truth = "the data sample's true value (closure)";
  add("closure: fitted a+", r.config.trueAPlus, 0, r.aPlus, r.aPlusError, truth);
  add("closure: fitted b+", r.config.trueBPlus, 0, r.bPlus, r.bPlusError, truth);
  add("closure: B x 1e8", r.trueBr * 1e8, 0, r.br.value * 1e8, std::hypot(r.br.error, r.brMcError) * 1e8, truth);
  add("closure: A_FB x 100 (the Coulomb factor's, generated)", r.trueAfb * 100, 0, r.afb.value * 100,
      r.afb.error * 100, truth);
  return rows;
}

std::string piMuMuResultsJson(const PiMuMuResults& r) {
  auto est = [](const Estimate& e) { return nlohmann::json{{"value", e.value}, {"error", e.error}}; };
  auto sample = [](const PiMuMuSample& s) {
    return nlohmann::json{{"generated", s.generated},        {"selected", s.selected},
                          {"generated_per_z_bin", s.generatedPerBin}, {"selected_per_z_bin", s.selectedPerBin},
                          {"forward", s.forward},            {"backward", s.backward}};
  };
  nlohmann::json j;
  j["seed"] = r.config.seed;
  j["wall_time_s"] = r.seconds;
  j["z_bin_edges"] = r.edges;
  j["samples"] = {{"pimumu_mc", sample(r.mc)},
                  {"pimumu_data", sample(r.data)},
                  {"k3pi_mc", sample(r.k3piMc)},
                  {"k3pi_data", sample(r.k3piData)}};
  j["true"] = {{"a_plus", r.config.trueAPlus}, {"b_plus", r.config.trueBPlus}, {"br", r.trueBr}, {"n_k", r.nKTrue}};
  j["k3pi_downscaling"] = r.downscaling;
  j["k3pi_acceptance"] = est(r.k3piAcceptance);
  j["signal_acceptance"] = est(r.signalAcceptance);
  nlohmann::json accBins = nlohmann::json::array();
  for (const Estimate& a : r.acceptancePerBin) accBins.push_back(est(a));
  j["signal_acceptance_per_z_bin"] = accBins;
  j["n_k"] = est(r.nK);
  j["br"] = {{"value", r.br.value}, {"stat_error", r.br.error}, {"mc_and_normalisation_error", r.brMcError}};
  j["fit"] = {{"valid", r.fitValid},          {"a_plus", r.aPlus},           {"a_plus_error", r.aPlusError},
              {"b_plus", r.bPlus},            {"b_plus_error", r.bPlusError}, {"correlation", r.correlation},
              {"baker_cousins_chi2", r.fitChi2}, {"ndf", r.fitNdf}};
  {  // plot data (scripts/plot_pimumu.py): the z spectrum with the fit, and |W(z)|^2 per bin
    // = B_i / int_i tau/hbar K(z) dz (the K-weighted bin average) beside the fitted and the
    // published curves
    const PiMuMuSpectrum sp;
    static thread_local boost::math::quadrature::tanh_sinh<double> integrator;
    nlohmann::json expected = nlohmann::json::array(), w2 = nlohmann::json::array(), w2e = nlohmann::json::array();
    for (std::size_t i = 0; i + 1 < r.edges.size(); ++i) {
      const double lo = r.edges[i], hi = r.edges[i + 1];
      const double a = r.acceptancePerBin[i].value;
      expected.push_back(r.nK.value * a * sp.integral(lo, hi, r.aPlus, r.bPlus));
      const double k = integrator.integrate([&](double z) { return sp.kinematicFactor(z); }, lo, hi, 1e-10);
      const double n = r.data.selectedPerBin[i];
      const double den = r.nK.value * a * k;
      w2.push_back(den > 0 ? n / den : 0.0);
      w2e.push_back(den > 0 ? std::sqrt(n) / den : 0.0);
    }
    nlohmann::json zs = nlohmann::json::array(), fitCurve = nlohmann::json::array(), pubCurve = nlohmann::json::array();
    const auto& p = r.config.published;
    for (int k = 0; k <= 200; ++k) {
      const double z = sp.zMin() + (sp.zMax() - sp.zMin()) * k / 200.0;
      zs.push_back(z);
      fitCurve.push_back(sp.formFactor2(z, r.aPlus, r.bPlus));
      pubCurve.push_back(sp.formFactor2(z, p.aPlus, p.bPlus));
    }
    j["plot"] = {{"fit_expected_per_z_bin", expected},
                 {"form_factor2_per_z_bin", w2},
                 {"form_factor2_error_per_z_bin", w2e},
                 {"curve_z", zs},
                 {"curve_form_factor2_fit", fitCurve},
                 {"curve_form_factor2_published", pubCurve}};
  }
  j["afb"] = est(r.afb);
  j["afb_mc_bias"] = est(r.afbMcBias);
  j["afb_true"] = r.trueAfb;
  return j.dump(2) + "\n";
}

}  // namespace kaonlab::analysis
