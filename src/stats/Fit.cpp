#include "kaonlab/stats/Fit.hpp"

#include <algorithm>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "Quadrature.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/stats/Poisson.hpp"

namespace kaonlab::stats {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Baker-Cousins term nu - n + n ln(n/nu) (0 at nu = n); +inf when nu <= 0 < n.
inline double bakerCousins(double n, double nu) {
  if (nu <= 0) return (n == 0 && nu == 0) ? 0.0 : kInf;
  return nu - n + (n > 0 ? n * std::log(n / nu) : 0.0);
}

void validateParameters(const std::vector<Parameter>& params) {
  if (params.empty()) throw ConfigError("fit: at least one parameter is needed");
  for (const auto& p : params) {
    if (!std::isfinite(p.value)) throw ConfigError("fit parameter '" + p.name + "': start value must be finite");
    if (p.lower > p.upper) throw ConfigError("fit parameter '" + p.name + "': lower bound above upper bound");
    if (!(p.step > 0)) throw ConfigError("fit parameter '" + p.name + "': step must be > 0");
  }
}

}  // namespace

const char* toString(FitStatus status) {
  switch (status) {
    case FitStatus::Ok: return "ok";
    case FitStatus::NotConverged: return "not converged";
    case FitStatus::CovarianceNotPosDef: return "covariance not positive definite";
    case FitStatus::Failed: return "failed";
  }
  return "unknown";
}

std::size_t FitResult::index(const std::string& name) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return i;
  throw ConfigError("fit result: no parameter named '" + name + "'");
}

double FitResult::correlation(std::size_t i, std::size_t j) const {
  const double d = std::sqrt(covariance(i, i) * covariance(j, j));
  return d > 0 ? covariance(i, j) / d : 0.0;
}

// ---- LikelihoodFit ---------------------------------------------------------------------

LikelihoodFit::LikelihoodFit(std::vector<Parameter> params, Config config)
    : params_(std::move(params)), config_(config) {
  validateParameters(params_);
}

FitResult LikelihoodFit::fit() const {
  const Minimizer minimizer(config_.minimizer);
  const ObjectiveNoGrad f = [this](std::span<const double> x) { return nll(x); };
  const auto r = minimizer.minimize(f, params_);
  FitResult res;
  const std::size_t n = params_.size();
  for (const auto& p : params_) res.names.push_back(p.name);
  res.values = r.x;
  res.minNll = r.fmin;
  res.evaluations = r.evaluations;
  res.message = r.message;
  res.errors.assign(n, 0.0);
  res.covariance = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  std::vector<std::size_t> freeIdx;
  for (std::size_t i = 0; i < n; ++i)
    if (!params_[i].fixed) freeIdx.push_back(i);
  res.freeParameters = static_cast<int>(freeIdx.size());
  if (!std::isfinite(r.fmin)) {
    res.status = FitStatus::Failed;
    res.message += "; -ln L is not finite at the minimum";
    return res;
  }
  res.status = r.converged ? FitStatus::Ok : FitStatus::NotConverged;
  if (config_.computeCovariance && !freeIdx.empty()) {
    const Eigen::MatrixXd h = numericalHessian(f, r.x, params_);
    const auto m = static_cast<Eigen::Index>(freeIdx.size());
    Eigen::MatrixXd hf(m, m);
    for (Eigen::Index a = 0; a < m; ++a)
      for (Eigen::Index b = 0; b < m; ++b) hf(a, b) = h(freeIdx[a], freeIdx[b]);
    // Positive definiteness judged on the Hessian normalised to unit diagonal (independent of
    // the parameters' scales): a smallest eigenvalue below 1e-4 means correlations of 0.9999
    // or more, a direction the data do not constrain (finite differences cannot resolve better).
    bool posDef = hf.allFinite() && (hf.diagonal().array() > 0).all();
    if (posDef) {
      const Eigen::VectorXd d = hf.diagonal().cwiseSqrt().cwiseInverse();
      const Eigen::MatrixXd norm = d.asDiagonal() * hf * d.asDiagonal();
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(norm, Eigen::EigenvaluesOnly);
      posDef = es.info() == Eigen::Success && es.eigenvalues().minCoeff() > 1e-4;
    }
    Eigen::LLT<Eigen::MatrixXd> llt(hf);
    if (!posDef || llt.info() != Eigen::Success) {
      if (res.status == FitStatus::Ok) res.status = FitStatus::CovarianceNotPosDef;
      res.message += "; Hessian not positive definite";
    } else {
      const Eigen::MatrixXd cf = llt.solve(Eigen::MatrixXd::Identity(m, m));
      for (Eigen::Index a = 0; a < m; ++a)
        for (Eigen::Index b = 0; b < m; ++b) res.covariance(freeIdx[a], freeIdx[b]) = cf(a, b);
      for (std::size_t i : freeIdx) res.errors[i] = std::sqrt(res.covariance(i, i));
    }
  }
  res.gof = goodnessOfFit(res.values, res.freeParameters);
  return res;
}

