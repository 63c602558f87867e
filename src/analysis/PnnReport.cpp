// Report rows, JSON and plot data of the pi nu nu analysis.
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "kaonlab/analysis/PnnAnalysis.hpp"

namespace kaonlab::analysis {

namespace {
const char* kGroup = "K+ -> pi+ nu nubar, NA62 Run 1 (issue 5)";
const char* kGroupBg = "K+ -> pi+ nu nubar: backgrounds, 2018 (issue 5)";
const char* kGroupVal = "K+ -> pi+ nu nubar: validation (issue 5)";

nlohmann::json est(const Estimate& e) { return {{"value", e.value}, {"error", e.error}}; }
nlohmann::json ws(const WeightSum& s) { return {{"events", s.n}, {"sum_w", s.w}, {"sum_w2", s.w2}}; }
/// The sums of the factorised estimate per momentum bin (PnnModeResult::kinSRControl ...).
nlohmann::json factorisedJson(const PnnModeResult& m) {
  nlohmann::json bins = nlohmann::json::array();
  if (m.ownRegion == PnnRegion::None) return bins;
  for (std::size_t b = 0; b < m.kinOwnRegion.size(); ++b) {
    const double lo = PnnBinning::kFactorisedPMin + static_cast<double>(b) * PnnBinning::kFactorisedPWidth;
    bins.push_back({{"p_min", lo},
                    {"p_max", lo + PnnBinning::kFactorisedPWidth},
                    {"control_in_signal_regions", ws(m.kinSRControl[b])},
                    {"control_in_own_region", ws(m.kinOwnRegion[b])},
                    {"selected_in_own_region_weighted", ws(m.selOwnRegion[b])}});
  }
  return bins;
}
}  // namespace

std::vector<PnnRow> pnnReportRows(const PnnResults& r) {
  std::vector<PnnRow> rows;
  auto add = [&](const char* g, std::string q, double pub, double pubErr, double k, double kErr, std::string src,
                 core::PublishedKind kind = core::PublishedKind::Value) {
    rows.push_back({g, std::move(q), pub, pubErr, k, kErr, std::move(src), kind});
  };
  // reference figures without an uncertainty, from memory or a design statement ("~"):
  // compared as a ratio, not in kaonlab's Monte Carlo errors
  constexpr auto approx = core::PublishedKind::Approximate;
  const auto& n = r.config.normalisation;
  // ---- acceptance and normalisation
  add(kGroup, "signal acceptance A_pnn (R1+R2, 2018 selection, pi+ 15-45 GeV/c)", 0.064, 0.0, r.acceptance2018.value,
      r.acceptance2018.error, "JHEP 06 (2021) 093, 2018 S2 (na62-detector.md 4.3, memory)", approx);
  add(kGroup, "signal acceptance A_pnn (R1+R2, 2016-17 selection, 15-35 GeV/c)", 0.040, 0.0, r.acceptance1617.value,
      r.acceptance1617.error, "PLB 791 (2019) 156, 2016 (na62-detector.md 4.3, memory)", approx);
  add(kGroup, "  of which Region 1 (2018 selection)", 0.0, 0.0, r.acceptanceR1.value, r.acceptanceR1.error,
      "kaonlab only");
  add(kGroup, "  of which Region 2 (2018 selection)", 0.0, 0.0, r.acceptanceR2.value, r.acceptanceR2.error,
      "kaonlab only");
  add(kGroup, "random-veto efficiency eps_RV (accidentals)", 0.76, 0.0, r.randomVetoEfficiency.value,
      r.randomVetoEfficiency.error, "2016 analysis (na62-detector.md 4.1, memory)", approx);
  {
    const double a = r.acceptance1617.value * r.randomVetoEfficiency.value * n.triggerEfficiency;
    const double ae = a * std::hypot(r.acceptance1617.error / std::max(r.acceptance1617.value, 1e-300),
                                     r.randomVetoEfficiency.error / std::max(r.randomVetoEfficiency.value, 1e-300));
    add(kGroup, "A_pnn x eps_RV x eps_trig, 2016-17 selection", r.aEff2016Published, 0.0, a, ae,
        "1/(N_K x SES), 2016: N_K = 1.21e11, SES = 3.15e-10 (PLB 791 (2019) 156 abstract, no uncertainty quoted); "
        "eps_trig = 0.87 input",
        approx);
  }
  double nkRun1 = 0;
  for (const auto& y : r.years) nkRun1 += y.nK;
  add(kGroup, "N_K (K+ decays in the FV) Run 1 x 1e-12 [input]", nkRun1 * 1e-12, 0.0, nkRun1 * 1e-12, 0.0,
      "2016 published; 2017-18 derived from the published SES and the 2016 effective acceptance");
  add(kGroup, "SES Run 1 x 1e11", 0.839, 0.053, r.sesRun1.value * 1e11, r.sesRun1.error * 1e11,
      "talk / JHEP 06 (2021) 093");
  add(kGroup, "expected SM signal Run 1 (BR_SM = 8.4e-11)", 10.01, std::hypot(0.42, 1.19), r.signalRun1.value,
      r.signalRun1.error, "talk (syst and ext errors added)");
  const double pubSignal[3] = {0.267, 2.16, 7.58};
  // 2017: the abstract quotes 2.2 events and SES = (0.389 +- 0.024)e-10; the signal carries
  // the SES's relative uncertainty (N = BR_SM / SES)
  const double pubSignalErr[3] = {0.032, 2.16 * 0.024 / 0.389, std::hypot(0.40, 0.75)};
  const char* pubSignalSrc[3] = {"PLB 791 (2019) 156 abstract",
                                 "JHEP 11 (2020) 042 abstract (2.2; error = the SES's 0.024/0.389)",
                                 "talk backup (syst and ext errors added)"};
  for (std::size_t i = 0; i < r.years.size() && i < 3; ++i) {
    const auto& y = r.years[i];
    add(kGroup, fmt::format("expected SM signal {}", y.name), pubSignal[i], pubSignalErr[i], y.signal.value,
        y.signal.error, pubSignalSrc[i]);
  }
  {
    std::string subst;
    for (const auto& g : r.substituted) subst += (subst.empty() ? "" : ", ") + g;
    add(kGroup, "expected background Run 1 used for the BR", 7.03, 0.5 * (1.05 + 0.82),
        r.backgroundForStats.value + r.upstreamRun1,
        std::hypot(r.backgroundForStats.error, 0.5 * (r.upstreamRun1Up + r.upstreamRun1Down)),
        std::string(r.upstreamSimulatedForStats ? "talk; kaonlab = simulated groups + simulated upstream"
                                                : "talk; kaonlab = simulated groups + published upstream 0.05+0.89+3.30") +
            (subst.empty() ? std::string() : "; published value used for (simulation gap or MC error > 50%): " + subst));
  }
  add(kGroup, "expected background Run 1, simulated modes only", 7.03 - r.upstreamRun1, 0.0, r.backgroundRun1.value,
      r.backgroundRun1.error, "talk total minus the published upstream background");
  add(kGroup, "BR(K+ -> pi+ nu nubar) x 1e11 (20 observed)", 10.6, 0.0, r.br * 1e11, 0.0,
      "JHEP 06 (2021) 093; kaonlab: profile likelihood with kaonlab SES and background");
  add(kGroup, "  upper 68% error x 1e11", 4.0, 0.0, r.brUp * 1e11, 0.0, "idem");
  add(kGroup, "  lower 68% error x 1e11", 3.4, 0.0, r.brDown * 1e11, 0.0, "idem");
  add(kGroup, "significance (one-sided Z)", 3.4, 0.0, r.significance, 0.0, "JHEP 06 (2021) 093");
  add(kGroup, "BR x 1e11 with all simulated backgrounds only (no upstream, no substitution)", 10.6, 0.0, r.brSimOnly * 1e11, 0.0,
      "kaonlab without the upstream background (biased high)");
  add(kGroup, "BR x 1e11, three categories (2016: 1, 2017: 2, 2018: 17 observed)", 10.6, 0.0, r.brCategories * 1e11,
      0.0, "JHEP 06 (2021) 093 (NA62: finer categories); kaonlab: per-year SES and background, joint likelihood");
  add(kGroup, "  upper / lower 68% error x 1e11 (three categories)", 0.5 * (4.0 + 3.4), 0.0,
      0.5 * (r.brCategoriesUp + r.brCategoriesDown) * 1e11, 0.0, "idem (mean of the two errors)");
  add(kGroup, "significance, three categories (one-sided Z)", 3.4, 0.0, r.significanceCategories, 0.0, "JHEP 06 (2021) 093");

  // ---- backgrounds 2018
  const PnnYear* y18 = nullptr;
  for (const auto& y : r.years)
    if (y.name == "2018") y18 = &y;
  if (y18) {
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
      const auto& gr = r.groups[g];
      std::string src = gr.publishedIsUpperLimit ? "talk backup (upper limit)" : "talk backup";
      if (gr.keys.size() == 1 && gr.keys[0] == "k3pi00") src = "not in the published table";
      add(kGroupBg, gr.name, gr.published2018, gr.published2018Error, y18->background[g].value,
          y18->background[g].error, src,
          gr.publishedIsUpperLimit ? core::PublishedKind::UpperLimit : core::PublishedKind::Value);
    }
    // Run 1 (2016-18) of the modes estimated with the untracked-charged weighting and the
    // K3pi biased generation; published: the 2018 value x 10.01/7.58 (Run 1 / 2018 expected
    // signal, the scaling used when the published value replaces kaonlab's in the BR)
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
      const auto& gr = r.groups[g];
      if (gr.keys.size() != 1 || (gr.keys[0] != "ke4" && gr.keys[0] != "k3pi")) continue;
      Estimate run1;
      for (const auto& y : r.years) {
        run1.value += y.background[g].value;
        run1.error = std::hypot(run1.error, y.background[g].error);
      }
      const double s = 10.01 / 7.58;
      add(kGroupBg, gr.name + ", Run 1 (2016-18)", gr.published2018 * s, gr.published2018Error * s, run1.value, run1.error,
          "talk backup 2018 x 10.01/7.58 (Run 1 / 2018 expected signal)");
    }
    if (const auto* m = r.mode("k2pi"); m && m->kinSRPhotonEscape.w > 0 && !y18->background.empty()) {
      // NA62-style factorisation: the pi0 rejection of the whole kinematic sample applied to the tail events
      const double f = (m->kinPhotonEscape.w / m->kinPhotonEvents.w) / (m->kinSRPhotonEscape.w / m->kinSRPhotonEvents.w);
      add(kGroupBg, "K+ -> pi+ pi0(gamma), factorised (<P_esc> of all K2pi events)", 0.75, 0.04,
          y18->background[0].value * f, y18->background[0].error * f, "talk backup; kaonlab: factorised estimate");
    }
    // NA62's procedure (talk backup): N(own region) x f_kin, from kaonlab's samples of the mode
    for (std::size_t g = 0; g < r.groups.size() && g < r.factorised2018.size(); ++g) {
      const auto& gr = r.groups[g];
      const PnnFactorised& f = r.factorised2018[g];
      if (!f.available) continue;
      const char* src =
          "talk backup (N_exp = N(region) x f_kin, 'the same procedure used for K+ -> mu+ nu and K+ -> pi+ pi+ pi-'); "
          "kaonlab: radiative samples added with their direct estimate";
      add(kGroupBg, gr.name + ", NA62 procedure N(own region) x f_kin, 15-45 GeV/c", gr.published2018,
          gr.published2018Error, f.oneBin.value, f.oneBin.error, src);
      add(kGroupBg, gr.name + ", NA62 procedure in 5 GeV/c bins", gr.published2018, gr.published2018Error,
          f.binned.value, f.binned.error, src);
      // its two factors (one bin), for a comparison with NA62's own counts
      add(kGroupBg, "  N(own m2miss region) after the selection, 2018 (" + gr.keys[0] + ")", 0, 0, f.parts.nOwnRegion.value,
          f.parts.nOwnRegion.error, "kaonlab (no published value)");
      add(kGroupBg, "  f_kin = control sample in R1+R2 / in the own region (" + gr.keys[0] + ")", 0, 0, f.parts.fKin.value,
          f.parts.fKin.error, "kaonlab (no published value)");
    }
    add(kGroupBg, "total simulated (published total 5.28 minus upstream 3.30)", 5.28 - 3.30, 0.0,
        y18->backgroundTotal.value, y18->backgroundTotal.error, "talk backup");
  }
  for (auto& ur : pnnUpstreamRows(r)) rows.push_back(std::move(ur));  // upstream background, PnnUpstream.cpp

  // ---- validation figures
  if (const auto* m = r.mode("k2pi")) {
    const Estimate f = efficiency(m->kinSR, m->kin);
    add(kGroupVal, "K+ -> pi+ pi0: fraction in R1+R2 after the kinematic selection", 1e-3, 0.0, f.value, f.error,
        "kinematic suppression ~1e3 (na62-detector.md 4.3, memory); kaonlab incl. pi+ -> mu+ nu decays in flight", approx);
    const Estimate fn = efficiency(m->kinSRNoDecay, m->kinNoDecay);
    add(kGroupVal, "K+ -> pi+ pi0: fraction in R1+R2, pi+ not decayed before the RICH (resolution tails)", 1e-3, 0.0,
        fn.value, fn.error, "kinematic suppression ~1e3 (na62-detector.md 4.3, memory); NA62 measures it on identified pi+", approx);
    // pi0 -> gamma gamma events (a Dalitz pair is rejected by the charged vetoes, not counted here)
    const double nPh = m->kinPhotonEvents.w, nPhSR = m->kinSRPhotonEvents.w;
    add(kGroupVal, "pi0 rejection inefficiency <P_esc> (kinematic selection, pi0 -> gamma gamma)", 1.5e-8, 0.0,
        nPh > 0 ? m->kinPhotonEscape.w / nPh : 0, nPh > 0 ? m->kinPhotonEscape.error() / nPh : 0,
        "2018 (na62-detector.md 4.3, memory)", approx);
    add(kGroupVal, "  <P_esc> of the K+ -> pi+ pi0 events in R1+R2 (kinematic selection)", 1.5e-8, 0.0,
        nPhSR > 0 ? m->kinSRPhotonEscape.w / nPhSR : 0, nPhSR > 0 ? m->kinSRPhotonEscape.error() / nPhSR : 0,
        "NA62 assumes it equals the average (factorisation)", approx);
  }
  if (const auto* m = r.mode("kmu2")) {
    const Estimate f = efficiency(m->kinSR, m->kin);
    add(kGroupVal, "K+ -> mu+ nu: fraction in R1+R2 after the kinematic selection", 3e-5, 0.0, f.value, f.error,
        "kinematic suppression ~3e4 (na62-detector.md 4.3, memory); kaonlab incl. the RICH m2miss condition", approx);
    const Estimate fw = efficiency(m->kinM2Window, m->kin);
    add(kGroupVal, "K+ -> mu+ nu: fraction with m2miss (GTK) in the R1/R2 windows", 3e-5, 0.0, fw.value, fw.error,
        "~3e-5...1e-4 (na62-detector.md 4.3, memory); design 'kinematics 8e-6' (sourced, RICH talk)", approx);
    const Estimate rich = efficiency(m->kinRichPass, m->kin);
    add(kGroupVal, "muon mis-ID: RICH (kinematic selection, 15-45 GeV/c)", 1e-2, 0.0, rich.value, rich.error,
        "design: mu mis-ID < 1% at 15-35 GeV/c (na62-detector.md 3)", core::PublishedKind::UpperLimit);
    const double tot = rich.value * n.muonCaloMisId;
    add(kGroupVal, "muon mis-ID: RICH x (MUV3 and calorimeters)", 1e-8, 0.0, tot, rich.error / std::max(rich.value, 1e-300) * tot,
        fmt::format("~1e-8 (na62-detector.md 4.3, memory); calorimeters x MUV3 = the configured {:.2g} (BDT working point)",
                    n.muonCaloMisId),
        approx);
  }
  if (const auto* m = r.mode("pinunu")) {
    const Estimate pid = efficiency(m->kinRichCaloMuvPass, m->kin);
    add(kGroupVal, "pi+ ID efficiency (RICH x calorimeters x MUV3), signal", 0.64, 0.0, pid.value, pid.error,
        "~64-80% (na62-detector.md 4.3, memory)", approx);
  }
  for (const auto& c : r.checks) {
    const Estimate q = ratio(c.weighted, c.bruteForce);
    add(kGroupVal, fmt::format("weighted / brute force, {} ({})", c.key, c.what), 1.0, 0.0, q.value, q.error,
        "must be 1 within errors");
  }
  return rows;
}

