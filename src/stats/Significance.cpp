#include "kaonlab/stats/Significance.hpp"

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>

#include "Quadrature.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/Random.hpp"
#include "kaonlab/stats/Poisson.hpp"

namespace kaonlab::stats {

double pValueToZ(double p, Sidedness sidedness) {
  if (!(p >= 0 && p <= 1)) throw ConfigError("p-value must be in [0, 1] (got " + std::to_string(p) + ")");
  const double q = sidedness == Sidedness::TwoSided ? 0.5 * p : p;
  if (q <= 0) return std::numeric_limits<double>::infinity();
  if (q >= 1) return -std::numeric_limits<double>::infinity();
  const boost::math::normal nd;
  return boost::math::quantile(boost::math::complement(nd, q));  // Phi^-1(1 - q), precise for small q
}

double zToPValue(double z, Sidedness sidedness) {
  if (sidedness == Sidedness::TwoSided) return std::min(1.0, 2.0 * normalUpperTail(std::abs(z)));
  return normalUpperTail(z);
}

namespace {

SignificanceResult fromP(double p, std::string method) {
  SignificanceResult r;
  r.pValue = p;
  r.zOneSided = pValueToZ(p, Sidedness::OneSided);
  r.zTwoSided = pValueToZ(p, Sidedness::TwoSided);
  r.method = std::move(method);
  return r;
}

}  // namespace

SignificanceResult poissonSignificance(int observed, double background) {
  if (observed < 0) throw ConfigError("observed count must be >= 0 (got " + std::to_string(observed) + ")");
  if (!(background > 0) || !std::isfinite(background))
    throw ConfigError("background must be > 0 for a significance (got " + std::to_string(background) + ")");
  auto r = fromP(poissonUpperTail(observed, background), "exact Poisson p = P(N >= n | b)");
  // q0 for reference (Cowan eq. 12 for one bin): 2 [n ln(n/b) - (n - b)] when n > b
  if (observed > background) r.q0 = 2.0 * (observed * std::log(observed / background) - (observed - background));
  return r;
}

Discovery::Discovery(Config config) : config_(config) {
  if (config_.toys < 10) throw ConfigError("significance: number of toys must be >= 10");
  if (config_.quadraturePoints < 4) throw ConfigError("significance: quadrature points must be >= 4");
}

SignificanceResult Discovery::compute(const CountingExperiment& ex) const {
  Method method = config_.method;
  if (method == Method::Auto) method = ex.size() == 1 ? Method::Exact : Method::Asymptotic;
  const CountingData data = ex.observedData();

  if (method == Method::Exact) {
    if (ex.size() != 1)
      throw ConfigError("exact significance needs a single category; use the asymptotic or toys method");
    const auto& c = ex.categories()[0];
    if (!(c.background > 0)) throw ConfigError("significance: background must be > 0");
    if (!c.backgroundError.active()) {
      auto r = poissonSignificance(c.observed, c.background);
      r.q0 = ex.q0(data);
      return r;
    }
    // prior-predictive p-value: integrate the Poisson tail over the background constraint
    const auto range = ex.thetaRange(0);  // the background nuisance is the first one
    const auto nodes = detail::gaussianPriorNodes(range.first, range.second, config_.quadraturePoints);
    double p = 0;
    for (const auto& nd : nodes)
      p += nd.w * poissonUpperTail(c.observed, c.backgroundError.apply(c.background, nd.x));
    auto r = fromP(p, "prior-predictive (Cousins-Highland) p = E_b[P(N >= n | b)] over the background constraint");
    r.q0 = ex.q0(data);
    return r;
  }

  const double q0obs = ex.q0(data);
  if (method == Method::Asymptotic) {
    auto r = fromP(normalUpperTail(std::sqrt(q0obs)), "asymptotic profile likelihood, Z = sqrt(q0) (Cowan et al. 2011)");
    r.q0 = q0obs;
    return r;
  }

  // Toys: background-only hypothesis with nuisances at their conditional estimate
  const auto cond0 = ex.fitConditional(0.0, data);
  const double tol = 1e-7 * std::max(1.0, q0obs);
  int above = 0;
  for (int t = 0; t < config_.toys; ++t) {
    RandomStream rng(config_.seed, streamId("stats.discovery"), static_cast<std::uint64_t>(t));
    const auto toy = ex.generate(0.0, cond0.theta, rng, true);
    if (ex.q0(toy) >= q0obs - tol) ++above;
  }
  const double n = config_.toys;
  const double p = above / n;
  auto r = fromP(p, "pseudo-experiments, p = P(q0 >= q0_obs | background only)");
  r.q0 = q0obs;
  r.toys = config_.toys;
  r.pValueError = std::sqrt(std::max(p * (1 - p), 1.0 / n) / n);
  return r;
}

}  // namespace kaonlab::stats
