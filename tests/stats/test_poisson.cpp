// Distribution helpers and p-value <-> Z conversions of kaonlab::stats.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "StatTest.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/Random.hpp"
#include "kaonlab/stats/Poisson.hpp"
#include "kaonlab/stats/Significance.hpp"

using namespace kaonlab;
using namespace kaonlab::stats;

namespace {
/// P(N <= n | mu) by direct summation of the pmf (reference for small means).
double directCdf(int n, double mu) {
  double term = std::exp(-mu), sum = term;
  for (int k = 1; k <= n; ++k) {
    term *= mu / k;
    sum += term;
  }
  return sum;
}
}  // namespace

TEST(StatsPoisson, TailsMatchDirectSummation) {
  for (double mu : {0.05, 0.91, 3.0, 7.03, 25.0}) {
    for (int n : {0, 1, 2, 5, 10, 20, 40}) {
      const double ref = directCdf(n, mu);
      EXPECT_NEAR(poissonCdf(n, mu), ref, 1e-13 * std::max(1.0, ref)) << "n=" << n << " mu=" << mu;
      EXPECT_NEAR(poissonUpperTail(n + 1, mu), 1.0 - ref, 1e-12) << "n=" << n << " mu=" << mu;
      EXPECT_NEAR(poissonPmf(n, mu), directCdf(n, mu) - (n > 0 ? directCdf(n - 1, mu) : 0.0), 1e-13);
    }
  }
  EXPECT_DOUBLE_EQ(poissonUpperTail(0, 2.0), 1.0);
  EXPECT_DOUBLE_EQ(poissonCdf(0, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(poissonPmf(3, 0.0), 0.0);
}

TEST(StatsPoisson, QuantileInvertsTheCdf) {
  for (double mu : {0.3, 4.5, 60.0, 900.0}) {
    for (double u : {1e-6, 0.01, 0.3, 0.5, 0.77, 0.999, 1 - 1e-9}) {
      const int k = poissonQuantile(u, mu);
      EXPECT_GE(poissonCdf(k, mu), u) << "mu=" << mu << " u=" << u;
      if (k > 0) {
        EXPECT_LT(poissonCdf(k - 1, mu), u) << "mu=" << mu << " u=" << u;
      }
    }
  }
}

TEST(StatsPoisson, SamplingFollowsThePmf) {
  for (double mu : {2.7, 150.0}) {
    RandomStream rng(11, streamId("test.poisson"), static_cast<std::uint64_t>(mu));
    const int n = 200000;
    const int kmax = static_cast<int>(mu + 8 * std::sqrt(mu) + 10);
    std::vector<double> observed(kmax + 1, 0.0);
    for (int i = 0; i < n; ++i) observed[std::min(kmax, samplePoisson(rng, mu))] += 1;
    // Pearson chi2 over cells with expectation >= 5 (tails merged)
    double chi2 = 0, eAcc = 0, oAcc = 0;
    int cells = 0;
    for (int k = 0; k <= kmax; ++k) {
      eAcc += n * (k == kmax ? poissonUpperTail(k, mu) : poissonPmf(k, mu));
      oAcc += observed[k];
      if (eAcc >= 5 && poissonUpperTail(k + 1, mu) * n >= 5) {
        chi2 += (oAcc - eAcc) * (oAcc - eAcc) / eAcc;
        ++cells;
        eAcc = oAcc = 0;
      }
    }
    chi2 += eAcc > 0 ? (oAcc - eAcc) * (oAcc - eAcc) / eAcc : 0.0;
    ++cells;
    EXPECT_GT(chi2UpperTail(chi2, cells - 1), 1e-3) << "mu=" << mu << " chi2=" << chi2 << "/" << cells - 1;
  }
}

TEST(Significance, PValueToZConventions) {
  // one-sided: p = 1 - Phi(Z); the 5 sigma discovery p-value is 2.867e-7 (PDG Statistics review)
  EXPECT_NEAR(pValueToZ(2.866515718791939e-7), 5.0, 1e-9);
  EXPECT_NEAR(pValueToZ(0.5), 0.0, 1e-12);
  EXPECT_NEAR(pValueToZ(0.15865525393145707), 1.0, 1e-10);
  // two-sided: p = 2 (1 - Phi(Z)); p = 0.05 <-> 1.959964
  EXPECT_NEAR(pValueToZ(0.05, Sidedness::TwoSided), 1.959963984540054, 1e-10);
  EXPECT_NEAR(pValueToZ(0.05, Sidedness::OneSided), 1.6448536269514722, 1e-10);
  for (double z : {-1.0, 0.3, 2.0, 3.4, 6.5}) {
    EXPECT_NEAR(pValueToZ(zToPValue(z)), z, 1e-9);
    EXPECT_NEAR(pValueToZ(zToPValue(z, Sidedness::TwoSided), Sidedness::TwoSided), std::abs(z), 1e-9);
  }
  EXPECT_THROW(pValueToZ(1.5), ConfigError);
  EXPECT_THROW(pValueToZ(-0.1), ConfigError);
}

TEST(StatsPoisson, Chi2Quantiles) {
  EXPECT_NEAR(chi2Quantile(0.682689492137086, 1), 1.0, 1e-10);
  EXPECT_NEAR(chi2Quantile(0.9, 1), 2.705543454095404, 1e-10);
  EXPECT_NEAR(chi2UpperTail(1.0, 1), 0.317310507862914, 1e-12);
}