std::string pnnResultsJson(const PnnResults& r) {
  nlohmann::json j;
  j["wall_time_s"] = r.wallSeconds;
  j["seed"] = r.config.seed;
  nlohmann::json modes = nlohmann::json::array();
  for (const auto& m : r.modes) {
    nlohmann::json cf = nlohmann::json::array();
    for (int k = 0; k <= kPnnCutCount; ++k)
      cf.push_back({{"after", k == 0 ? std::string("generated") : std::string(cutName(static_cast<PnnCut>(k - 1)))},
                    {"events", m.cutflow.events[static_cast<std::size_t>(k)]},
                    {"fraction_of_decays", m.gen.w > 0 ? m.cutflow.weights[static_cast<std::size_t>(k)] / m.gen.w : 0.0}});
    modes.push_back({{"key", m.key},
                     {"label", m.label},
                     {"br", m.br},
                     {"generated", m.generated},
                     {"cut_flow", cf},
                     {"acceptance_r1_2018", est(m.fraction(m.r1[0]))},
                     {"acceptance_r2_2018", est(m.fraction(m.r2[0]))},
                     {"acceptance_r1_2016_17", est(m.fraction(m.r1[1]))},
                     {"acceptance_r2_2016_17", est(m.fraction(m.r2[1]))},
                     {"weighted_r1_2018", est(m.fraction(m.r1w[0]))},
                     {"weighted_r2_2018", est(m.fraction(m.r2w[0]))},
                     {"weighted_r1_2016_17", est(m.fraction(m.r1w[1]))},
                     {"weighted_r2_2016_17", est(m.fraction(m.r2w[1]))},
                     {"all_but_region_brute_force", est(m.fraction(m.noRegion))},
                     {"all_but_region_weighted", est(m.fraction(m.noRegionWeighted))},
                     {"kinematic_selection", est(m.fraction(m.kin))},
                     {"kinematic_in_signal_regions", est(m.fraction(m.kinSR))},
                     {"kinematic_in_m2miss_windows", est(m.fraction(m.kinM2Window))},
                     {"own_region", std::string(regionName(m.ownRegion))},
                     {"factorised", factorisedJson(m)},
                     {"sums", {{"generated", ws(m.gen)}, {"kinematic", ws(m.kin)}, {"kinematic_sr", ws(m.kinSR)}}}});
  }
  j["modes"] = modes;
  nlohmann::json years = nlohmann::json::array();
  for (const auto& y : r.years) {
    nlohmann::json bg = nlohmann::json::object();
    for (std::size_t g = 0; g < r.groups.size(); ++g) bg[r.groups[g].name] = est(y.background[g]);
    years.push_back({{"year", y.name},
                     {"n_k", y.nK},
                     {"n_k_derived", y.nKDerived},
                     {"selection", y.selection == 0 ? "15-45 GeV/c" : "15-35 GeV/c"},
                     {"ses_published", y.sesPublished},
                     {"acceptance_times_rv", est(y.acceptance)},
                     {"ses", est(y.ses)},
                     {"expected_signal", est(y.signal)},
                     {"backgrounds", bg},
                     {"background_simulated_total", est(y.backgroundTotal)},
                     {"background_for_stats", est(y.backgroundForStats)}});
  }
  j["years"] = years;
  nlohmann::json fact = nlohmann::json::object();
  for (std::size_t g = 0; g < r.groups.size() && g < r.factorised2018.size(); ++g)
    if (const PnnFactorised& f = r.factorised2018[g]; f.oneBin.value > 0 || f.binned.value > 0)
      fact[r.groups[g].name] = {{"one_bin", est(f.oneBin)}, {"momentum_bins", est(f.binned)}};
  j["backgrounds_2018_factorised"] = fact;
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : r.checks)
    checks.push_back({{"mode", c.key}, {"what", c.what}, {"brute_force", est(c.bruteForce)}, {"weighted", est(c.weighted)}});
  j["weight_checks"] = checks;
  j["run1"] = {{"a_eff_2016_published", r.aEff2016Published},
               {"acceptance_2018", est(r.acceptance2018)},
               {"acceptance_2016_17", est(r.acceptance1617)},
               {"random_veto_efficiency", est(r.randomVetoEfficiency)},
               {"ses", est(r.sesRun1)},
               {"expected_signal", est(r.signalRun1)},
               {"background_simulated", est(r.backgroundRun1)},
               {"background_upstream_published", r.upstreamRun1},
               {"background_for_stats", est(r.backgroundForStats)},
               {"substituted_groups", r.substituted},
               {"br", r.br},
               {"br_error_up", r.brUp},
               {"br_error_down", r.brDown},
               {"significance", r.significance},
               {"p_value", r.pValue},
               {"br_simulated_only", r.brSimOnly},
               {"significance_simulated_only", r.significanceSimOnly},
               {"br_categories", r.brCategories},
               {"br_categories_error_up", r.brCategoriesUp},
               {"br_categories_error_down", r.brCategoriesDown},
               {"significance_categories", r.significanceCategories}};
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : pnnReportRows(r))
    rows.push_back({{"group", row.group}, {"quantity", row.quantity}, {"published", row.published},
                    {"published_error", row.publishedError}, {"kaonlab", row.kaonlab},
                    {"kaonlab_error", row.kaonlabError}, {"source", row.source}});
  j["rows"] = rows;
  j["upstream"] = nlohmann::json::parse(pnnUpstreamJson(r));
  return j.dump(2);
}

