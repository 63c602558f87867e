#include "kaonlab/stats/Limits.hpp"

#include <algorithm>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "Quadrature.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/Random.hpp"
#include "kaonlab/stats/Poisson.hpp"

namespace kaonlab::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// -2, -1, 0, +1, +2 sigma quantiles of the background-only distribution
constexpr std::array<double, 5> kBandSigmas{-2.0, -1.0, 0.0, 1.0, 2.0};

void checkCl(double cl, const char* who) {
  if (!(cl > 0 && cl < 1))
    throw ConfigError(std::string(who) + ": confidence level must be in (0, 1) (got " + std::to_string(cl) + ")");
}

/// Root of f (decreasing) with f(lo) > 0 > f(hi), expanding hi geometrically first.
template <class F>
double solveDecreasing(F f, double lo, double hi, int bits = 40) {
  double flo = f(lo);
  double fhi = f(hi);
  for (int it = 0; fhi > 0 && it < 200; ++it) {
    lo = hi;
    flo = fhi;
    hi *= 2.0;
    fhi = f(hi);
  }
  if (flo <= 0) return lo;
  if (fhi > 0) throw std::runtime_error("limit search: no sign change found");
  boost::math::tools::eps_tolerance<double> tol(bits);
  std::uintmax_t maxIter = 200;
  const auto r = boost::math::tools::toms748_solve(f, lo, hi, flo, fhi, tol, maxIter);
  return 0.5 * (r.first + r.second);
}

/// CLs from q~_mu observed and its Asimov value (Cowan et al. 2011, eqs. 65-66).
double clsFromQ(double q, double qA) {
  if (!(qA > 0)) return 1.0;
  const double sq = std::sqrt(std::max(q, 0.0)), sA = std::sqrt(qA);
  double clsb, clb;
  if (q <= qA) {
    clsb = normalUpperTail(sq);
    clb = normalCdf(sA - sq);
  } else {
    clsb = normalUpperTail((q + qA) / (2.0 * sA));
    clb = normalUpperTail((q - qA) / (2.0 * sA));
  }
  return clb > 0 ? std::min(1.0, clsb / clb) : 1.0;
}

double exactCls(int n, double b, double s) {
  const double den = poissonCdf(n, b);
  return den > 0 ? poissonCdf(n, s + b) / den : 1.0;
}

/// Product quadrature over all nuisance parameters (unit-Gaussian constraints truncated to
/// their allowed ranges). One node of weight 1 when there are no nuisances.
struct NuisanceGrid {
  std::vector<std::vector<double>> thetas{{}};
  std::vector<double> weights{1.0};
};

NuisanceGrid nuisanceGrid(const CountingExperiment& ex, int perSide, const char* who) {
  const std::size_t nk = ex.nuisanceCount();
  if (nk > 3)
    throw ConfigError(std::string(who) + ": at most 3 nuisance parameters can be integrated by quadrature (got " +
                      std::to_string(nk) + "); use toys");
  NuisanceGrid g;
  for (std::size_t k = 0; k < nk; ++k) {
    const auto range = ex.thetaRange(k);
    const auto nodes = detail::gaussianPriorNodes(range.first, range.second, perSide);
    NuisanceGrid next;
    next.thetas.clear();
    next.weights.clear();
    for (std::size_t j = 0; j < g.thetas.size(); ++j)
      for (const auto& nd : nodes) {
        auto t = g.thetas[j];
        t.push_back(nd.x);
        next.thetas.push_back(std::move(t));
        next.weights.push_back(g.weights[j] * nd.w);
      }
    g = std::move(next);
  }
  return g;
}

/// Prior-predictive P(N <= n) for category 0 at signal mu.
double predictiveCdf(const CountingExperiment& ex, const NuisanceGrid& g, int n, double mu) {
  double p = 0;
  for (std::size_t j = 0; j < g.thetas.size(); ++j) p += g.weights[j] * poissonCdf(n, ex.expected(0, mu, g.thetas[j]));
  return p;
}

