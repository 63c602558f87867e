#include "kaonlab/stats/Counting.hpp"

#include <algorithm>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/Random.hpp"
#include "kaonlab/stats/Minimizer.hpp"
#include "kaonlab/stats/Poisson.hpp"

namespace kaonlab::stats {

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// Minimizer for the counting likelihood: L-BFGS with the analytic gradient.
const Minimizer& lbfgs() {
  static const Minimizer m([] {
    Minimizer::Config c;
    c.algorithm = MinimizerAlgorithm::Lbfgs;
    c.xTolerance = 1e-12;
    c.fTolerance = 1e-13;
    c.maxEvaluations = 5000;
    c.restarts = 1;
    return c;
  }());
  return m;
}

/// Derivative-free fallback when L-BFGS fails (kinks of asymmetric errors, bounds).
const Minimizer& bobyqa() {
  static const Minimizer m([] {
    Minimizer::Config c;
    c.algorithm = MinimizerAlgorithm::Bobyqa;
    c.xTolerance = 1e-11;
    c.fTolerance = 1e-13;
    c.maxEvaluations = 20000;
    c.restarts = 1;
    return c;
  }());
  return m;
}

MinimizeResult robustMinimize(const Objective& f, const std::vector<Parameter>& params) {
  auto r = lbfgs().minimize(f, params);
  if (!r.converged) {
    auto r2 = bobyqa().minimize(f, params);
    if (r2.fmin <= r.fmin || !std::isfinite(r.fmin)) r = std::move(r2);
  }
  return r;
}

void validateUncertainty(const Uncertainty& u, double v0, const std::string& what) {
  if (!std::isfinite(u.up) || !std::isfinite(u.down) || u.up < 0 || u.down < 0)
    throw ConfigError(what + " error must be finite and >= 0 (got +" + num(u.up) + " -" + num(u.down) + ")");
  if (u.active() && u.type == ConstraintType::LogNormal && !(v0 > 0))
    throw ConfigError(what + ": a log-normal uncertainty needs a nominal value > 0 (got " + num(v0) + ")");
}

}  // namespace

double singleEventSensitivity(double nKaons, double acceptance, std::span<const double> efficiencies) {
  if (!(nKaons > 0) || !std::isfinite(nKaons))
    throw ConfigError("SES: number of kaon decays must be > 0 (got " + num(nKaons) + ")");
  if (!(acceptance > 0) || acceptance > 1)
    throw ConfigError("SES: acceptance must be in (0, 1] (got " + num(acceptance) + ")");
  double d = nKaons * acceptance;
  for (double e : efficiencies) {
    if (!(e > 0) || e > 1) throw ConfigError("SES: efficiencies must be in (0, 1] (got " + num(e) + ")");
    d *= e;
  }
  return 1.0 / d;
}

double expectedEvents(double br, double ses) {
  if (!(ses > 0) || !std::isfinite(ses)) throw ConfigError("SES must be > 0 (got " + num(ses) + ")");
  return br / ses;
}

// ---- Uncertainty ---------------------------------------------------------------------

double Uncertainty::apply(double v0, double theta) const {
  const double s = theta >= 0 ? up : down;
  if (type == ConstraintType::Gaussian) return std::max(0.0, v0 + theta * s);
  if (v0 <= 0) return v0;
  return v0 * std::exp(theta * std::log1p(s / v0));
}

double Uncertainty::derivative(double v0, double theta) const {
  const double s = theta >= 0 ? up : down;
  if (type == ConstraintType::Gaussian) return (v0 + theta * s > 0) ? s : 0.0;
  if (v0 <= 0) return 0.0;
  const double lk = std::log1p(s / v0);
  return v0 * std::exp(theta * lk) * lk;
}

double Uncertainty::thetaMin(double v0) const {
  if (type == ConstraintType::Gaussian && down > 0) return std::max(-10.0, -v0 / down);
  return -10.0;
}

// ---- CountingExperiment ------------------------------------------------------------------

