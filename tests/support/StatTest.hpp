#pragma once
// Goodness-of-fit helpers for tests that compare generated samples with analytic
// densities: binned Pearson chi2 (expected counts from numerical integration of the
// density over each bin) and the Kolmogorov-Smirnov test.
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <functional>
#include <vector>

namespace kaonlab::test {

struct GofResult {
  double statistic = 0;  ///< chi2 or KS D
  int ndf = 0;
  double pValue = 0;
};

/// Integral of f over [a,b] with composite Simpson (n even intervals).
inline double simpson(const std::function<double(double)>& f, double a, double b, int n = 200) {
  const double h = (b - a) / n;
  double s = f(a) + f(b);
  for (int i = 1; i < n; ++i) s += f(a + i * h) * (i % 2 ? 4.0 : 2.0);
  return s * h / 3.0;
}

/// Pearson chi2 of the samples' histogram on [lo,hi] against density pdf (unnormalised).
/// Bins with expected < 5 are merged into their neighbour. ndf = bins - 1.
inline GofResult chi2Test(const std::vector<double>& x, const std::function<double(double)>& pdf,
                          double lo, double hi, int nbins) {
  std::vector<double> expected(nbins), observed(nbins, 0.0);
  double total = 0;
  const double w = (hi - lo) / nbins;
  for (int i = 0; i < nbins; ++i) {
    expected[i] = simpson(pdf, lo + i * w, lo + (i + 1) * w, 40);
    total += expected[i];
  }
  double n = 0;
  for (double v : x) {
    if (v < lo || v >= hi) continue;
    observed[std::min(nbins - 1, static_cast<int>((v - lo) / w))] += 1;
    n += 1;
  }
  // merge low-expectation bins
  std::vector<double> e, o;
  double eAcc = 0, oAcc = 0;
  for (int i = 0; i < nbins; ++i) {
    eAcc += expected[i] / total * n;
    oAcc += observed[i];
    if (eAcc >= 5.0) {
      e.push_back(eAcc);
      o.push_back(oAcc);
      eAcc = oAcc = 0;
    }
  }
  if (!e.empty()) {
    e.back() += eAcc;
    o.back() += oAcc;
  }
  GofResult r;
  for (std::size_t i = 0; i < e.size(); ++i) r.statistic += (o[i] - e[i]) * (o[i] - e[i]) / e[i];
  r.ndf = static_cast<int>(e.size()) - 1;
  boost::math::chi_squared dist(r.ndf);
  r.pValue = boost::math::cdf(boost::math::complement(dist, r.statistic));
  return r;
}

/// Kolmogorov-Smirnov test of samples against a continuous CDF (asymptotic p-value).
inline GofResult ksTest(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, std::abs(f - i / n), std::abs((i + 1) / n - f)});
  }
  const double sn = std::sqrt(n);
  const double lambda = (sn + 0.12 + 0.11 / sn) * d;
  double p = 0;
  for (int k = 1; k <= 100; ++k) p += 2.0 * ((k % 2) ? 1.0 : -1.0) * std::exp(-2.0 * k * k * lambda * lambda);
  GofResult r;
  r.statistic = d;
  r.ndf = 0;
  r.pValue = std::clamp(p, 0.0, 1.0);
  return r;
}

}  // namespace kaonlab::test
