// `kaonlab stats`: counting-experiment statistics from the command line.
//   kaonlab stats ul --observed 1 --background 0.91 --background-error 0.41 --ses 1.28e-11
//   kaonlab stats br --observed 20 --background 7.03 --background-error-up 1.05
//                    --background-error-down 0.82 --ses 0.839e-11
//   kaonlab stats significance --observed 20 --background 7.03 --background-error 0.9
// Several categories: repeat the values (--observed 12 8 --background 3.5 3.5 --ses 1.7e-11
// 1.7e-11); every per-category option then needs one value per category. --json prints one
// JSON object for scripts. Bad input throws kaonlab::ConfigError (exit status 2).
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kaonlab/app/Commands.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/stats/Counting.hpp"
#include "kaonlab/stats/Limits.hpp"
#include "kaonlab/stats/Significance.hpp"

namespace kaonlab::app {

namespace {

using nlohmann::json;
using namespace kaonlab::stats;

struct CountingOptions {
  std::vector<int> observed;
  std::vector<double> background;
  std::vector<double> backgroundError, backgroundErrorUp, backgroundErrorDown;
  std::vector<double> ses, sesError;
  std::string backgroundConstraint = "gauss";
  std::string sesConstraint = "gauss";
  std::vector<std::string> names;
  double cl = 0.9;
  bool json = false;
};

/// Options shared by the sub-commands. withCl: add --cl; sesRequired: otherwise the SES
/// defaults to 1 per category (a significance does not depend on it).
void addCountingOptions(CLI::App* sub, CountingOptions& o, double defaultCl, bool withCl, bool sesRequired) {
  o.cl = defaultCl;
  sub->add_option("--observed,-n", o.observed, "observed events, one per category")->required();
  sub->add_option("--background,-b", o.background, "expected background events, one per category")->required();
  auto* sym = sub->add_option("--background-error", o.backgroundError, "symmetric background error(s)");
  auto* up = sub->add_option("--background-error-up", o.backgroundErrorUp, "upper background error(s)");
  auto* down = sub->add_option("--background-error-down", o.backgroundErrorDown, "lower background error(s)");
  sym->excludes(up)->excludes(down);
  up->needs(down);
  down->needs(up);
  sub->add_option("--background-constraint", o.backgroundConstraint, "constraint of the background: gauss or lognormal")
      ->check(CLI::IsMember({"gauss", "lognormal"}))
      ->capture_default_str();
  auto* ses = sub->add_option("--ses", o.ses, "single-event sensitivity, one per category");
  if (sesRequired) ses->required();
  sub->add_option("--ses-error", o.sesError, "SES error(s)");
  sub->add_option("--ses-constraint", o.sesConstraint, "constraint of the SES: gauss or lognormal")
      ->check(CLI::IsMember({"gauss", "lognormal"}))
      ->capture_default_str();
  sub->add_option("--name", o.names, "category names (optional)");
  if (withCl) sub->add_option("--cl", o.cl, "confidence level in (0, 1)")->capture_default_str();
  sub->add_flag("--json", o.json, "print one JSON object");
}

ConstraintType constraintOf(const std::string& s) {
  return s == "lognormal" ? ConstraintType::LogNormal : ConstraintType::Gaussian;
}

void checkSize(const std::vector<double>& v, std::size_t n, const char* option, bool optional) {
  if (optional && v.empty()) return;
  if (v.size() != n)
    throw ConfigError(fmt::format("{} needs one value per category ({} given, {} categories from --observed)", option,
                                  v.size(), n));
}

CountingExperiment buildExperiment(CountingOptions o, bool sesRequired = true) {
  const std::size_t n = o.observed.size();
  if (n == 0) throw ConfigError("--observed: at least one category is needed");
  if (!sesRequired && o.ses.empty()) o.ses.assign(n, 1.0);
  checkSize(o.background, n, "--background", false);
  checkSize(o.ses, n, "--ses", false);
  checkSize(o.backgroundError, n, "--background-error", true);
  checkSize(o.backgroundErrorUp, n, "--background-error-up", true);
  checkSize(o.backgroundErrorDown, n, "--background-error-down", true);
  checkSize(o.sesError, n, "--ses-error", true);
  if (!o.names.empty() && o.names.size() != n) throw ConfigError("--name needs one value per category");
  std::vector<Category> cats(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& c = cats[i];
    c.name = o.names.empty() ? (n == 1 ? "signal region" : fmt::format("category{}", i)) : o.names[i];
    c.observed = o.observed[i];
    c.background = o.background[i];
    c.ses = o.ses[i];
    const auto bt = constraintOf(o.backgroundConstraint);
    if (!o.backgroundError.empty()) c.backgroundError = {o.backgroundError[i], o.backgroundError[i], bt, {}};
    if (!o.backgroundErrorUp.empty()) c.backgroundError = {o.backgroundErrorUp[i], o.backgroundErrorDown[i], bt, {}};
    if (!o.sesError.empty()) c.sesError = {o.sesError[i], o.sesError[i], constraintOf(o.sesConstraint), {}};
  }
  return CountingExperiment(std::move(cats));  // validates every value
}

void checkCl(double cl) {
  if (!(cl > 0 && cl < 1)) throw ConfigError(fmt::format("--cl must be in (0, 1) (got {})", cl));
}

json inputsJson(const CountingExperiment& ex, bool withSes = true) {
  json cats = json::array();
  for (const auto& c : ex.categories()) {
    cats.push_back({{"name", c.name},
                    {"observed", c.observed},
                    {"background", c.background},
                    {"background_error_up", c.backgroundError.up},
                    {"background_error_down", c.backgroundError.down},
                    {"background_constraint", c.backgroundError.type == ConstraintType::LogNormal ? "lognormal" : "gauss"},
                    {"ses", c.ses},
                    {"ses_error", c.sesError.up},
                    {"ses_constraint", c.sesError.type == ConstraintType::LogNormal ? "lognormal" : "gauss"}});
    if (!withSes) {
      for (const char* k : {"ses", "ses_error", "ses_constraint"}) cats.back().erase(k);
    }
  }
  json j = {{"categories", cats}};
  if (withSes) j["combined_ses"] = ex.combinedSes();
  return j;
}

std::string describe(const CountingExperiment& ex, bool withSes = true) {
  std::string s;
  for (const auto& c : ex.categories()) {
    s += fmt::format("  {}: N_obs = {}, N_bg = {:g}", c.name, c.observed, c.background);
    const auto& be = c.backgroundError;
    if (be.active()) {
      const char* t = be.type == ConstraintType::LogNormal ? "log-normal" : "Gaussian";
      s += be.up == be.down ? fmt::format(" +- {:g} ({})", be.up, t) : fmt::format(" +{:g} -{:g} ({})", be.up, be.down, t);
    }
    if (withSes) {
      s += fmt::format(", SES = {:.4g}", c.ses);
      if (c.sesError.active()) s += fmt::format(" +- {:.3g}", c.sesError.up);
    }
    s += "\n";
  }
  return s;
}

json significanceJson(const SignificanceResult& r) {
  return {{"p_value", r.pValue},       {"z_one_sided", r.zOneSided}, {"z_two_sided", r.zTwoSided},
          {"q0", r.q0},                {"method", r.method},         {"toys", r.toys},
          {"p_value_error", r.pValueError}};
}

std::string significanceText(const SignificanceResult& r) {
  std::string s = fmt::format("  p-value (background only, one-sided P(N >= N_obs)) = {:.3g}", r.pValue);
  if (r.toys > 0) s += fmt::format(" +- {:.2g} ({} toys)", r.pValueError, r.toys);
  s += fmt::format("\n  Z = {:.2f} sigma one-sided (p = 1 - Phi(Z)); Z = {:.2f} sigma two-sided (p = 2(1 - Phi(Z)))\n",
                   r.zOneSided, r.zTwoSided);
  s += fmt::format("  method: {}\n", r.method);
  return s;
}

Discovery::Method discoveryMethod(const std::string& s) {
  if (s == "exact") return Discovery::Method::Exact;
  if (s == "asymptotic") return Discovery::Method::Asymptotic;
  if (s == "toys") return Discovery::Method::Toys;
  return Discovery::Method::Auto;
}

// ---- ul -------------------------------------------------------------------------------------

struct UlOptions {
  CountingOptions counting;
  std::string method = "cls";
  int toys = 2000;
  std::uint64_t seed = 20190521;
};

void runUl(const UlOptions& o) {
  checkCl(o.counting.cl);
  const auto ex = buildExperiment(o.counting);
  LimitResult r;
  if (o.method == "fc") {
    if (ex.size() != 1 || ex.hasNuisances())
      throw ConfigError("--method fc needs one category without background/SES errors");
    FeldmanCousins::Config fc;
    fc.cl = o.counting.cl;
    const auto& c = ex.categories()[0];
    const auto iv = FeldmanCousins(fc).interval(c.observed, c.background);
    r.cl = fc.cl;
    r.events = iv.upper;
    r.br = iv.upper * ex.combinedSes();
    r.method = fmt::format("Feldman-Cousins unified interval [{:.3f}, {:.3f}] events; upper end quoted", iv.lower,
                           iv.upper);
  } else if (o.method == "bayes") {
    BayesianLimit::Config bc;
    bc.cl = o.counting.cl;
    r = BayesianLimit(bc).upperLimit(ex);
  } else {
    ClsLimit::Config cc;
    cc.cl = o.counting.cl;
    cc.toys = o.toys;
    cc.seed = o.seed;
    cc.method = o.method == "cls-asymptotic"     ? ClsLimit::Method::Asymptotic
                : o.method == "cls-hybrid-toys"  ? ClsLimit::Method::HybridToys
                : o.method == "cls-profile-toys" ? ClsLimit::Method::ProfileToys
                                                 : ClsLimit::Method::Auto;
    r = ClsLimit(cc).upperLimit(ex);
  }
  const bool haveExpected = std::isfinite(r.expectedEvents[2]);
  if (o.counting.json) {
    json j = {{"command", "stats ul"},
              {"method", r.method},
              {"cl", r.cl},
              {"upper_limit", {{"br", r.br}, {"events", r.events}}},
              {"inputs", inputsJson(ex)}};
    if (r.toys > 0) j["toys"] = {{"per_hypothesis", r.toys}, {"events_error", r.eventsToyError}};
    if (haveExpected) {
      json e = json::object();
      const char* keys[] = {"minus2sigma", "minus1sigma", "median", "plus1sigma", "plus2sigma"};
      for (int k = 0; k < 5; ++k)
        e[keys[k]] = {{"events", r.expectedEvents[k]}, {"br", r.expectedEvents[k] * ex.combinedSes()}};
      j["expected"] = e;
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("kaonlab stats ul: {:g}% CL upper limit\n", 100.0 * r.cl) << describe(ex);
  std::cout << fmt::format("  BR < {:.3g}\n  signal events < {:.3f}\n", r.br, r.events);
  if (r.toys > 0) std::cout << fmt::format("  ({} toys per hypothesis, toy error on the limit {:.2g} events)\n", r.toys, r.eventsToyError);
  if (haveExpected)
    std::cout << fmt::format("  expected (background only): median BR < {:.3g}, 68% band [{:.3g}, {:.3g}]\n",
                             r.expectedEvents[2] * ex.combinedSes(), r.expectedEvents[1] * ex.combinedSes(),
                             r.expectedEvents[3] * ex.combinedSes());
  std::cout << fmt::format("  method: {}\n", r.method);
}

// ---- br -------------------------------------------------------------------------------------

void runBr(const CountingOptions& o) {
  checkCl(o.cl);
  const auto ex = buildExperiment(o);
  const auto e = ex.estimateBr(o.cl);
  SignificanceResult z;
  bool haveZ = ex.totalBackground() > 0;
  if (haveZ) z = Discovery().compute(ex);
  if (o.json) {
    json j = {{"command", "stats br"},
              {"cl", e.cl},
              {"br", {{"value", e.br}, {"error_up", e.brErrorUp}, {"error_down", e.brErrorDown}}},
              {"events", {{"value", e.events}, {"error_up", e.eventsErrorUp}, {"error_down", e.eventsErrorDown}}},
              {"interval", "profile likelihood, -2 ln(L/Lmax) = chi2_1 quantile(cl)"},
              {"inputs", inputsJson(ex)}};
    if (haveZ) j["significance"] = significanceJson(z);
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "kaonlab stats br: maximum-likelihood branching ratio\n" << describe(ex);
  std::cout << fmt::format("  BR = {:.4g} +{:.3g} -{:.3g}  ({:.4g}% CL profile-likelihood interval)\n", e.br, e.brErrorUp,
                           e.brErrorDown, 100.0 * e.cl);
  std::cout << fmt::format("  signal events = {:.3f} +{:.3f} -{:.3f} (combined SES {:.4g})\n", e.events,
                           e.eventsErrorUp, e.eventsErrorDown, e.ses);
  if (haveZ) std::cout << significanceText(z);
}

// ---- significance ----------------------------------------------------------------------------

struct SigOptions {
  CountingOptions counting;
  std::string method = "auto";
  int toys = 20000;
  std::uint64_t seed = 20190521;
};

void runSignificance(const SigOptions& o) {
  const auto ex = buildExperiment(o.counting, false);
  const bool withSes = !o.counting.ses.empty();  // the SES does not enter a significance
  Discovery::Config dc;
  dc.method = discoveryMethod(o.method);
  dc.toys = o.toys;
  dc.seed = o.seed;
  const auto r = Discovery(dc).compute(ex);
  if (o.counting.json) {
    json j = significanceJson(r);
    j["command"] = "stats significance";
    j["inputs"] = inputsJson(ex, withSes);
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "kaonlab stats significance: background-only hypothesis\n" << describe(ex, withSes) << significanceText(r);
}

}  // namespace

void addStatsCommand(CLI::App& app) {
  auto* stats = app.add_subcommand("stats", "Counting-experiment statistics: upper limits, BR, significance");
  stats->require_subcommand(1);

  auto ul = std::make_shared<UlOptions>();
  auto* ulCmd = stats->add_subcommand("ul", "Upper limit on the BR (CLs, Feldman-Cousins or Bayesian)");
  addCountingOptions(ulCmd, ul->counting, 0.9, true, true);
  ulCmd->add_option("--method", ul->method,
                    "cls (exact, uncertainties integrated; hybrid toys for several categories), cls-hybrid-toys, "
                    "cls-profile-toys, cls-asymptotic, fc, bayes")
      ->check(CLI::IsMember({"cls", "cls-hybrid-toys", "cls-profile-toys", "cls-asymptotic", "fc", "bayes"}))
      ->capture_default_str();
  ulCmd->add_option("--toys", ul->toys, "pseudo-experiments per hypothesis (toy methods)")->capture_default_str();
  ulCmd->add_option("--seed", ul->seed, "random seed of the toys")->capture_default_str();
  ulCmd->callback([ul] { runUl(*ul); });

  auto br = std::make_shared<CountingOptions>();
  auto* brCmd = stats->add_subcommand("br", "Branching ratio with its profile-likelihood interval and significance");
  addCountingOptions(brCmd, *br, 0.682689492137086, true, true);
  brCmd->callback([br] { runBr(*br); });

  auto sig = std::make_shared<SigOptions>();
  auto* sigCmd = stats->add_subcommand("significance", "p-value of the background-only hypothesis and Z (one- and two-sided)");
  addCountingOptions(sigCmd, sig->counting, 0.9, false, false);
  sigCmd->add_option("--method", sig->method, "auto, exact, asymptotic or toys")
      ->check(CLI::IsMember({"auto", "exact", "asymptotic", "toys"}))
      ->capture_default_str();
  sigCmd->add_option("--toys", sig->toys, "pseudo-experiments (toys method)")->capture_default_str();
  sigCmd->add_option("--seed", sig->seed, "random seed of the toys")->capture_default_str();
  sigCmd->callback([sig] { runSignificance(*sig); });
}

}  // namespace kaonlab::app