CountingExperiment::CountingExperiment(std::vector<Category> categories) : categories_(std::move(categories)) {
  if (categories_.empty()) throw ConfigError("counting experiment: at least one category is needed");
  std::map<std::string, int> named;
  double invSum = 0;
  for (std::size_t i = 0; i < categories_.size(); ++i) {
    auto& c = categories_[i];
    if (c.name.empty()) c.name = "category" + std::to_string(i);
    const std::string where = "category '" + c.name + "': ";
    if (c.observed < 0) throw ConfigError(where + "observed count must be >= 0 (got " + std::to_string(c.observed) + ")");
    if (!std::isfinite(c.background) || c.background < 0)
      throw ConfigError(where + "background must be finite and >= 0 (got " + num(c.background) + ")");
    if (!std::isfinite(c.ses) || !(c.ses > 0))
      throw ConfigError(where + "SES must be > 0 (got " + num(c.ses) + ")");
    validateUncertainty(c.backgroundError, c.background, where + "background");
    validateUncertainty(c.sesError, c.ses, where + "SES");
    if (c.sesError.active() && c.sesError.type == ConstraintType::Gaussian && c.sesError.down >= c.ses)
      throw ConfigError(where + "Gaussian SES error (-" + num(c.sesError.down) +
                        ") must be smaller than the SES (" + num(c.ses) + "); use a log-normal constraint");
    invSum += 1.0 / c.ses;
  }
  combinedSes_ = 1.0 / invSum;

  auto assign = [&](const Uncertainty& u, double v0, bool isSes, std::size_t i) -> int {
    if (!u.active()) return -1;
    int k;
    if (!u.correlation.empty() && named.count(u.correlation)) {
      k = named[u.correlation];
    } else {
      k = static_cast<int>(nuisanceNames_.size());
      nuisanceNames_.push_back(u.correlation.empty()
                                   ? categories_[i].name + (isSes ? ".ses" : ".background")
                                   : u.correlation);
      thetaRange_.push_back({-10.0, u.thetaMax()});
      if (!u.correlation.empty()) named[u.correlation] = k;
    }
    double lo = u.thetaMin(v0);
    // Keep the value strictly positive: an SES of 0 means an infinite signal, and a background
    // of exactly 0 gives ln 0 when the signal is 0 too.
    if (lo > -10.0) lo *= isSes ? 0.99 : (1.0 - 1e-9);
    thetaRange_[k].first = std::max(thetaRange_[k].first, lo);
    return k;
  };
  for (std::size_t i = 0; i < categories_.size(); ++i) {
    const auto& c = categories_[i];
    bgIndex_.push_back(assign(c.backgroundError, c.background, false, i));
    sesIndex_.push_back(assign(c.sesError, c.ses, true, i));
  }
}

CountingExperiment CountingExperiment::single(int observed, double background, double ses,
                                              Uncertainty backgroundError, Uncertainty sesError) {
  Category c;
  c.name = "signal region";
  c.observed = observed;
  c.background = background;
  c.backgroundError = std::move(backgroundError);
  c.ses = ses;
  c.sesError = std::move(sesError);
  return CountingExperiment({c});
}

int CountingExperiment::totalObserved() const {
  int n = 0;
  for (const auto& c : categories_) n += c.observed;
  return n;
}

double CountingExperiment::totalBackground() const {
  double b = 0;
  for (const auto& c : categories_) b += c.background;
  return b;
}

CountingData CountingExperiment::observedData() const {
  CountingData d;
  for (const auto& c : categories_) d.counts.push_back(c.observed);
  d.globals.assign(nuisanceCount(), 0.0);
  return d;
}

double CountingExperiment::expected(std::size_t i, double mu, std::span<const double> theta) const {
  const auto& c = categories_[i];
  const double b = bgIndex_[i] >= 0 ? c.backgroundError.apply(c.background, theta[bgIndex_[i]]) : c.background;
  const double ses = sesIndex_[i] >= 0 ? c.sesError.apply(c.ses, theta[sesIndex_[i]]) : c.ses;
  return mu * combinedSes_ / ses + b;
}