/// Hybrid (Cousins-Highland) CLs for one category: Read's ratio of prior-predictive tails.
double hybridExactCls(const CountingExperiment& ex, const NuisanceGrid& g, int n, double mu) {
  const double den = predictiveCdf(ex, g, n, 0.0);
  return den > 0 ? std::min(1.0, predictiveCdf(ex, g, n, mu) / den) : 1.0;
}

/// Nuisance parameters drawn from their (truncated) unit-Gaussian constraints.
std::vector<double> samplePrior(const CountingExperiment& ex, RandomStream& rng) {
  std::vector<double> th(ex.nuisanceCount());
  for (std::size_t k = 0; k < th.size(); ++k) {
    const auto [lo, hi] = ex.thetaRange(k);
    double t;
    do t = rng.gaussian();
    while (t < lo || t > hi);
    th[k] = t;
  }
  return th;
}

/// LEP test statistic -2 ln Q = 2 sum_i [s_i - n_i ln(1 + s_i / b_i)] at nominal s_i, b_i
/// (Junk, NIM A434 (1999) 435, eq. 2; larger = more background-like).
double minus2lnQ(const CountingExperiment& ex, double mu, const std::vector<double>& counts) {
  double t = 0;
  for (std::size_t i = 0; i < ex.size(); ++i) {
    const auto& c = ex.categories()[i];
    const double s = mu * ex.combinedSes() / c.ses;
    const double b = std::max(c.background, 1e-12 * std::max(s, 1e-300));
    t += 2.0 * (s - counts[i] * std::log1p(s / b));
  }
  return t;
}

struct ToyCls {
  double cls = 1, clsb = 1, clb = 1;
};

ToyCls ratio(int nsb, int nb, int toys) {
  ToyCls r;
  r.clsb = static_cast<double>(nsb) / toys;
  r.clb = static_cast<double>(nb) / toys;
  r.cls = nb > 0 ? std::min(1.0, r.clsb / r.clb) : 1.0;
  return r;
}

/// Hybrid toys: each pseudo-experiment draws the nuisances from their constraints, then the
/// counts; the same random numbers are used for every mu.
ToyCls hybridToyCls(const CountingExperiment& ex, double mu, const ClsLimit::Config& cfg) {
  const CountingData data = ex.observedData();
  const double tobs = minus2lnQ(ex, mu, data.counts);
  const double tol = 1e-9 * std::max(1.0, std::abs(tobs));
  const auto stream = streamId("stats.cls.hybrid");
  std::vector<double> counts(ex.size());
  int nsb = 0, nb = 0;
  for (int t = 0; t < cfg.toys; ++t) {
    for (int hyp = 0; hyp < 2; ++hyp) {
      RandomStream rng(cfg.seed, stream, static_cast<std::uint64_t>(t), static_cast<std::uint64_t>(hyp));
      const auto th = samplePrior(ex, rng);
      const double muGen = hyp == 0 ? mu : 0.0;
      for (std::size_t i = 0; i < ex.size(); ++i) counts[i] = samplePoisson(rng, ex.expected(i, muGen, th));
      if (minus2lnQ(ex, mu, counts) >= tobs - tol) ++(hyp == 0 ? nsb : nb);
    }
  }
  return ratio(nsb, nb, cfg.toys);
}

/// Profile toys (LHC-style): q~_mu, nuisances at their conditional estimates, global
/// observables fluctuated. The same random numbers are used for every mu.
ToyCls profileToyCls(const CountingExperiment& ex, double mu, const CountingData& data,
                     const std::vector<double>& theta0, const ClsLimit::Config& cfg) {
  const double qobs = ex.qTildeMu(mu, data);
  if (!(qobs > 0)) return {};  // mu_hat >= mu: not excluded
  const auto thetaMu = ex.fitConditional(mu, data).theta;
  const double tol = 1e-7 * std::max(1.0, qobs);
  int nsb = 0, nb = 0;
  const auto stream = streamId("stats.cls.profile");
  for (int t = 0; t < cfg.toys; ++t) {
    RandomStream rsb(cfg.seed, stream, static_cast<std::uint64_t>(t), 0);
    if (ex.qTildeMu(mu, ex.generate(mu, thetaMu, rsb)) >= qobs - tol) ++nsb;
    RandomStream rb(cfg.seed, stream, static_cast<std::uint64_t>(t), 1);
    if (ex.qTildeMu(mu, ex.generate(0.0, theta0, rb)) >= qobs - tol) ++nb;
  }
  return ratio(nsb, nb, cfg.toys);
}

