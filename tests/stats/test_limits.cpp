// Upper limits: CLs (exact, hybrid and profile toys, asymptotic) and the Bayesian limit.
#include <gtest/gtest.h>

#include <cmath>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/stats/Limits.hpp"
#include "kaonlab/stats/Poisson.hpp"

using namespace kaonlab;
using namespace kaonlab::stats;

namespace {
// NA62 K+ -> pi- mu+ mu+ (PLB 797 (2019) 134794, and the talk's LNV slide): N_obs = 1,
// N_bg = 0.91 +- 0.41, SES = (1.28 +- 0.04) x 1e-11  ->  BR < 4.2 x 1e-11 at 90% CL (CLs).
constexpr double kSes = 1.28e-11;
constexpr double kPublished = 4.2e-11;
}  // namespace

TEST(Limits, PiMuMuCLsLimitReproducesThePublishedValue) {
  // known background and SES: Read's exact formula
  const auto plain = ClsLimit().upperLimit(CountingExperiment::single(1, 0.91, kSes));
  EXPECT_EQ(plain.method, "CLs, exact Poisson (Read 2002)");
  EXPECT_NEAR(plain.br / kPublished, 1.0, 0.03) << "BR < " << plain.br;
  // check the definition at the limit: CLs = P(N<=1|s+b)/P(N<=1|b) = 0.1
  EXPECT_NEAR(poissonCdf(1, plain.events + 0.91) / poissonCdf(1, 0.91), 0.1, 1e-9);

  // with the background and SES uncertainties integrated over their constraints
  const auto ex = CountingExperiment::single(1, 0.91, kSes, Uncertainty::gaussian(0.41), Uncertainty::gaussian(0.04e-11));
  const auto full = ClsLimit().upperLimit(ex);
  EXPECT_NEAR(full.br / kPublished, 1.0, 0.03) << "BR < " << full.br;
  EXPECT_GT(full.br, plain.br);  // the uncertainty weakens the limit
  EXPECT_NEAR(ClsLimit().cls(ex, full.events), 0.1, 1e-6);
  // the median expected limit for b = 0.91 is the limit for n = 1 (the median count)
  EXPECT_NEAR(full.expectedEvents[2], full.events, 1e-6);
  EXPECT_LE(full.expectedEvents[0], full.expectedEvents[1]);
  EXPECT_LT(full.expectedEvents[2], full.expectedEvents[3]);
}

TEST(Limits, ZeroObservedWithoutBackgroundGivesMinusLnAlpha) {
  // CLs = exp(-s) for n = 0 and b = 0: s_up = -ln(0.1) = 2.302585...
  const auto r = ClsLimit().upperLimit(CountingExperiment::single(0, 0.0, 2.2e-11));
  EXPECT_NEAR(r.events, -std::log(0.1), 1e-9);
  EXPECT_NEAR(r.br, -std::log(0.1) * 2.2e-11, 1e-9 * 2.2e-11);
  // for n = 0, CLs = exp(-s) whatever the background
  EXPECT_NEAR(ClsLimit::exactPoisson(0, 3.7, 0.9), -std::log(0.1), 1e-9);
  // 95% CL: -ln(0.05)
  EXPECT_NEAR(ClsLimit::exactPoisson(0, 0.0, 0.95), -std::log(0.05), 1e-9);
}

TEST(Limits, LimitGrowsWithConfidenceLevelAndObservedCount) {
  EXPECT_GT(ClsLimit::exactPoisson(3, 1.0, 0.95), ClsLimit::exactPoisson(3, 1.0, 0.9));
  EXPECT_GT(ClsLimit::exactPoisson(4, 1.0, 0.9), ClsLimit::exactPoisson(3, 1.0, 0.9));
  // more background with the same count gives a lower limit
  EXPECT_LT(ClsLimit::exactPoisson(3, 2.0, 0.9), ClsLimit::exactPoisson(3, 1.0, 0.9));
}

TEST(Limits, HybridToysConvergeToTheQuadrature) {
  const auto ex = CountingExperiment::single(1, 0.91, kSes, Uncertainty::gaussian(0.41), Uncertainty::gaussian(0.04e-11));
  ClsLimit::Config c;
  c.method = ClsLimit::Method::Exact;
  const double exact = ClsLimit(c).upperLimit(ex).events;
  c.method = ClsLimit::Method::HybridToys;
  c.toys = 20000;
  c.seed = 7;
  const auto toys = ClsLimit(c).upperLimit(ex);
  ASSERT_GT(toys.eventsToyError, 0);
  EXPECT_LT(toys.eventsToyError, 0.1);
  EXPECT_NEAR(toys.events, exact, 3 * toys.eventsToyError + 1e-3 * exact) << "toy error " << toys.eventsToyError;
}

