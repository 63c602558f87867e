// Feldman-Cousins unified intervals against the published tables.
#include <gtest/gtest.h>

#include <cmath>

#include "kaonlab/stats/Limits.hpp"
#include "kaonlab/stats/Poisson.hpp"

using namespace kaonlab::stats;

namespace {
struct Row {
  int n;
  double b, lower, upper;
};

// G. J. Feldman and R. D. Cousins, Phys. Rev. D 57 (1998) 3873, Table IV (90% C.L. intervals for
// the Poisson signal mean mu, total events observed n0, known mean background b). Values as
// quoted by independent implementations that test against the table:
//  - b = 3.0, n0 = 0..14: mxmeier/feldman_cousins, tests/test_feldman_cousins.py ("Values from
//    the paper ... Table IV");
//  - b = 0.0, n0 = 0..5: the test of the Python package maham.statistics
//    ("feldman_cousins_matches_published_90_percent_table"); n0 = 0, 1 also in issue 3;
//  - (n0 = 6, b = 3.0) = [0.15, 8.47] and (n0 = 10, b = 0.5) = [5.00, 16.00]: gammapy
//    stats/tests/test_feldman_cousins.py ("Values are taken from Table IV").
constexpr Row kTableIV[] = {
    {0, 3.0, 0.00, 1.08},  {1, 3.0, 0.00, 1.88},  {2, 3.0, 0.00, 3.04},   {3, 3.0, 0.00, 4.42},
    {4, 3.0, 0.00, 5.60},  {5, 3.0, 0.00, 6.99},  {6, 3.0, 0.15, 8.47},   {7, 3.0, 0.89, 9.53},
    {8, 3.0, 1.51, 10.99}, {9, 3.0, 1.88, 12.30}, {10, 3.0, 2.63, 13.50}, {11, 3.0, 3.04, 14.81},
    {12, 3.0, 4.01, 16.00}, {13, 3.0, 4.42, 17.05}, {14, 3.0, 5.50, 18.50},
    {0, 0.0, 0.00, 2.44},  {1, 0.0, 0.11, 4.36},  {2, 0.0, 0.53, 5.91},   {3, 0.0, 1.10, 7.42},
    {4, 0.0, 1.47, 8.60},  {5, 0.0, 1.84, 9.99},  {10, 0.5, 5.00, 16.00},
};
}  // namespace

TEST(FeldmanCousins, ReproducesTableIV) {
  const FeldmanCousins fc;
  for (const auto& r : kTableIV) {
    const auto iv = fc.interval(r.n, r.b);
    // The table is rounded to 0.01. One entry, (n0 = 0, b = 3.0) = 1.08, is not reproduced to
    // the rounding: the largest upper limit over b' >= 3 is 1.0747 (at b' = 3.462), which
    // rounds to 1.07; other implementations report the same deviation for large b, small n0.
    const double tol = (r.n == 0 && r.b == 3.0) ? 0.011 : 0.0051;
    EXPECT_NEAR(iv.lower, r.lower, tol) << "n0=" << r.n << " b=" << r.b;
    EXPECT_NEAR(iv.upper, r.upper, tol) << "n0=" << r.n << " b=" << r.b;
  }
}

TEST(FeldmanCousins, BackgroundMonotonicityCorrectionMatters) {
  // Without the correction the raw belt's upper limit for n0 = 0 falls to 0.953 at b = 3
  // (value of this implementation, well below the table's 1.08) and rises again at larger b
  // (the discreteness pathology of FC 1998 Sec. IV.B); with it the limit is non-increasing in b.
  FeldmanCousins::Config raw;
  raw.monotoneInBackground = false;
  EXPECT_NEAR(FeldmanCousins(raw).interval(0, 3.0).upper, 0.953, 0.005);
  const FeldmanCousins fc;
  double prev = 1e9;
  for (double b = 0; b <= 5.0; b += 0.25) {
    const double up = fc.interval(0, b).upper;
    EXPECT_LE(up, prev + 1e-9) << "b=" << b;
    prev = up;
  }
}

TEST(FeldmanCousins, AcceptanceRegionsCoverAndAreMinimal) {
  const FeldmanCousins fc;
  for (double b : {0.0, 0.7, 3.0, 12.0})
    for (double mu : {0.0, 0.4, 1.7, 5.5, 23.0}) {
      const auto [lo, hi] = fc.acceptanceRegion(mu, b);
      double p = 0;
      for (int n = lo; n <= hi; ++n) p += poissonPmf(n, mu + b);
      EXPECT_GE(p, 0.9 - 1e-12) << "mu=" << mu << " b=" << b;
      // the region is filled in decreasing order of R = P(n|mu+b) / P(n|mu_best+b) (FC eq. 4.1):
      // dropping the end with the smaller R (the last one added) would undercover
      if (hi > lo) {
        auto lnR = [&](int n) {
          const double mb = std::max(b, static_cast<double>(n));
          return n == 0 ? -mu : n * std::log((mu + b) / mb) - (mu + b - mb);
        };
        const int last = lnR(lo) < lnR(hi) ? lo : hi;
        EXPECT_LT(p - poissonPmf(last, mu + b), 0.9) << "mu=" << mu << " b=" << b;
      }
    }
}

TEST(FeldmanCousins, HigherConfidenceLevelGivesWiderIntervals) {
  FeldmanCousins::Config c;
  c.cl = 0.95;
  const FeldmanCousins fc95(c), fc90;
  for (int n : {0, 2, 7})
    for (double b : {0.0, 1.0, 3.0}) {
      const auto a = fc90.interval(n, b), w = fc95.interval(n, b);
      EXPECT_LE(w.lower, a.lower + 1e-9) << "n0=" << n << " b=" << b;
      EXPECT_GT(w.upper, a.upper) << "n0=" << n << " b=" << b;
    }
}
