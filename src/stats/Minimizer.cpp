#include "kaonlab/stats/Minimizer.hpp"

#include <algorithm>
#include <cmath>
#include <nlopt.hpp>
#include <string>

#include "kaonlab/core/Error.hpp"

namespace kaonlab::stats {

namespace {

const char* resultText(nlopt::result r) {
  switch (r) {
    case nlopt::SUCCESS: return "success";
    case nlopt::STOPVAL_REACHED: return "stopval reached";
    case nlopt::FTOL_REACHED: return "ftol reached";
    case nlopt::XTOL_REACHED: return "xtol reached";
    case nlopt::MAXEVAL_REACHED: return "maximum number of evaluations reached";
    case nlopt::MAXTIME_REACHED: return "maximum time reached";
    case nlopt::FAILURE: return "generic failure";
    case nlopt::INVALID_ARGS: return "invalid arguments";
    case nlopt::OUT_OF_MEMORY: return "out of memory";
    case nlopt::ROUNDOFF_LIMITED: return "roundoff limited";
    case nlopt::FORCED_STOP: return "forced stop";
    default: break;
  }
  return "unknown";
}

nlopt::algorithm toNlopt(MinimizerAlgorithm a) {
  switch (a) {
    case MinimizerAlgorithm::Bobyqa: return nlopt::LN_BOBYQA;
    case MinimizerAlgorithm::Lbfgs: return nlopt::LD_LBFGS;
    case MinimizerAlgorithm::Subplex: return nlopt::LN_SBPLX;
  }
  return nlopt::LN_BOBYQA;
}

/// Mapping between the free parameters' internal units and the full parameter vector.
struct Mapping {
  std::vector<std::size_t> freeIndex;
  std::vector<double> start, scale, lower, upper;  // internal bounds
  std::vector<double> full;                         // current full parameter vector

  explicit Mapping(const std::vector<Parameter>& params) {
    full.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& p = params[i];
      double v = p.value;
      if (v < p.lower) v = p.lower;
      if (v > p.upper) v = p.upper;
      full[i] = v;
      if (p.fixed) continue;
      freeIndex.push_back(i);
      const double s = p.step > 0 ? p.step : std::max(0.1 * std::abs(v), 0.1);
      start.push_back(v);
      scale.push_back(s);
      lower.push_back(std::isfinite(p.lower) ? (p.lower - v) / s : -HUGE_VAL);
      upper.push_back(std::isfinite(p.upper) ? (p.upper - v) / s : HUGE_VAL);
    }
  }
  void toFull(const double* u) {
    for (std::size_t k = 0; k < freeIndex.size(); ++k) full[freeIndex[k]] = start[k] + scale[k] * u[k];
  }
};

struct Context {
  Mapping* map;
  const Objective* f;
  std::vector<double> gradFull;
  int evaluations = 0;
  bool nonFinite = false;
};

double trampoline(unsigned n, const double* u, double* grad, void* data) {
  auto* ctx = static_cast<Context*>(data);
  ctx->map->toFull(u);
  ++ctx->evaluations;
  double value;
  if (grad) {
    ctx->gradFull.assign(ctx->map->full.size(), 0.0);
    value = (*ctx->f)(ctx->map->full, ctx->gradFull);
    for (unsigned k = 0; k < n; ++k) grad[k] = ctx->gradFull[ctx->map->freeIndex[k]] * ctx->map->scale[k];
  } else {
    value = (*ctx->f)(ctx->map->full, std::span<double>{});
  }
  if (!std::isfinite(value)) {
    ctx->nonFinite = true;
    value = HUGE_VAL;
    if (grad)
      for (unsigned k = 0; k < n; ++k) grad[k] = 0.0;
  }
  return value;
}

}  // namespace

Minimizer::Minimizer(Config config) : config_(config) {
  if (!(config_.xTolerance > 0) || !(config_.fTolerance >= 0))
    throw ConfigError("Minimizer: tolerances must be positive");
  if (config_.maxEvaluations < 10) throw ConfigError("Minimizer: maxEvaluations must be >= 10");
  if (config_.restarts < 0) throw ConfigError("Minimizer: restarts must be >= 0");
}

