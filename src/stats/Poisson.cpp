#include "kaonlab/stats/Poisson.hpp"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

#include "kaonlab/core/Random.hpp"

namespace kaonlab::stats {

double poissonLogPmf(int n, double mu) {
  if (n < 0) return -std::numeric_limits<double>::infinity();
  if (mu <= 0) return n == 0 ? 0.0 : -std::numeric_limits<double>::infinity();
  return n * std::log(mu) - mu - std::lgamma(n + 1.0);
}

double poissonPmf(int n, double mu) { return std::exp(poissonLogPmf(n, mu)); }

double poissonCdf(int n, double mu) {
  if (n < 0) return 0.0;
  if (mu <= 0) return 1.0;
  return boost::math::gamma_q(n + 1.0, mu);
}

double poissonUpperTail(int n, double mu) {
  if (n <= 0) return 1.0;
  if (mu <= 0) return 0.0;
  return boost::math::gamma_p(static_cast<double>(n), mu);
}

int poissonQuantile(double u, double mu) {
  if (mu <= 0) return 0;
  // Start at the mode and walk: a few sigma of steps at most.
  int k = static_cast<int>(std::floor(mu));
  double cdf = poissonCdf(k, mu);
  double pmf = poissonPmf(k, mu);
  if (cdf >= u) {
    // walk down while the previous cdf still reaches u
    while (k > 0) {
      const double prev = cdf - pmf;
      if (prev < u) break;
      cdf = prev;
      pmf *= k / mu;
      --k;
    }
    return k;
  }
  while (cdf < u) {
    ++k;
    pmf *= mu / k;
    cdf += pmf;
    if (pmf == 0.0 && cdf < u) {  // rounding at the far tail: recompute exactly
      cdf = poissonCdf(k, mu);
      pmf = poissonPmf(k, mu);
      if (pmf == 0.0) break;
    }
  }
  return k;
}

int samplePoisson(RandomStream& rng, double mu) { return poissonQuantile(rng.uniform(), mu); }

double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double normalUpperTail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

double normalQuantile(double p) {
  const boost::math::normal nd;
  return boost::math::quantile(nd, p);
}

double chi2Quantile(double p, double ndf) {
  const boost::math::chi_squared d(ndf);
  return boost::math::quantile(d, p);
}

double chi2UpperTail(double x, double ndf) {
  if (std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  const boost::math::chi_squared d(ndf);
  return boost::math::cdf(boost::math::complement(d, x));
}

}  // namespace kaonlab::stats
