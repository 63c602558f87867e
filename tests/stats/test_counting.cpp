// Counting experiments: SES, likelihood, BR estimate with profile-likelihood intervals,
// category combination, input validation.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/stats/Counting.hpp"
#include "kaonlab/stats/Limits.hpp"
#include "kaonlab/stats/Poisson.hpp"
#include "kaonlab/stats/Significance.hpp"

using namespace kaonlab;
using namespace kaonlab::stats;

TEST(Counting, SingleEventSensitivity) {
  const std::vector<double> eff{0.8, 0.9};
  EXPECT_DOUBLE_EQ(singleEventSensitivity(1.21e11, 0.05, eff), 1.0 / (1.21e11 * 0.05 * 0.8 * 0.9));
  EXPECT_DOUBLE_EQ(singleEventSensitivity(2e12, 0.1), 5e-12);
  EXPECT_DOUBLE_EQ(expectedEvents(8.4e-11, 0.839e-11), 8.4 / 0.839);
  EXPECT_THROW(singleEventSensitivity(0, 0.05), ConfigError);
  EXPECT_THROW(singleEventSensitivity(1e11, 1.5), ConfigError);
  const std::vector<double> bad{0.5, 0.0};
  EXPECT_THROW(singleEventSensitivity(1e11, 0.05, bad), ConfigError);
  EXPECT_THROW(expectedEvents(1e-10, 0.0), ConfigError);
}

TEST(Counting, InvalidInputIsRejectedWithAClearMessage) {
  EXPECT_THROW(CountingExperiment::single(-1, 0.5, 1e-11), ConfigError);
  EXPECT_THROW(CountingExperiment::single(1, -0.5, 1e-11), ConfigError);
  EXPECT_THROW(CountingExperiment::single(1, 0.5, 0.0), ConfigError);
  EXPECT_THROW(CountingExperiment::single(1, 0.5, -1e-11), ConfigError);
  EXPECT_THROW(CountingExperiment::single(1, 0.5, 1e-11, Uncertainty::gaussian(-0.1)), ConfigError);
  EXPECT_THROW(CountingExperiment::single(1, 0.0, 1e-11, Uncertainty::logNormal(0.1)), ConfigError);
  EXPECT_THROW(CountingExperiment::single(1, 0.5, 1e-11, {}, Uncertainty::gaussian(2e-11)), ConfigError);
  EXPECT_THROW(CountingExperiment(std::vector<Category>{}), ConfigError);
  try {
    CountingExperiment::single(-3, 0.5, 1e-11);
    FAIL() << "no exception";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("observed count must be >= 0 (got -3)"), std::string::npos) << e.what();
  }
  const auto ex = CountingExperiment::single(1, 0.5, 1e-11);
  EXPECT_THROW(ex.estimateBr(1.0), ConfigError);
  EXPECT_THROW(ex.estimateBr(0.0), ConfigError);
}

TEST(Counting, GradientMatchesFiniteDifferences) {
  Category a{"a", 5, 2.0, Uncertainty::asymmetric(0.6, 0.4), 1e-11, Uncertainty::logNormal(0.1e-11)};
  Category b{"b", 2, 0.7, Uncertainty::asymmetric(0.3, 0.2, ConstraintType::LogNormal), 3e-11,
             Uncertainty::gaussian(0.2e-11)};
  const CountingExperiment ex({a, b});
  ASSERT_EQ(ex.nuisanceCount(), 4u);
  CountingData d = ex.observedData();
  d.globals = {0.2, -0.1, 0.3, 0.05};
  const std::vector<double> theta{0.4, -0.3, -0.7, 0.25};
  const double mu = 3.3;
  std::vector<double> g(5);
  ex.nll(mu, theta, d, g);
  const double h = 1e-6;
  EXPECT_NEAR(g[0], (ex.nll(mu + h, theta, d) - ex.nll(mu - h, theta, d)) / (2 * h), 1e-6);
  for (std::size_t k = 0; k < theta.size(); ++k) {
    auto tp = theta, tm = theta;
    tp[k] += h;
    tm[k] -= h;
    EXPECT_NEAR(g[1 + k], (ex.nll(mu, tp, d) - ex.nll(mu, tm, d)) / (2 * h), 1e-6) << "nuisance " << k;
  }
}