MinimizeResult Minimizer::minimize(const Objective& f, const std::vector<Parameter>& params) const {
  for (const auto& p : params)
    if (p.lower > p.upper) throw ConfigError("parameter '" + p.name + "': lower bound above upper bound");
  Mapping map(params);
  MinimizeResult res;
  const unsigned n = static_cast<unsigned>(map.freeIndex.size());
  if (n == 0) {
    res.x = map.full;
    res.fmin = f(map.full, std::span<double>{});
    res.evaluations = 1;
    res.converged = std::isfinite(res.fmin);
    res.message = "no free parameters";
    return res;
  }
  Context ctx{&map, &f, {}, 0, false};
  std::vector<double> u(n, 0.0);
  // Start values clipped into the internal bounds.
  for (unsigned k = 0; k < n; ++k) u[k] = std::clamp(0.0, map.lower[k], map.upper[k]);
  double fmin = HUGE_VAL;
  nlopt::result rc = nlopt::FAILURE;
  bool ok = false;
  for (int run = 0; run <= config_.restarts; ++run) {
    nlopt::opt opt(toNlopt(config_.algorithm), n);
    opt.set_min_objective(trampoline, &ctx);
    opt.set_lower_bounds(map.lower);
    opt.set_upper_bounds(map.upper);
    opt.set_xtol_rel(config_.xTolerance);
    opt.set_xtol_abs(config_.xTolerance);
    if (config_.fTolerance > 0) opt.set_ftol_abs(config_.fTolerance);
    opt.set_maxeval(config_.maxEvaluations);
    if (config_.algorithm != MinimizerAlgorithm::Lbfgs) {
      std::vector<double> step(n, run == 0 ? 0.5 : 0.05);
      // keep the first step inside the bounds
      for (unsigned k = 0; k < n; ++k) {
        const double room = std::max(map.upper[k] - u[k], u[k] - map.lower[k]);
        if (std::isfinite(room) && room > 0) step[k] = std::min(step[k], 0.5 * room);
      }
      opt.set_initial_step(step);
    }
    double f0 = HUGE_VAL;
    try {
      rc = opt.optimize(u, f0);
      ok = rc > 0;
    } catch (const nlopt::roundoff_limited&) {
      rc = nlopt::ROUNDOFF_LIMITED;  // u holds the best point found: usually at the minimum
      ok = true;
    } catch (const nlopt::forced_stop&) {
      rc = nlopt::FORCED_STOP;
      ok = false;
    } catch (const std::exception&) {
      rc = nlopt::FAILURE;
      ok = false;
    }
    if (!std::isfinite(f0)) f0 = HUGE_VAL;
    const bool improved = f0 < fmin - std::max(config_.fTolerance, 1e-15 * std::abs(fmin));
    fmin = std::min(fmin, f0);
    if (run > 0 && !improved) break;
  }
  map.toFull(u.data());
  res.x = map.full;
  res.fmin = f(map.full, std::span<double>{});
  res.evaluations = ctx.evaluations + 1;
  res.converged = ok && rc != nlopt::MAXEVAL_REACHED && std::isfinite(res.fmin);
  res.message = resultText(rc);
  if (ctx.nonFinite && !std::isfinite(res.fmin)) res.message += "; non-finite objective";
  return res;
}

MinimizeResult Minimizer::minimize(const ObjectiveNoGrad& f, const std::vector<Parameter>& params) const {
  if (config_.algorithm == MinimizerAlgorithm::Lbfgs)
    throw ConfigError("Minimizer: the L-BFGS algorithm needs an objective with a gradient");
  const Objective g = [&f](std::span<const double> x, std::span<double>) { return f(x); };
  return minimize(g, params);
}

Eigen::MatrixXd numericalHessian(const ObjectiveNoGrad& f, std::span<const double> x0,
                                 const std::vector<Parameter>& params) {
  const std::size_t n = params.size();
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  std::vector<double> x(x0.begin(), x0.end());
  const double f0 = f(x);
  std::vector<double> step(n, 0.0);
  std::vector<std::size_t> freeIdx;
  for (std::size_t i = 0; i < n; ++i) {
    if (params[i].fixed) continue;
    freeIdx.push_back(i);
    double hi = params[i].step > 0 ? 0.1 * params[i].step : 1e-3 * std::max(1.0, std::abs(x[i]));
    // tune: aim for a change of f of about 0.01 (two iterations)
    for (int it = 0; it < 3; ++it) {
      const double room = std::min(params[i].upper - x[i], x[i] - params[i].lower);
      if (room > 0 && hi > 0.5 * room) hi = 0.5 * room;
      x[i] = x0[i] + hi;
      const double fp = f(x);
      x[i] = x0[i] - hi;
      const double fm = f(x);
      x[i] = x0[i];
      const double d2 = (fp + fm - 2.0 * f0) / (hi * hi);
      h(i, i) = d2;
      if (!(d2 > 0) || !std::isfinite(d2)) {
        hi *= 4.0;
        continue;
      }
      const double target = std::sqrt(2.0 * 0.01 / d2);
      if (std::abs(target / hi - 1.0) < 0.3) break;
      hi = target;
    }
    step[i] = hi;
  }
  for (std::size_t a = 0; a < freeIdx.size(); ++a) {
    for (std::size_t b = a + 1; b < freeIdx.size(); ++b) {
      const std::size_t i = freeIdx[a], j = freeIdx[b];
      const double hi = step[i], hj = step[j];
      auto at = [&](double si, double sj) {
        x[i] = x0[i] + si * hi;
        x[j] = x0[j] + sj * hj;
        const double v = f(x);
        x[i] = x0[i];
        x[j] = x0[j];
        return v;
      };
      const double d = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4.0 * hi * hj);
      h(i, j) = h(j, i) = d;
    }
  }
  return h;
}

}  // namespace kaonlab::stats