double asymptoticLimit(const CountingExperiment& ex, double alpha, double relTol) {
  const double n = ex.totalObserved();
  const double start = std::max(1.0, n + 3.0 * std::sqrt(n + 1.0));
  const int bits = std::max(10, static_cast<int>(-std::log2(relTol)));
  return solveDecreasing([&](double mu) { return std::log(ClsLimit::asymptoticCls(ex, mu)) - std::log(alpha); },
                         0.0, start, bits);
}

/// Limit from a toy-based CLs(mu): bisection to 1e-3 relative, then the statistical error
/// from the binomial errors of CL_{s+b} and CL_b over the local slope of CLs(mu).
template <class ClsAt>
void toyLimit(ClsAt clsAt, double guess, double alpha, int toys, LimitResult& res) {
  double lo = 0.5 * guess, hi = 1.5 * guess;
  for (int it = 0; it < 40 && clsAt(lo).cls <= alpha; ++it) {
    hi = lo;
    lo *= 0.5;
  }
  for (int it = 0; it < 40 && clsAt(hi).cls > alpha; ++it) {
    lo = hi;
    hi *= 1.5;
  }
  while (hi - lo > 1e-3 * hi) {
    const double mid = 0.5 * (lo + hi);
    if (clsAt(mid).cls > alpha)
      lo = mid;
    else
      hi = mid;
  }
  res.events = 0.5 * (lo + hi);
  res.toys = toys;
  const auto at = clsAt(res.events);
  const double n = toys;
  const double relVar = (at.clsb > 0 ? (1.0 - at.clsb) / (n * at.clsb) : 1.0) +
                        (at.clb > 0 ? (1.0 - at.clb) / (n * at.clb) : 1.0);
  const double sigmaCls = alpha * std::sqrt(relVar);
  const double d = 0.1 * res.events;
  const double slope = (clsAt(res.events + d).cls - clsAt(res.events - d).cls) / (2.0 * d);
  res.eventsToyError = slope < 0 ? sigmaCls / -slope : kNaN;
}

}  // namespace

// ---- CLs ---------------------------------------------------------------------------------

ClsLimit::ClsLimit(Config config) : config_(config) {
  checkCl(config_.cl, "CLs");
  if (config_.toys < 10) throw ConfigError("CLs: number of toys must be >= 10 (got " + std::to_string(config_.toys) + ")");
  if (!(config_.relTolerance > 0 && config_.relTolerance < 0.1)) throw ConfigError("CLs: relTolerance must be in (0, 0.1)");
  if (config_.quadraturePoints < 4) throw ConfigError("CLs: quadraturePoints must be >= 4");
}

const char* ClsLimit::toString(Method m) {
  switch (m) {
    case Method::Auto: return "auto";
    case Method::Exact: return "exact";
    case Method::HybridToys: return "hybrid-toys";
    case Method::ProfileToys: return "profile-toys";
    case Method::Asymptotic: return "asymptotic";
  }
  return "unknown";
}

ClsLimit::Method ClsLimit::resolve(const CountingExperiment& ex) const {
  Method m = config_.method;
  if (m == Method::Auto) m = ex.size() == 1 && ex.nuisanceCount() <= 3 ? Method::Exact : Method::HybridToys;
  if (m == Method::Exact && ex.size() != 1)
    throw ConfigError("exact CLs needs a single category; use the toys or asymptotic method");
  return m;
}

double ClsLimit::exactPoisson(int observed, double background, double cl) {
  checkCl(cl, "CLs");
  if (observed < 0) throw ConfigError("CLs: observed count must be >= 0 (got " + std::to_string(observed) + ")");
  if (!(background >= 0) || !std::isfinite(background))
    throw ConfigError("CLs: background must be finite and >= 0 (got " + std::to_string(background) + ")");
  const double lnAlpha = std::log(1.0 - cl);
  const double start = std::max(1.0, observed + 3.0 * std::sqrt(observed + 1.0));
  return solveDecreasing([&](double s) { return std::log(exactCls(observed, background, s)) - lnAlpha; }, 0.0,
                         start, 50);
}

