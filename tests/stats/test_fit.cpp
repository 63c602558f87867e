// Binned and unbinned likelihood fits: parameter recovery over pseudo-experiments (pulls),
// covariance vs profile-likelihood intervals, goodness of fit, status, input validation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/Random.hpp"
#include "kaonlab/stats/Fit.hpp"

using namespace kaonlab;
using namespace kaonlab::stats;

namespace {

// Quadratic density on [-1, 1]: f(x) = 1 + a x + b x^2 (positive for the values used), the
// shape of a form-factor fit such as |W(z)|^2 ~ 1 + delta z + ... in K+ -> pi+ l+ l-.
constexpr double kA = 0.3, kB = 0.5;

std::vector<double> sample(int n, std::uint64_t experiment, double a = kA, double b = kB) {
  RandomStream rng(2024, streamId("test.stats.fit"), experiment);
  const double fmax = 1 + std::abs(a) + std::abs(b);
  std::vector<double> x;
  x.reserve(n);
  while (static_cast<int>(x.size()) < n) {
    const double u = rng.uniform(-1.0, 1.0);
    if (rng.uniform() * fmax < 1 + a * u + b * u * u) x.push_back(u);
  }
  return x;
}

double quadratic(double x, std::span<const double> p) { return 1 + p[0] * x + p[1] * x * x; }

/// Expected counts of an extended quadratic model in [lo, hi): N * int f / int_{-1}^{1} f.
double binModel(double lo, double hi, std::span<const double> p) {
  const double in = (hi - lo) + p[1] * (hi * hi - lo * lo) / 2 + p[2] * (hi * hi * hi - lo * lo * lo) / 3;
  return p[0] * in / (2 + 2 * p[2] / 3);
}

struct Histogram {
  std::vector<double> edges, counts;
};
Histogram histogram(const std::vector<double>& x, int nbins) {
  Histogram h;
  for (int i = 0; i <= nbins; ++i) h.edges.push_back(-1.0 + 2.0 * i / nbins);
  h.counts.assign(nbins, 0.0);
  for (double v : x) h.counts[std::min(nbins - 1, static_cast<int>((v + 1.0) / 2.0 * nbins))] += 1;
  return h;
}

struct PullStats {
  double sum = 0, sum2 = 0;
  int n = 0;
  void add(double p) {
    sum += p;
    sum2 += p * p;
    ++n;
  }
  double mean() const { return sum / n; }
  double width() const { return std::sqrt(sum2 / n - mean() * mean()); }
};

void expectGoodPulls(const PullStats& s, const char* what) {
  const double meanErr = s.width() / std::sqrt(s.n);
  std::printf("  %s: %d fits, pull mean %.3f +- %.3f, width %.3f +- %.3f\n", what, s.n, s.mean(), meanErr, s.width(),
              s.width() / std::sqrt(2.0 * s.n));
  EXPECT_LT(std::abs(s.mean()), 3 * meanErr) << what << ": pull mean " << s.mean() << " +- " << meanErr;
  EXPECT_NEAR(s.width(), 1.0, 0.15) << what << ": pull width";
}

}  // namespace

TEST(Fit, UnbinnedFitRecoversGeneratingParameters) {
  const int experiments = 300, events = 2000;
  PullStats pa, pb;
  int lowP = 0;
  for (int e = 0; e < experiments; ++e) {
    const auto x = sample(events, e);
    UnbinnedFit fit(x, -1.0, 1.0, quadratic, {{"a", 0.0, 0.05, -5, 5}, {"b", 0.0, 0.1, -5, 5}});
    const auto r = fit.fit();
    ASSERT_TRUE(r.valid()) << toString(r.status) << " " << r.message;
    pa.add((r.value("a") - kA) / r.error("a"));
    pb.add((r.value("b") - kB) / r.error("b"));
    if (r.gof.pValue < 0.05) ++lowP;
  }
  expectGoodPulls(pa, "unbinned a");
  expectGoodPulls(pb, "unbinned b");
  std::printf("  unbinned: %d of %d goodness-of-fit p-values below 0.05\n", lowP, experiments);
  // the goodness-of-fit p-value is calibrated: ~5% of the experiments below 0.05
  const double expected = 0.05 * experiments, sigma = std::sqrt(experiments * 0.05 * 0.95);
  EXPECT_NEAR(lowP, expected, 3 * sigma);
}

TEST(Fit, BinnedPoissonFitRecoversGeneratingParameters) {
  const int experiments = 300, events = 2000;
  PullStats pa, pb;
  for (int e = 0; e < experiments; ++e) {
    const auto h = histogram(sample(events, 1000 + e), 40);
    BinnedFit fit(h.edges, h.counts, binModel, {{"N", 1000, 30, 0, 1e7}, {"a", 0, 0.05, -5, 5}, {"b", 0, 0.1, -5, 5}});
    const auto r = fit.fit();
    ASSERT_TRUE(r.valid()) << toString(r.status) << " " << r.message;
    // extended binned likelihood: N_hat is the number of entries
    EXPECT_NEAR(r.value("N"), events, 1e-3);
    pa.add((r.value("a") - kA) / r.error("a"));
    pb.add((r.value("b") - kB) / r.error("b"));
    EXPECT_EQ(r.gof.ndf, 37);
  }
  expectGoodPulls(pa, "binned a");
  expectGoodPulls(pb, "binned b");
}

