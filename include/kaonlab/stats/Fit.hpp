#pragma once
// Maximum-likelihood fits of a model with free parameters to a spectrum:
//  - BinnedFit: Poisson likelihood of a histogram,
//      -ln L = sum_i [nu_i - n_i + n_i ln(n_i / nu_i)]
//    (the "likelihood chi2" / 2 of Baker & Cousins, NIM 221 (1984) 437), so that 2 * NLL_min
//    is itself the goodness-of-fit statistic, chi2-distributed with bins - free parameters.
//  - UnbinnedFit: -ln L = -sum_j ln f(x_j; p) + N ln int f   (or the extended form
//      int f - sum_j ln f(x_j; p), Barlow NIM A297 (1990) 496).
// Both minimise with NLopt (Minimizer.hpp), give the covariance as the inverse Hessian of
// -ln L at the minimum (numerical), and profile-likelihood (MINOS-like) intervals: the
// parameter values where min_{others} -ln L rises by chi2_1 quantile(cl) / 2 (0.5 for 68%).
#include <Eigen/Dense>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kaonlab/stats/Limits.hpp"
#include "kaonlab/stats/Minimizer.hpp"

namespace kaonlab::stats {

enum class FitStatus {
  Ok,                   ///< converged, covariance positive definite
  NotConverged,         ///< minimiser stopped without meeting its tolerance
  CovarianceNotPosDef,  ///< converged, but the Hessian is not positive definite (or some
                        ///< correlation exceeds 0.9999: an unconstrained direction)
  Failed                ///< minimiser failure or non-finite likelihood
};
const char* toString(FitStatus status);

struct GoodnessOfFit {
  double statistic = 0;   ///< Baker-Cousins likelihood chi2 (2 * NLL_min for BinnedFit)
  double pearsonChi2 = 0; ///< sum (n - nu)^2 / nu over bins with nu > 0
  int ndf = 0;
  double pValue = 0;      ///< P(chi2_ndf >= statistic)
};

struct FitResult {
  FitStatus status = FitStatus::Failed;
  bool valid() const { return status == FitStatus::Ok; }
  std::vector<std::string> names;
  std::vector<double> values;
  std::vector<double> errors;   ///< sqrt(diag(covariance)); 0 for fixed parameters
  Eigen::MatrixXd covariance;   ///< full size, zero rows/columns for fixed parameters
  double minNll = 0;
  int evaluations = 0;
  int freeParameters = 0;
  GoodnessOfFit gof;
  std::string message;
  /// Index of a parameter by name; throws ConfigError when unknown.
  std::size_t index(const std::string& name) const;
  double value(const std::string& name) const { return values[index(name)]; }
  double error(const std::string& name) const { return errors[index(name)]; }
  double correlation(std::size_t i, std::size_t j) const;
};

/// Common machinery: minimisation, Hessian, profile intervals.
class LikelihoodFit {
 public:
  struct Config {
    Minimizer::Config minimizer{};
    bool computeCovariance = true;
  };
  virtual ~LikelihoodFit() = default;

  /// -ln L at parameter values p (all parameters, fixed ones included).
  virtual double nll(std::span<const double> p) const = 0;
  const std::vector<Parameter>& parameters() const { return params_; }

  /// Run the fit from the parameters' start values.
  FitResult fit() const;
  /// Profile-likelihood interval of parameter `index` around the fitted minimum `result`.
  Interval profileInterval(const FitResult& result, std::size_t index,
                           double cl = 0.682689492137086) const;
  /// min over the other free parameters of -ln L with parameter `index` fixed to value.
  double profileNll(const FitResult& result, std::size_t index, double value) const;

 protected:
  LikelihoodFit(std::vector<Parameter> params, Config config);
  virtual GoodnessOfFit goodnessOfFit(std::span<const double> p, int freeParameters) const = 0;
  std::vector<Parameter> params_;
  Config config_;
};

/// Binned Poisson likelihood fit of a histogram.
class BinnedFit : public LikelihoodFit {
 public:
  /// Expected events in bin [lo, hi) for parameters p (must be >= 0).
  using BinModel = std::function<double(double lo, double hi, std::span<const double> p)>;
  /// Density (events per unit x) for parameters p.
  using Density = std::function<double(double x, std::span<const double> p)>;

  /// edges: nbins + 1 increasing values; counts: nbins values >= 0 (weights allowed).
  /// Throws ConfigError on inconsistent input.
  BinnedFit(std::vector<double> edges, std::vector<double> counts, BinModel model,
            std::vector<Parameter> params, Config config = {});
  /// Bin model that integrates a density over each bin (Gauss-Legendre, `points` nodes).
  static BinModel integrate(Density density, int points = 10);

  double nll(std::span<const double> p) const override;
  const std::vector<double>& edges() const { return edges_; }
  const std::vector<double>& counts() const { return counts_; }
  /// Expected counts per bin at p.
  std::vector<double> expected(std::span<const double> p) const;

 protected:
  GoodnessOfFit goodnessOfFit(std::span<const double> p, int freeParameters) const override;

 private:
  std::vector<double> edges_, counts_;
  BinModel model_;
};

/// Unbinned maximum-likelihood fit of a density on [lo, hi].
class UnbinnedFit : public LikelihoodFit {
 public:
  /// Unnormalised density f(x; p) >= 0 (normalised internally unless extended).
  using Density = std::function<double(double x, std::span<const double> p)>;
  /// Optional analytic integral of f over [a, b] (called with the fit range and with the
  /// goodness-of-fit bins).
  using Normalisation = std::function<double(double lo, double hi, std::span<const double> p)>;

  struct Options {
    bool extended = false;    ///< f integrates to the expected number of events
    int integrationPanels = 16;  ///< composite 20-point Gauss-Legendre panels (no Normalisation)
    int gofBins = 20;         ///< bins of the binned goodness-of-fit test
    Normalisation normalisation;  ///< analytic integral, when known
  };

  UnbinnedFit(std::vector<double> data, double lo, double hi, Density density,
              std::vector<Parameter> params, Options options, Config config);
  UnbinnedFit(std::vector<double> data, double lo, double hi, Density density,
              std::vector<Parameter> params, Options options)
      : UnbinnedFit(std::move(data), lo, hi, std::move(density), std::move(params), std::move(options),
                    Config{}) {}
  UnbinnedFit(std::vector<double> data, double lo, double hi, Density density,
              std::vector<Parameter> params)
      : UnbinnedFit(std::move(data), lo, hi, std::move(density), std::move(params), Options{}, Config{}) {}

  double nll(std::span<const double> p) const override;
  double integral(std::span<const double> p) const;
  const std::vector<double>& data() const { return data_; }

 protected:
  GoodnessOfFit goodnessOfFit(std::span<const double> p, int freeParameters) const override;

 private:
  double integral(double a, double b, std::span<const double> p) const;
  std::vector<double> data_;
  double lo_, hi_;
  Density density_;
  Options options_;
};

}  // namespace kaonlab::stats
