// K+ -> pi- mu+ mu+ search end to end: see LnvSearch.hpp.
#include "kaonlab/analysis/LnvSearch.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/DecayCatalogue.hpp"
#include "kaonlab/stats/Counting.hpp"
#include "kaonlab/stats/Limits.hpp"

namespace kaonlab::analysis {

LnvSearchConfig LnvSearchConfig::quick() {
  LnvSearchConfig c;
  c.signalEvents = 200'000;
  c.normalisationEvents = 200'000;
  return c;
}

LnvSearchConfig LnvSearchConfig::standard() {
  LnvSearchConfig c;
  c.signalEvents = 1'000'000;
  c.normalisationEvents = 1'000'000;
  return c;
}

LnvSearchResults runPiMinusMuMuSearch(const LnvSearchConfig& cfg, const PiMuMuProgress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (cfg.signalEvents == 0 || cfg.normalisationEvents == 0 || !(cfg.normalisationCandidates > 0))
    throw ConfigError("lnv: signal_events, normalisation_events and normalisation_candidates must be > 0");
  LnvSearchResults r;
  r.config = cfg;
  const generator::DecayCatalogue catalogue(cfg.base.generator.catalogue);
  r.brNormalisation = catalogue.mode(catalogue.index("pimumu")).br;
  const std::uint64_t s0 = cfg.base.seed * 10 + 5;  // seeds apart from the pi+ mu+ mu- analysis samples
  r.normalisationAcceptance = threeTrackAcceptance(cfg.base, "pimumu", s0, cfg.normalisationEvents,
                                                   {pdg::kPiPlus, -pdg::kMuon, pdg::kMuon}, progress);
  r.signalAcceptance = threeTrackAcceptance(cfg.base, "pim_mup_mup", s0 + 1, cfg.signalEvents,
                                            {-pdg::kPiPlus, -pdg::kMuon, -pdg::kMuon}, progress);
  if (r.normalisationAcceptance.value <= 0 || r.signalAcceptance.value <= 0)
    throw std::runtime_error("lnv: no Monte Carlo event selected (samples too small)");
  const double n = cfg.normalisationCandidates;
  r.ses.value = r.brNormalisation * r.normalisationAcceptance.value / (n * r.signalAcceptance.value);
  r.ses.error = r.ses.value * std::sqrt(1.0 / n +
                                        std::pow(r.normalisationAcceptance.error / r.normalisationAcceptance.value, 2) +
                                        std::pow(r.signalAcceptance.error / r.signalAcceptance.value, 2));
  const auto experiment = stats::CountingExperiment::single(cfg.observed, cfg.background, r.ses.value,
                                                            stats::Uncertainty::gaussian(cfg.backgroundError));
  r.upperLimit = stats::ClsLimit().upperLimit(experiment).br;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::vector<core::Comparison> lnvReportRows(const LnvSearchResults& r) {
  const auto& c = r.config;
  const std::string g = "K+ -> pi- mu+ mu+ LNV search (NA62 2017, PLB 797 (2019) 134794)";
  const std::string src = "talk backup page, PLB 797 (2019) 134794";
  std::vector<core::Comparison> rows;
  auto add = [&](std::string q, double pv, double pe, double kv, double ke, std::string s, core::PublishedKind kind) {
    rows.push_back({g, std::move(q), pv, pe, kv, ke, std::move(s), kind});
  };
  using core::PublishedKind;
  add("normalisation acceptance A(pi+ mu+ mu-) (kaonlab: 2017-18 cuts, decays in 105-180 m)",
      c.publishedNormalisationAcceptance, 0, r.normalisationAcceptance.value, r.normalisationAcceptance.error, src,
      PublishedKind::Approximate);
  add(fmt::format("SES x 1e11 = B(pi+ mu+ mu-) A(pi+ mu+ mu-) / ({:.0f} A(pi- mu+ mu+))", c.normalisationCandidates),
      c.publishedSes * 1e11, c.publishedSesError * 1e11, r.ses.value * 1e11, r.ses.error * 1e11,
      fmt::format("{}; kaonlab: B = {:.3g}, A(pi- mu+ mu+) = {:.4f} (flat phase space)", src, r.brNormalisation,
                  r.signalAcceptance.value),
      PublishedKind::Value);
  add("UL BR x 1e11, 90% CL CLs (1 observed, 0.91 +- 0.41 background)", c.publishedUpperLimit * 1e11, 0,
      r.upperLimit * 1e11, 0, src + "; kaonlab: its SES", PublishedKind::Value);
  return rows;
}

}  // namespace kaonlab::analysis