double ClsLimit::asymptoticCls(const CountingExperiment& ex, double mu) {
  const CountingData data = ex.observedData();
  const double q = ex.qTildeMu(mu, data);
  const auto cond0 = ex.fitConditional(0.0, data);
  const double qA = ex.qTildeMu(mu, ex.asimov(0.0, cond0.theta));
  return clsFromQ(q, qA);
}

double ClsLimit::cls(const CountingExperiment& ex, double mu) const {
  switch (resolve(ex)) {
    case Method::Exact:
      return hybridExactCls(ex, nuisanceGrid(ex, config_.quadraturePoints, "CLs"), ex.categories()[0].observed, mu);
    case Method::Asymptotic: return asymptoticCls(ex, mu);
    case Method::HybridToys: return hybridToyCls(ex, mu, config_).cls;
    default: {
      const CountingData data = ex.observedData();
      const auto theta0 = ex.fitConditional(0.0, data).theta;
      return profileToyCls(ex, mu, data, theta0, config_).cls;
    }
  }
}

LimitResult ClsLimit::upperLimit(const CountingExperiment& ex) const {
  const Method m = resolve(ex);
  const double alpha = 1.0 - config_.cl;
  LimitResult res;
  res.cl = config_.cl;
  const int bits = std::max(10, static_cast<int>(-std::log2(config_.relTolerance)));

  if (m == Method::Exact) {
    const auto grid = nuisanceGrid(ex, config_.quadraturePoints, "CLs");
    const int n = ex.categories()[0].observed;
    auto limitFor = [&](int nObs) {
      const double start = std::max(1.0, nObs + 3.0 * std::sqrt(nObs + 1.0));
      return solveDecreasing([&](double mu) { return std::log(hybridExactCls(ex, grid, nObs, mu)) - std::log(alpha); },
                             0.0, start, bits);
    };
    res.events = limitFor(n);
    res.method = ex.hasNuisances()
                     ? "CLs, exact Poisson (Read 2002) with the uncertainties integrated over their constraints"
                     : "CLs, exact Poisson (Read 2002)";
    // expected: limits at the quantiles of the (prior-predictive) background-only distribution
    for (std::size_t k = 0; k < kBandSigmas.size(); ++k) {
      // smallest n with P(N <= n) >= q (the predictive CDF is monotone in n: bisection)
      const double q = normalCdf(kBandSigmas[k]);
      int lo = -1, hi = 1;
      while (predictiveCdf(ex, grid, hi, 0.0) < q && hi < (1 << 24)) hi *= 2;
      while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (predictiveCdf(ex, grid, mid, 0.0) >= q)
          hi = mid;
        else
          lo = mid;
      }
      res.expectedEvents[k] = limitFor(hi);
    }
  } else if (m == Method::Asymptotic) {
    res.events = asymptoticLimit(ex, alpha, config_.relTolerance);
    res.method = "CLs, asymptotic q~_mu with Asimov data (Cowan et al. 2011)";
    // expected limits: sqrt(q_A(mu)) = Phi^-1(1 - alpha Phi(N)) + N (Cowan et al. eq. 89, CLs form)
    const CountingData data = ex.observedData();
    const auto asimov0 = ex.asimov(0.0, ex.fitConditional(0.0, data).theta);
    for (std::size_t k = 0; k < kBandSigmas.size(); ++k) {
      const double nsig = kBandSigmas[k];
      const double target = normalQuantile(1.0 - alpha * normalCdf(nsig)) + nsig;
      res.expectedEvents[k] = solveDecreasing(
          [&](double mu) { return target - std::sqrt(std::max(0.0, ex.qTildeMu(mu, asimov0))); }, 0.0,
          std::max(1.0, res.events), bits);
    }
  } else {
    double guess;
    try {
      guess = asymptoticLimit(ex, alpha, 1e-3);
    } catch (const std::exception&) {
      guess = ex.totalObserved() + 2.0;
    }
    if (m == Method::HybridToys) {
      res.method = "CLs, pseudo-experiments with -2 ln Q, uncertainties drawn from their constraints (hybrid)";
      toyLimit([&](double mu) { return hybridToyCls(ex, mu, config_); }, guess, alpha, config_.toys, res);
    } else {
      res.method = "CLs, pseudo-experiments with q~_mu, nuisances profiled (LHC-style)";
      const CountingData data = ex.observedData();
      const auto theta0 = ex.fitConditional(0.0, data).theta;
      toyLimit([&](double mu) { return profileToyCls(ex, mu, data, theta0, config_); }, guess, alpha, config_.toys,
               res);
    }
  }
  res.br = res.events * ex.combinedSes();
  return res;
}