TEST(Counting, BrEstimateWithoutUncertaintiesIsAnalytic) {
  // nu = s + b: s_hat = n - b, and the interval ends solve 2 [nu - n + n ln(n/nu)] = 1 exactly
  const int n = 9;
  const double b = 2.4, ses = 2e-11;
  const auto e = CountingExperiment::single(n, b, ses).estimateBr();
  EXPECT_NEAR(e.events, n - b, 1e-9);
  EXPECT_NEAR(e.br, (n - b) * ses, 1e-9 * ses);
  auto lr = [&](double s) { const double nu = s + b; return 2 * (nu - n + n * std::log(n / nu)); };
  EXPECT_NEAR(lr(e.events + e.eventsErrorUp), 1.0, 1e-6);
  EXPECT_NEAR(lr(e.events - e.eventsErrorDown), 1.0, 1e-6);
  EXPECT_GT(e.eventsErrorUp, e.eventsErrorDown);  // Poisson asymmetry
  // 90% CL interval is wider, ends at 2.706
  const auto e90 = CountingExperiment::single(n, b, ses).estimateBr(0.9);
  EXPECT_NEAR(lr(e90.events + e90.eventsErrorUp), 2.705543454095404, 1e-6);
}

// NA62 Run 1 K+ -> pi+ nu nubar (2016-18), JHEP 06 (2021) 093 (talk: "Results NA62 Run 1"):
// 20 events observed, expected background 7.03 +1.05 -0.82, SES = 0.839e-11 ->
// BR = (10.6 +4.0 -3.4 stat +- 0.9 syst) x 1e-11. The published fit used per-category
// likelihoods (2016, 2017, 2018 momentum/period bins); one merged category gives
// BR_hat = (20 - 7.03) * SES = 10.88e-11, within 0.3e-11 of the published value.
TEST(Counting, PiNuNuRun1BranchingRatio) {
  const auto stat = CountingExperiment::single(20, 7.03, 0.839e-11).estimateBr();
  EXPECT_NEAR(stat.br, (20 - 7.03) * 0.839e-11, 1e-6 * stat.br);  // exact MLE
  EXPECT_NEAR(stat.br * 1e11, 10.6, 0.3);
  EXPECT_NEAR(stat.brErrorUp * 1e11, 4.0, 0.3);
  EXPECT_NEAR(stat.brErrorDown * 1e11, 3.4, 0.3);

  // with the background (asymmetric) and SES (0.839 +- 0.054) uncertainties profiled, the
  // interval widens towards the quadrature sum of the published stat and syst errors
  const auto full = CountingExperiment::single(20, 7.03, 0.839e-11, Uncertainty::asymmetric(1.05, 0.82),
                                               Uncertainty::gaussian(0.054e-11))
                        .estimateBr();
  EXPECT_NEAR(full.br, stat.br, 1e-4 * stat.br);  // nuisances at their nominal values at the best fit
  EXPECT_GT(full.brErrorUp, stat.brErrorUp);
  EXPECT_GT(full.brErrorDown, stat.brErrorDown);
  EXPECT_NEAR(full.brErrorUp * 1e11, std::hypot(4.0, 0.9), 0.3);
  EXPECT_NEAR(full.brErrorDown * 1e11, std::hypot(3.4, 0.9), 0.3);
}