double CountingExperiment::nll(double mu, std::span<const double> theta, const CountingData& data,
                               std::span<double> grad) const {
  const bool wantGrad = !grad.empty();
  if (wantGrad) std::fill(grad.begin(), grad.end(), 0.0);
  double f = 0;
  for (std::size_t i = 0; i < categories_.size(); ++i) {
    const auto& c = categories_[i];
    const int kb = bgIndex_[i], ks = sesIndex_[i];
    const double b = kb >= 0 ? c.backgroundError.apply(c.background, theta[kb]) : c.background;
    const double ses = ks >= 0 ? c.sesError.apply(c.ses, theta[ks]) : c.ses;
    const double sig = mu * combinedSes_ / ses;
    const double nu = sig + b;
    const double n = data.counts[i];
    if (!(nu > 0)) {
      if (n == 0 && nu == 0) continue;
      return std::numeric_limits<double>::infinity();
    }
    // Baker-Cousins form: nu - n + n ln(n / nu) >= 0, zero at nu = n.
    f += nu - n + (n > 0 ? n * std::log(n / nu) : 0.0);
    if (wantGrad) {
      const double w = 1.0 - n / nu;
      grad[0] += w * combinedSes_ / ses;
      if (kb >= 0) grad[1 + kb] += w * c.backgroundError.derivative(c.background, theta[kb]);
      if (ks >= 0) grad[1 + ks] += w * (-sig / ses) * c.sesError.derivative(c.ses, theta[ks]);
    }
  }
  for (std::size_t k = 0; k < nuisanceCount(); ++k) {
    const double d = theta[k] - data.globals[k];
    f += 0.5 * d * d;
    if (wantGrad) grad[1 + k] += d;
  }
  return f;
}

double CountingExperiment::muLowerBound() const {
  double lo = -std::numeric_limits<double>::infinity();
  for (const auto& c : categories_) lo = std::max(lo, -c.background * c.ses / combinedSes_);
  return lo * (1.0 - 1e-9);
}

CountingFit CountingExperiment::fitConditional(double mu, const CountingData& data) const {
  CountingFit fit;
  fit.mu = mu;
  const std::size_t nk = nuisanceCount();
  if (nk == 0) {
    fit.nll = nll(mu, {}, data);
    fit.converged = std::isfinite(fit.nll);
    return fit;
  }
  std::vector<Parameter> params(nk);
  for (std::size_t k = 0; k < nk; ++k) {
    params[k].name = nuisanceNames_[k];
    params[k].value = std::clamp(data.globals[k], thetaRange_[k].first, thetaRange_[k].second);
    params[k].step = 1.0;
    params[k].lower = thetaRange_[k].first;
    params[k].upper = thetaRange_[k].second;
  }
  std::vector<double> g(1 + nk);
  const Objective obj = [&](std::span<const double> th, std::span<double> grad) {
    const double v = nll(mu, th, data, grad.empty() ? std::span<double>{} : std::span<double>(g));
    if (!grad.empty())
      for (std::size_t k = 0; k < nk; ++k) grad[k] = g[1 + k];
    return v;
  };
  const auto r = robustMinimize(obj, params);
  fit.theta = r.x;
  fit.nll = r.fmin;
  fit.converged = r.converged;
  return fit;
}

CountingFit CountingExperiment::fitUnconditional(const CountingData& data, double muMin) const {
  const double lowest = muLowerBound();
  if (!(muMin > lowest)) muMin = lowest;
  const std::size_t nk = nuisanceCount();
  if (nk == 0 && categories_.size() == 1) {
    // closed form: nu = mu + b (one category: SES_comb = SES)
    CountingFit fit;
    fit.mu = std::max(muMin, data.counts[0] - categories_[0].background);
    fit.nll = nll(fit.mu, {}, data);
    return fit;
  }
  double nTot = 0, sTot = 0;
  for (std::size_t i = 0; i < categories_.size(); ++i) {
    nTot += data.counts[i];
    sTot += categories_[i].background;
  }
  std::vector<Parameter> params(1 + nk);
  params[0].name = "mu";
  params[0].value = std::max(muMin, nTot - sTot);
  params[0].step = std::sqrt(std::max(nTot, 1.0));
  params[0].lower = muMin;
  for (std::size_t k = 0; k < nk; ++k) {
    params[1 + k].name = nuisanceNames_[k];
    params[1 + k].value = std::clamp(data.globals[k], thetaRange_[k].first, thetaRange_[k].second);
    params[1 + k].step = 1.0;
    params[1 + k].lower = thetaRange_[k].first;
    params[1 + k].upper = thetaRange_[k].second;
  }
  const Objective obj = [&](std::span<const double> x, std::span<double> grad) {
    return nll(x[0], x.subspan(1), data, grad);
  };
  const auto r = robustMinimize(obj, params);
  CountingFit fit;
  fit.mu = r.x[0];
  fit.theta.assign(r.x.begin() + 1, r.x.end());
  fit.nll = r.fmin;
  fit.converged = r.converged;
  // a minimiser stopping next to the bound mu = muMin: compare with the conditional fit there
  if (muMin > lowest && fit.mu - muMin < 1e-3 * params[0].step) {
    const auto c = fitConditional(muMin, data);
    if (c.nll < fit.nll) fit = c;
  }
  return fit;
}

