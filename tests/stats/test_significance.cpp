// Discovery significance of counting experiments.
#include <gtest/gtest.h>

#include <cmath>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/stats/Poisson.hpp"
#include "kaonlab/stats/Significance.hpp"

using namespace kaonlab;
using namespace kaonlab::stats;

TEST(Significance, ExactPoissonPValue) {
  // p = P(N >= 20 | 7.03) = 1 - sum_{k<20} pmf
  double cdf = 0, term = std::exp(-7.03);
  for (int k = 0; k < 20; ++k) {
    cdf += term;
    term *= 7.03 / (k + 1);
  }
  const auto r = poissonSignificance(20, 7.03);
  EXPECT_NEAR(r.pValue, 1.0 - cdf, 1e-12);
  EXPECT_NEAR(r.zOneSided, normalQuantile(1.0 - r.pValue), 1e-6);
  EXPECT_NEAR(r.zTwoSided, normalQuantile(1.0 - r.pValue / 2), 1e-6);
  EXPECT_GT(r.zTwoSided, r.zOneSided);
  // a deficit is not significant: p = 1 for n = 0, Z(one-sided) = -inf, Z(two-sided) = 0
  const auto none = poissonSignificance(0, 2.0);
  EXPECT_DOUBLE_EQ(none.pValue, 1.0);
  EXPECT_NEAR(none.zTwoSided, 0.0, 1e-12);
  EXPECT_THROW(poissonSignificance(-1, 2.0), ConfigError);
  EXPECT_THROW(poissonSignificance(3, 0.0), ConfigError);
}

// NA62 Run 1 K+ -> pi+ nu nubar (JHEP 06 (2021) 093; talk): 20 observed, background
// 7.03 +1.05 -0.82 -> "3.4 sigma" (one-sided: p = 3.4e-4). The published number comes from the
// per-category likelihood; one merged category with the background uncertainty integrated
// (prior-predictive p-value) gives 3.57 sigma one-sided, within 0.3 of it. Without the
// background uncertainty it would be 3.9 sigma.
TEST(Significance, PiNuNuRun1Significance) {
  const auto ex = CountingExperiment::single(20, 7.03, 0.839e-11, Uncertainty::asymmetric(1.05, 0.82));
  const auto r = Discovery().compute(ex);
  EXPECT_NEAR(r.zOneSided, 3.4, 0.3) << r.method;
  EXPECT_GT(r.zTwoSided, r.zOneSided);
  EXPECT_NEAR(r.zTwoSided, pValueToZ(r.pValue, Sidedness::TwoSided), 1e-12);
  // the uncertainty lowers the significance
  const auto known = Discovery().compute(CountingExperiment::single(20, 7.03, 0.839e-11));
  EXPECT_GT(known.zOneSided, r.zOneSided + 0.2);
  // the asymptotic profile-likelihood Z agrees within 0.3 too
  Discovery::Config c;
  c.method = Discovery::Method::Asymptotic;
  const auto a = Discovery(c).compute(ex);
  EXPECT_NEAR(a.zOneSided, 3.4, 0.3);
  EXPECT_NEAR(a.zOneSided, std::sqrt(a.q0), 1e-9);
}

TEST(Significance, AsymptoticZIsSqrtQ0) {
  // one bin, known b: Z = sqrt(2 [n ln(n/b) - (n - b)])  (Cowan et al. 2011, eq. 97)
  const auto ex = CountingExperiment::single(30, 12.0, 1e-11);
  Discovery::Config c;
  c.method = Discovery::Method::Asymptotic;
  const auto r = Discovery(c).compute(ex);
  EXPECT_NEAR(r.zOneSided, std::sqrt(2 * (30 * std::log(30 / 12.0) - 18.0)), 1e-6);
}

TEST(Significance, ToysReproduceTheExactPValue) {
  const auto ex = CountingExperiment::single(9, 3.0, 1e-11);
  const double exact = poissonUpperTail(9, 3.0);  // 3.8e-3
  Discovery::Config c;
  c.method = Discovery::Method::Toys;
  c.toys = 20000;
  const auto r = Discovery(c).compute(ex);
  EXPECT_EQ(r.toys, 20000);
  EXPECT_NEAR(r.pValue, exact, 3 * r.pValueError) << "p(toys) = " << r.pValue << " +- " << r.pValueError;
}

TEST(Significance, HybridPValueAveragesTheBackground) {
  // p = E_b[P(N >= n | b)]: check against a brute-force sum over a fine grid in b
  const auto ex = CountingExperiment::single(6, 2.0, 1e-11, Uncertainty::gaussian(0.6));
  const auto r = Discovery().compute(ex);
  double num = 0, den = 0;
  for (double t = -2.0 / 0.6; t < 10; t += 1e-4) {
    const double w = std::exp(-0.5 * t * t);
    num += w * poissonUpperTail(6, 2.0 + 0.6 * t);
    den += w;
  }
  EXPECT_NEAR(r.pValue, num / den, 1e-6 * r.pValue);
  EXPECT_GT(r.pValue, poissonUpperTail(6, 2.0));
}