namespace {
/// The NA62 Run 1 counts split into two categories with the same s/b ratio: the product of
/// their Poisson likelihoods is the merged likelihood times a multinomial factor that does
/// not depend on the signal, so every likelihood-ratio result must be identical.
struct Split {
  CountingExperiment merged, split;
};
Split makeSplit(bool withNuisances) {
  const double ses = 0.839e-11, b = 7.03;
  Uncertainty bErr, sErr;
  if (withNuisances) {
    bErr = Uncertainty::gaussian(0.9);
    sErr = Uncertainty::logNormal(0.054e-11);
  }
  Category m{"merged", 20, b, bErr, ses, sErr};
  // halves: SES doubles, background halves; errors scale with the values and are fully
  // correlated (shared nuisance parameters)
  Uncertainty bh = bErr, sh = sErr;
  bh.up /= 2;
  bh.down /= 2;
  sh.up *= 2;
  sh.down *= 2;
  bh.correlation = "bg";
  sh.correlation = "ses";
  Category c1{"first", 12, b / 2, bh, 2 * ses, sh};
  Category c2{"second", 8, b / 2, bh, 2 * ses, sh};
  return {CountingExperiment({m}), CountingExperiment({c1, c2})};
}
}  // namespace

TEST(Counting, MergedCategoriesGiveTheSingleCategoryResult) {
  for (bool nuis : {false, true}) {
    const auto s = makeSplit(nuis);
    EXPECT_EQ(s.split.nuisanceCount(), s.merged.nuisanceCount());
    EXPECT_NEAR(s.split.combinedSes(), s.merged.combinedSes(), 1e-25);
    const auto a = s.merged.estimateBr(), b = s.split.estimateBr();
    EXPECT_NEAR(b.br, a.br, 1e-6 * a.br) << "nuisances " << nuis;
    EXPECT_NEAR(b.brErrorUp, a.brErrorUp, 1e-5 * a.brErrorUp) << "nuisances " << nuis;
    EXPECT_NEAR(b.brErrorDown, a.brErrorDown, 1e-5 * a.brErrorDown) << "nuisances " << nuis;
    EXPECT_NEAR(s.split.q0(s.split.observedData()), s.merged.q0(s.merged.observedData()), 1e-6);
    ClsLimit::Config c;
    c.method = ClsLimit::Method::Asymptotic;
    EXPECT_NEAR(ClsLimit(c).upperLimit(s.split).br, ClsLimit(c).upperLimit(s.merged).br, 1e-5 * a.br);
  }
}

TEST(Counting, CombinationOfDifferentCategoriesIsNotTheMergedCount) {
  // The same totals split unevenly in s/b (a clean and a background-rich bin) carry more
  // information: the combined interval must be narrower than the merged one.
  const double ses = 0.839e-11;
  const CountingExperiment merged({Category{"all", 20, 7.03, {}, ses, {}}});
  const CountingExperiment split({Category{"clean", 12, 1.03, {}, 2 * ses, {}},
                                  Category{"dirty", 8, 6.0, {}, 2 * ses, {}}});
  const auto a = merged.estimateBr(), b = split.estimateBr();
  EXPECT_LT(b.brErrorUp + b.brErrorDown, a.brErrorUp + a.brErrorDown);
  EXPECT_GT(std::abs(b.br - a.br), 1e-3 * a.br);
}

TEST(Counting, TestStatisticsBehave) {
  const auto ex = CountingExperiment::single(4, 1.5, 1e-11);
  const auto d = ex.observedData();
  // q~_mu is 0 below the best fit and grows above it; q0 = 2 [n ln(n/b) - (n - b)]
  EXPECT_DOUBLE_EQ(ex.qTildeMu(2.0, d), 0.0);
  EXPECT_GT(ex.qTildeMu(6.0, d), ex.qTildeMu(4.0, d));
  EXPECT_NEAR(ex.q0(d), 2 * (4 * std::log(4 / 1.5) - 2.5), 1e-9);
  EXPECT_DOUBLE_EQ(CountingExperiment::single(1, 3.0, 1e-11).q0(CountingExperiment::single(1, 3.0, 1e-11).observedData()), 0.0);
  // with an uncertain background, profiling lowers q0
  const auto exU = CountingExperiment::single(4, 1.5, 1e-11, Uncertainty::gaussian(0.5));
  EXPECT_LT(exU.q0(exU.observedData()), ex.q0(d));
}