double CountingExperiment::qTildeMu(double mu, const CountingData& data) const {
  const auto u = fitUnconditional(data, 0.0);
  if (u.mu >= mu) return 0.0;
  const auto c = fitConditional(mu, data);
  return std::max(0.0, 2.0 * (c.nll - u.nll));
}

double CountingExperiment::q0(const CountingData& data) const {
  const auto u = fitUnconditional(data, 0.0);
  if (u.mu <= 0) return 0.0;
  const auto c = fitConditional(0.0, data);
  return std::max(0.0, 2.0 * (c.nll - u.nll));
}

CountingData CountingExperiment::generate(double mu, std::span<const double> thetaGen, RandomStream& rng,
                                          bool fluctuateGlobals) const {
  CountingData d;
  d.counts.resize(categories_.size());
  for (std::size_t i = 0; i < categories_.size(); ++i) d.counts[i] = samplePoisson(rng, expected(i, mu, thetaGen));
  d.globals.resize(nuisanceCount());
  for (std::size_t k = 0; k < nuisanceCount(); ++k)
    d.globals[k] = fluctuateGlobals ? thetaGen[k] + rng.gaussian() : thetaGen[k];
  return d;
}

CountingData CountingExperiment::asimov(double mu, std::span<const double> theta) const {
  CountingData d;
  for (std::size_t i = 0; i < categories_.size(); ++i) d.counts.push_back(expected(i, mu, theta));
  d.globals.assign(theta.begin(), theta.end());
  return d;
}

double CountingExperiment::profileNll(double mu) const { return fitConditional(mu, observedData()).nll; }

BrEstimate CountingExperiment::estimateBr(double cl) const {
  if (!(cl > 0 && cl < 1)) throw ConfigError("confidence level must be in (0, 1) (got " + num(cl) + ")");
  const CountingData data = observedData();
  const double lowest = muLowerBound();
  const auto best = fitUnconditional(data, -std::numeric_limits<double>::infinity());
  const double delta = 0.5 * chi2Quantile(cl, 1.0);
  auto excess = [&](double mu) { return fitConditional(mu, data).nll - best.nll - delta; };
  const double scale = std::sqrt(std::max(1.0, static_cast<double>(totalObserved()))) + 0.1 * std::abs(best.mu);
  boost::math::tools::eps_tolerance<double> tol(40);

  // upper end
  double a = best.mu, fa = -delta;
  double bnd = best.mu + scale, fb = excess(bnd);
  for (int it = 0; fb < 0 && it < 60; ++it) {
    a = bnd;
    fa = fb;
    bnd = best.mu + (bnd - best.mu) * 2.0;
    fb = excess(bnd);
  }
  std::uintmax_t maxIter = 100;
  auto r = boost::math::tools::toms748_solve(excess, a, bnd, fa, fb, tol, maxIter);
  const double up = 0.5 * (r.first + r.second);

  // lower end (may hit the physical bound where some expected count reaches 0)
  double lo;
  double b2 = best.mu, fb2 = -delta;
  double a2 = best.mu - scale;
  if (a2 <= lowest) a2 = lowest;
  double fa2 = excess(a2);
  for (int it = 0; fa2 < 0 && a2 > lowest && it < 60; ++it) {
    b2 = a2;
    fb2 = fa2;
    a2 = std::max(lowest, best.mu - (best.mu - a2) * 2.0);
    fa2 = excess(a2);
  }
  if (fa2 < 0) {
    lo = a2;
  } else {
    maxIter = 100;
    auto r2 = boost::math::tools::toms748_solve(excess, a2, b2, fa2, fb2, tol, maxIter);
    lo = 0.5 * (r2.first + r2.second);
  }

  BrEstimate e;
  e.cl = cl;
  e.ses = combinedSes_;
  e.events = best.mu;
  e.eventsErrorUp = up - best.mu;
  e.eventsErrorDown = best.mu - lo;
  e.br = best.mu * combinedSes_;
  e.brErrorUp = e.eventsErrorUp * combinedSes_;
  e.brErrorDown = e.eventsErrorDown * combinedSes_;
  e.theta = best.theta;
  return e;
}

}  // namespace kaonlab::stats