double LikelihoodFit::profileNll(const FitResult& result, std::size_t index, double value) const {
  if (index >= params_.size()) throw ConfigError("profile: parameter index out of range");
  std::vector<Parameter> p = params_;
  for (std::size_t i = 0; i < p.size(); ++i) p[i].value = result.values[i];
  p[index].value = value;
  p[index].fixed = true;
  const Minimizer minimizer(config_.minimizer);
  return minimizer.minimize(ObjectiveNoGrad([this](std::span<const double> x) { return nll(x); }), p).fmin;
}

Interval LikelihoodFit::profileInterval(const FitResult& result, std::size_t index, double cl) const {
  if (!(cl > 0 && cl < 1)) throw ConfigError("profile interval: confidence level must be in (0, 1)");
  if (index >= params_.size()) throw ConfigError("profile: parameter index out of range");
  if (params_[index].fixed) return {result.values[index], result.values[index]};
  const double delta = 0.5 * chi2Quantile(cl, 1.0);
  const double x0 = result.values[index];
  const double lowerBound = params_[index].lower, upperBound = params_[index].upper;
  double scale = result.errors[index] > 0 ? result.errors[index] : params_[index].step;
  scale *= std::sqrt(2.0 * delta);
  auto g = [&](double v) { return profileNll(result, index, v) - result.minNll - delta; };
  boost::math::tools::eps_tolerance<double> tol(36);

  auto side = [&](double dir, double bound) {
    double inner = x0, fin = -delta;
    double outer = x0 + dir * scale;
    if ((outer - bound) * dir > 0) outer = bound;
    double fout = g(outer);
    for (int it = 0; fout < 0 && it < 40; ++it) {
      if (outer == bound) return bound;  // the likelihood never rises enough within the bounds
      inner = outer;
      fin = fout;
      outer = x0 + (outer - x0) * 2.0;
      if ((outer - bound) * dir > 0) outer = bound;
      fout = g(outer);
    }
    if (fout < 0) return outer;
    std::uintmax_t maxIter = 100;
    const auto r = dir > 0 ? boost::math::tools::toms748_solve(g, inner, outer, fin, fout, tol, maxIter)
                           : boost::math::tools::toms748_solve(g, outer, inner, fout, fin, tol, maxIter);
    return 0.5 * (r.first + r.second);
  };
  return {side(-1.0, lowerBound), side(+1.0, upperBound)};
}

// ---- BinnedFit -----------------------------------------------------------------------------

BinnedFit::BinnedFit(std::vector<double> edges, std::vector<double> counts, BinModel model,
                     std::vector<Parameter> params, Config config)
    : LikelihoodFit(std::move(params), config), edges_(std::move(edges)), counts_(std::move(counts)),
      model_(std::move(model)) {
  if (counts_.empty()) throw ConfigError("binned fit: the histogram has no bins");
  if (edges_.size() != counts_.size() + 1)
    throw ConfigError("binned fit: " + std::to_string(edges_.size()) + " bin edges given for " +
                      std::to_string(counts_.size()) + " bins (need bins + 1)");
  for (std::size_t i = 0; i + 1 < edges_.size(); ++i)
    if (!(edges_[i + 1] > edges_[i]) || !std::isfinite(edges_[i]) || !std::isfinite(edges_[i + 1]))
      throw ConfigError("binned fit: bin edges must be finite and strictly increasing");
  for (double c : counts_)
    if (!(c >= 0) || !std::isfinite(c)) throw ConfigError("binned fit: bin contents must be finite and >= 0");
  if (!model_) throw ConfigError("binned fit: no model given");
}

BinnedFit::BinModel BinnedFit::integrate(Density density, int points) {
  if (points < 1) throw ConfigError("binned fit: integration needs at least 1 point");
  auto nodes = detail::gaussLegendre(points);
  return [density = std::move(density), nodes](double lo, double hi, std::span<const double> p) {
    const double half = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
    double s = 0;
    for (const auto& nd : nodes) s += nd.w * density(mid + half * nd.x, p);
    return s * half;
  };
}