std::filesystem::path writePnnPlotData(const PnnResults& r, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  nlohmann::json j;
  j["binning"] = {{"m2_bins", PnnBinning::kM2Bins}, {"m2_min", PnnBinning::kM2Min}, {"m2_max", PnnBinning::kM2Max},
                  {"plane_m2_bins", PnnBinning::kPlaneM2Bins}, {"plane_p_bins", PnnBinning::kPlanePBins},
                  {"p_min", PnnBinning::kPMin}, {"p_max", PnnBinning::kPMax}};
  const auto& s = r.config.selection;
  j["regions"] = {{"r1", {s.r1Min, s.r1Max}},
                  {"r2", {s.r2Min, s.r2Max}},
                  {"p_2018", {s.pMin, s.pMax}},
                  {"p_2016_17", {s.pMin, PnnSelectionConfig::run2016_2017().pMax}},
                  {"k2pi", {s.control1Max, s.k2piMax}}};
  // histograms in expected Run-1 events: sum(w) / sum(w generated) x BR x N_K(Run 1) x eps_trig
  double nk = 0;
  for (const auto& y : r.years) nk += y.nK;
  nlohmann::json modes = nlohmann::json::array();
  for (const auto& m : r.modes) {
    const double norm = m.gen.w > 0 ? nk * m.br * r.config.normalisation.triggerEfficiency / m.gen.w : 0.0;
    auto scaled = [&](const std::vector<double>& v) {
      std::vector<double> o(v.size());
      for (std::size_t i = 0; i < v.size(); ++i) o[i] = v[i] * norm;
      return o;
    };
    modes.push_back({{"key", m.key},
                     {"label", m.label},
                     {"generated", m.generated},
                     {"br", m.br},
                     {"m2_kinematic", scaled(m.m2Kinematic)},
                     {"m2_selected", scaled(m.m2Selected)},
                     {"plane", scaled(m.plane)},
                     {"p_signal_region", scaled(m.pSignalRegion)},
                     {"p_signal_region_weighted", scaled(m.pSignalRegionWeighted)}});
  }
  j["modes"] = modes;
  j["signal_br_sm"] = r.config.normalisation.brSM;
  j["units"] = "expected K+ decays in NA62 Run 1 (2016-18) per bin; m2 in GeV^2/c^4, p in GeV/c";
  nlohmann::json table = nlohmann::json::array();
  const PnnYear* y18 = nullptr;
  for (const auto& y : r.years)
    if (y.name == "2018") y18 = &y;
  for (std::size_t g = 0; g < r.groups.size() && y18; ++g) {
    // NA62's procedure N(own region) x f_kin (one bin); null: no own region
    const bool fact = g < r.factorised2018.size() && r.factorised2018[g].oneBin.value > 0;
    table.push_back({{"mode", r.groups[g].name},
                     {"published", r.groups[g].published2018},
                     {"published_error", r.groups[g].published2018Error},
                     {"published_upper_limit", r.groups[g].publishedIsUpperLimit},
                     {"kaonlab", y18->background[g].value},
                     {"kaonlab_error", y18->background[g].error},
                     {"kaonlab_na62_procedure", fact ? nlohmann::json(r.factorised2018[g].oneBin.value) : nlohmann::json()},
                     {"kaonlab_na62_procedure_error",
                      fact ? nlohmann::json(r.factorised2018[g].oneBin.error) : nlohmann::json()}});
  }
  j["background_table_2018"] = table;
  j["signal_2018"] = y18 ? est(y18->signal) : est({});
  const auto path = dir / "pnn_plot_data.json";
  const auto tmp = dir / "pnn_plot_data.json.tmp";
  {
    std::ofstream f(tmp);
    if (!f) throw std::runtime_error("cannot write " + tmp.string());
    f << j.dump() << "\n";
  }
  std::filesystem::rename(tmp, path);
  return path;
}

}  // namespace kaonlab::analysis