// ---- Bayesian ----------------------------------------------------------------------------

BayesianLimit::BayesianLimit(Config config) : config_(config) {
  checkCl(config_.cl, "Bayesian limit");
  if (config_.quadraturePoints < 4) throw ConfigError("Bayesian limit: quadrature points must be >= 4");
}

double BayesianLimit::poisson(int observed, double background, double cl) {
  checkCl(cl, "Bayesian limit");
  if (observed < 0) throw ConfigError("Bayesian limit: observed count must be >= 0 (got " + std::to_string(observed) + ")");
  if (!(background >= 0) || !std::isfinite(background))
    throw ConfigError("Bayesian limit: background must be finite and >= 0");
  const double a = observed + 1.0;
  const double q = boost::math::gamma_q(a, background);
  return boost::math::gamma_q_inv(a, (1.0 - cl) * q) - background;
}

LimitResult BayesianLimit::upperLimit(const CountingExperiment& ex) const {
  LimitResult res;
  res.cl = config_.cl;
  res.method = "Bayesian, flat prior on the signal";
  if (ex.size() == 1 && !ex.hasNuisances()) {
    const auto& c = ex.categories()[0];
    res.events = poisson(c.observed, c.background, config_.cl);
    res.br = res.events * ex.combinedSes();
    return res;
  }
  const auto grid = nuisanceGrid(ex, config_.quadraturePoints, "Bayesian limit");
  const auto& thetas = grid.thetas;
  const auto& weights = grid.weights;
  const CountingData data = ex.observedData();
  auto nllNoConstraint = [&](double mu, const std::vector<double>& th) {
    double f = ex.nll(mu, th, data);
    for (double t : th) f -= 0.5 * t * t;
    return f;
  };
  const double mu0 = std::max(0.0, ex.totalObserved() - ex.totalBackground());
  double ref = std::numeric_limits<double>::infinity();
  for (const auto& th : thetas) ref = std::min(ref, nllNoConstraint(mu0, th));
  auto marginal = [&](double mu) {
    double s = 0;
    for (std::size_t j = 0; j < thetas.size(); ++j) {
      const double f = nllNoConstraint(mu, thetas[j]);
      if (std::isfinite(f)) s += weights[j] * std::exp(-(f - ref));
    }
    return s;
  };
  // integration range: until the marginal likelihood is negligible
  const double peak = marginal(mu0);
  double muMax = mu0 + 3.0 * std::sqrt(ex.totalObserved() + 1.0) + 3.0;
  for (int it = 0; it < 60 && marginal(muMax) > 1e-14 * peak; ++it) muMax *= 1.5;
  using GK = boost::math::quadrature::gauss_kronrod<double, 31>;
  auto integral = [&](double a, double b) { return GK::integrate(marginal, a, b, 12, 1e-10); };
  const double total = integral(0.0, mu0) + integral(mu0, muMax);
  const double target = config_.cl * total;
  auto cdfMinusTarget = [&](double x) {
    return (x <= mu0 ? integral(0.0, x) : integral(0.0, mu0) + integral(mu0, x)) - target;
  };
  boost::math::tools::eps_tolerance<double> tol(40);
  std::uintmax_t maxIter = 200;
  const auto r = boost::math::tools::toms748_solve(cdfMinusTarget, 0.0, muMax, tol, maxIter);
  res.events = 0.5 * (r.first + r.second);
  res.br = res.events * ex.combinedSes();
  res.method = "Bayesian, flat prior on the signal, nuisances marginalised";
  return res;
}

}  // namespace kaonlab::stats