TEST(Limits, ProfileToysWithoutNuisancesReproduceReadsFormula) {
  // one category, no nuisances: q~_mu orders by N, so the toy CLs estimates Read's ratio
  const auto ex = CountingExperiment::single(2, 1.3, 1e-11);
  ClsLimit::Config c;
  c.method = ClsLimit::Method::ProfileToys;
  c.toys = 4000;
  const auto toys = ClsLimit(c).upperLimit(ex);
  const double exact = ClsLimit::exactPoisson(2, 1.3, 0.9);
  EXPECT_NEAR(toys.events, exact, 3 * toys.eventsToyError + 1e-3 * exact) << "toy error " << toys.eventsToyError;
}

TEST(Limits, AsymptoticApproachesExactForLargeCounts) {
  // Cowan et al. 2011: the asymptotic CLs is accurate when counts are large
  const auto ex = CountingExperiment::single(400, 400.0, 1e-11);
  ClsLimit::Config c;
  c.method = ClsLimit::Method::Asymptotic;
  const auto asym = ClsLimit(c).upperLimit(ex);
  const double exact = ClsLimit::exactPoisson(400, 400.0, 0.9);
  EXPECT_NEAR(asym.events / exact, 1.0, 0.02) << asym.events << " vs " << exact;
  // median expected CLs limit: sigma * Phi^-1(1 - alpha/2) with sigma ~ sqrt(b) (Cowan eq. 89)
  EXPECT_NEAR(asym.expectedEvents[2] / (std::sqrt(400.0) * normalQuantile(0.95)), 1.0, 0.05);
  // and it is poor for one event: the reason the exact method is the default there
  const auto small = CountingExperiment::single(1, 0.91, kSes);
  EXPECT_GT(std::abs(ClsLimit(c).upperLimit(small).events / ClsLimit::exactPoisson(1, 0.91, 0.9) - 1.0), 0.05);
}

TEST(Limits, ToysAreReproducibleForAGivenSeed) {
  const auto ex = CountingExperiment({Category{"a", 1, 0.5, Uncertainty::gaussian(0.2), 2e-11, {}},
                                      Category{"b", 0, 0.3, Uncertainty::gaussian(0.1), 3e-11, {}}});
  ClsLimit::Config c;
  c.toys = 500;
  EXPECT_EQ(ClsLimit(c).resolve(ex), ClsLimit::Method::HybridToys);
  const auto a = ClsLimit(c).upperLimit(ex), b = ClsLimit(c).upperLimit(ex);
  EXPECT_DOUBLE_EQ(a.events, b.events);
  EXPECT_GT(a.events, 2.0);
  EXPECT_NEAR(a.br, a.events * ex.combinedSes(), 1e-20);
}

TEST(Limits, InvalidConfigurationIsRejected) {
  ClsLimit::Config c;
  c.cl = 1.0;
  EXPECT_THROW(ClsLimit{c}, ConfigError);
  c.cl = 0.0;
  EXPECT_THROW(ClsLimit{c}, ConfigError);
  c.cl = 0.9;
  c.toys = 0;
  EXPECT_THROW(ClsLimit{c}, ConfigError);
  EXPECT_THROW(ClsLimit::exactPoisson(-1, 0.5, 0.9), ConfigError);
  EXPECT_THROW(ClsLimit::exactPoisson(1, 0.5, 1.2), ConfigError);
  ClsLimit::Config e;
  e.method = ClsLimit::Method::Exact;
  const auto two = CountingExperiment({Category{"a", 1, 0.5, {}, 1e-11, {}}, Category{"b", 1, 0.5, {}, 1e-11, {}}});
  EXPECT_THROW(ClsLimit(e).upperLimit(two), ConfigError);
  BayesianLimit::Config bc;
  bc.cl = -0.5;
  EXPECT_THROW(BayesianLimit{bc}, ConfigError);
  FeldmanCousins::Config fc;
  fc.cl = 1.5;
  EXPECT_THROW(FeldmanCousins{fc}, ConfigError);
}

TEST(Limits, BayesianFlatPriorLimit) {
  // n = 0, b = 0: -ln(1 - CL) = 2.303 at 90% CL; for n = 0 it does not depend on b (Helene)
  EXPECT_NEAR(BayesianLimit::poisson(0, 0.0, 0.9), 2.302585092994046, 1e-9);
  EXPECT_NEAR(BayesianLimit::poisson(0, 2.5, 0.9), 2.302585092994046, 1e-9);
  // closed form against the definition: int_0^s (s'+b)^n e^-(s'+b) / int_0^inf = CL
  const int n = 3;
  const double b = 1.2, s = BayesianLimit::poisson(n, b, 0.9);
  const double post = (poissonCdf(n, b) - poissonCdf(n, s + b)) / poissonCdf(n, b);  // Gamma-function identity
  EXPECT_NEAR(post, 0.9, 1e-10);
  // the marginalisation path with a negligible uncertainty reproduces the closed form
  const auto ex = CountingExperiment::single(n, b, 1e-11, Uncertainty::gaussian(1e-6));
  EXPECT_NEAR(BayesianLimit().upperLimit(ex).events, s, 1e-5);
  // a real uncertainty loosens it
  const auto exU = CountingExperiment::single(n, b, 1e-11, Uncertainty::gaussian(0.5), Uncertainty::logNormal(0.1e-11));
  EXPECT_GT(BayesianLimit().upperLimit(exU).events, s);
}