TEST(Fit, NumericalBinIntegrationMatchesAnalyticModel) {
  const auto h = histogram(sample(5000, 77), 25);
  const std::vector<Parameter> ps{{"N", 4000, 50, 0, 1e7}, {"a", 0, 0.05, -5, 5}, {"b", 0, 0.1, -5, 5}};
  const auto numeric = BinnedFit::integrate(
      [](double x, std::span<const double> p) { return p[0] * (1 + p[1] * x + p[2] * x * x) / (2 + 2 * p[2] / 3); }, 3);
  const auto r1 = BinnedFit(h.edges, h.counts, binModel, ps).fit();
  const auto r2 = BinnedFit(h.edges, h.counts, numeric, ps).fit();
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(r1.values[i], r2.values[i], 1e-4 * r1.errors[i]);
    EXPECT_NEAR(r1.errors[i], r2.errors[i], 1e-3 * r1.errors[i]);
  }
}

TEST(Fit, ProfileIntervalAgreesWithHessianForLargeSamples) {
  const auto x = sample(50000, 5);
  UnbinnedFit fit(x, -1.0, 1.0, quadratic, {{"a", 0.0, 0.05, -5, 5}, {"b", 0.0, 0.1, -5, 5}});
  const auto r = fit.fit();
  ASSERT_TRUE(r.valid());
  for (std::size_t i = 0; i < 2; ++i) {
    const auto iv = fit.profileInterval(r, i);
    EXPECT_NEAR(r.values[i] - iv.lower, r.errors[i], 0.03 * r.errors[i]) << r.names[i];
    EXPECT_NEAR(iv.upper - r.values[i], r.errors[i], 0.03 * r.errors[i]) << r.names[i];
    // by construction the profile rises by exactly 0.5 at the interval ends
    EXPECT_NEAR(fit.profileNll(r, i, iv.upper) - r.minNll, 0.5, 1e-4);
    EXPECT_NEAR(fit.profileNll(r, i, iv.lower) - r.minNll, 0.5, 1e-4);
  }
  // x and x^2 are nearly orthogonal on a symmetric range: the correlation is small; the
  // covariance matrix is symmetric.
  EXPECT_DOUBLE_EQ(r.covariance(0, 1), r.covariance(1, 0));
  EXPECT_LT(std::abs(r.correlation(0, 1)), 0.5);
}

TEST(Fit, ExtendedUnbinnedFitEstimatesTheYield) {
  const auto x = sample(3000, 9);
  UnbinnedFit::Options opt;
  opt.extended = true;
  opt.normalisation = [](double lo, double hi, std::span<const double> p) {
    const double in = (hi - lo) + p[1] * (hi * hi - lo * lo) / 2 + p[2] * (hi * hi * hi - lo * lo * lo) / 3;
    return p[0] * in / (2 + 2 * p[2] / 3);
  };
  UnbinnedFit fit(
      x, -1.0, 1.0,
      [](double v, std::span<const double> p) { return p[0] * (1 + p[1] * v + p[2] * v * v) / (2 + 2 * p[2] / 3); },
      {{"N", 2000, 50, 0, 1e7}, {"a", 0, 0.05, -5, 5}, {"b", 0, 0.1, -5, 5}}, opt);
  const auto r = fit.fit();
  ASSERT_TRUE(r.valid());
  EXPECT_NEAR(r.value("N"), 3000, 1e-3);
  EXPECT_NEAR(r.error("N"), std::sqrt(3000.0), 0.01 * std::sqrt(3000.0));
}

TEST(Fit, FixedParametersAndDegenerateModels) {
  const auto x = sample(2000, 3);
  // b fixed at its true value: only a floats, its error row for b is zero
  UnbinnedFit fixedFit(x, -1.0, 1.0, quadratic, {{"a", 0.0, 0.05, -5, 5}, {"b", kB, 0.1, -5, 5, true}});
  const auto r = fixedFit.fit();
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.freeParameters, 1);
  EXPECT_DOUBLE_EQ(r.value("b"), kB);
  EXPECT_DOUBLE_EQ(r.error("b"), 0.0);
  EXPECT_NEAR(r.value("a"), kA, 4 * r.error("a"));
  // a model where only the product p0 * p1 is determined has a singular Hessian
  const auto h = histogram(x, 20);
  BinnedFit degenerate(h.edges, h.counts,
                       [](double lo, double hi, std::span<const double> p) { return p[0] * p[1] * (hi - lo) / 2; },
                       {{"p0", 30, 1, 0.1, 1e4}, {"p1", 30, 1, 0.1, 1e4}});
  const auto d = degenerate.fit();
  EXPECT_NE(d.status, FitStatus::Ok);
  EXPECT_NEAR(d.values[0] * d.values[1], 2000, 1.0);
}

TEST(Fit, InvalidInputIsRejected) {
  const std::vector<Parameter> ps{{"a", 0, 0.1}};
  auto model = [](double lo, double hi, std::span<const double> p) { return p[0] * (hi - lo); };
  EXPECT_THROW(BinnedFit({0, 1}, {1, 2}, model, ps), ConfigError);          // edges vs bins
  EXPECT_THROW(BinnedFit({0, 1, 0.5}, {1, 2}, model, ps), ConfigError);     // not increasing
  EXPECT_THROW(BinnedFit({0, 1, 2}, {1, -2}, model, ps), ConfigError);      // negative count
  EXPECT_THROW(BinnedFit({0, 1, 2}, {1, 2}, model, {}), ConfigError);       // no parameters
  EXPECT_THROW(BinnedFit({0, 1, 2}, {1, 2}, model, {{"a", 0, 0.0}}), ConfigError);  // step 0
  EXPECT_THROW(UnbinnedFit({0.5, 2.0}, 0.0, 1.0, quadratic, {{"a", 0, 0.1}, {"b", 0, 0.1}}), ConfigError);
  EXPECT_THROW(UnbinnedFit({0.5}, 1.0, 0.0, quadratic, {{"a", 0, 0.1}, {"b", 0, 0.1}}), ConfigError);
  FitResult r;
  r.names = {"a"};
  EXPECT_THROW(r.index("b"), ConfigError);
}