std::vector<double> BinnedFit::expected(std::span<const double> p) const {
  std::vector<double> nu(counts_.size());
  for (std::size_t i = 0; i < counts_.size(); ++i) nu[i] = model_(edges_[i], edges_[i + 1], p);
  return nu;
}

double BinnedFit::nll(std::span<const double> p) const {
  double f = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    const double nu = model_(edges_[i], edges_[i + 1], p);
    if (!std::isfinite(nu)) return kInf;
    f += bakerCousins(counts_[i], nu);
  }
  return f;
}

GoodnessOfFit BinnedFit::goodnessOfFit(std::span<const double> p, int freeParameters) const {
  GoodnessOfFit g;
  const auto nu = expected(p);
  for (std::size_t i = 0; i < nu.size(); ++i) {
    g.statistic += 2.0 * bakerCousins(counts_[i], nu[i]);
    if (nu[i] > 0) g.pearsonChi2 += (counts_[i] - nu[i]) * (counts_[i] - nu[i]) / nu[i];
  }
  g.ndf = static_cast<int>(nu.size()) - freeParameters;
  g.pValue = g.ndf > 0 ? chi2UpperTail(g.statistic, g.ndf) : kNaN;
  return g;
}

// ---- UnbinnedFit ---------------------------------------------------------------------------

UnbinnedFit::UnbinnedFit(std::vector<double> data, double lo, double hi, Density density,
                         std::vector<Parameter> params, Options options, Config config)
    : LikelihoodFit(std::move(params), config), data_(std::move(data)), lo_(lo), hi_(hi),
      density_(std::move(density)), options_(std::move(options)) {
  if (!(hi_ > lo_) || !std::isfinite(lo_) || !std::isfinite(hi_))
    throw ConfigError("unbinned fit: range must be finite with lo < hi");
  if (data_.empty()) throw ConfigError("unbinned fit: no data");
  for (double x : data_)
    if (!(x >= lo_ && x <= hi_))
      throw ConfigError("unbinned fit: data point " + std::to_string(x) + " outside the fit range [" +
                        std::to_string(lo_) + ", " + std::to_string(hi_) + "]");
  if (!density_) throw ConfigError("unbinned fit: no density given");
  if (options_.integrationPanels < 1) throw ConfigError("unbinned fit: integrationPanels must be >= 1");
  if (options_.gofBins < 2) throw ConfigError("unbinned fit: gofBins must be >= 2");
}

double UnbinnedFit::integral(double a, double b, std::span<const double> p) const {
  if (options_.normalisation) return options_.normalisation(a, b, p);
  static const auto nodes = detail::gaussLegendre(20);
  const int panels = options_.integrationPanels;
  const double w = (b - a) / panels;
  double s = 0;
  for (int k = 0; k < panels; ++k) {
    const double mid = a + (k + 0.5) * w, half = 0.5 * w;
    double t = 0;
    for (const auto& nd : nodes) t += nd.w * density_(mid + half * nd.x, p);
    s += t * half;
  }
  return s;
}

double UnbinnedFit::integral(std::span<const double> p) const { return integral(lo_, hi_, p); }

double UnbinnedFit::nll(std::span<const double> p) const {
  const double norm = integral(lo_, hi_, p);
  if (!(norm > 0) || !std::isfinite(norm)) return kInf;
  double s = 0;
  for (double x : data_) {
    const double f = density_(x, p);
    if (!(f > 0)) return kInf;
    s += std::log(f);
  }
  const double n = static_cast<double>(data_.size());
  return options_.extended ? norm - s : n * std::log(norm) - s;
}

GoodnessOfFit UnbinnedFit::goodnessOfFit(std::span<const double> p, int freeParameters) const {
  GoodnessOfFit g;
  const int nb = options_.gofBins;
  std::vector<double> obs(nb, 0.0);
  const double w = (hi_ - lo_) / nb;
  for (double x : data_) obs[std::min(nb - 1, static_cast<int>((x - lo_) / w))] += 1.0;
  const double norm = integral(lo_, hi_, p);
  const double scale = options_.extended ? 1.0 : data_.size() / norm;
  for (int i = 0; i < nb; ++i) {
    const double nu = scale * integral(lo_ + i * w, lo_ + (i + 1) * w, p);
    g.statistic += 2.0 * bakerCousins(obs[i], nu);
    if (nu > 0) g.pearsonChi2 += (obs[i] - nu) * (obs[i] - nu) / nu;
  }
  g.ndf = nb - freeParameters - (options_.extended ? 0 : 1);
  g.pValue = g.ndf > 0 ? chi2UpperTail(g.statistic, g.ndf) : kNaN;
  return g;
}

}  // namespace kaonlab::stats
