#pragma once
// Function minimisation for likelihood fits: a thin, validated wrapper around NLopt
// (Johnson, "The NLopt nonlinear-optimization package", https://github.com/stevengj/nlopt)
// plus the numerical Hessian used for covariance matrices.
//
// Parameters are minimised in internal units u = (x - start) / step so that all of them
// are O(1) for the optimiser, whatever their physical scale (a BR of 1e-11 and a slope
// of 0.5 can be fitted together). NLopt itself is a private dependency of kaonlab::stats.
#include <Eigen/Dense>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace kaonlab::stats {

/// A free parameter of a fit.
struct Parameter {
  std::string name;
  double value = 0;  ///< start value (and the value used when fixed)
  double step = 0.1; ///< scale of the expected uncertainty; sets the optimiser's first step
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool fixed = false;
};

/// Objective: returns the value; when grad is non-empty it must also fill the gradient.
using Objective = std::function<double(std::span<const double> x, std::span<double> grad)>;
/// Objective without a gradient (derivative-free algorithms only).
using ObjectiveNoGrad = std::function<double(std::span<const double> x)>;

enum class MinimizerAlgorithm {
  Bobyqa,  ///< NLopt LN_BOBYQA: derivative-free quadratic models (Powell 2009), default for fits
  Lbfgs,   ///< NLopt LD_LBFGS: needs the analytic gradient
  Subplex  ///< NLopt LN_SBPLX: robust derivative-free fallback
};

struct MinimizeResult {
  std::vector<double> x;   ///< parameter values at the minimum (fixed ones included)
  double fmin = 0;
  int evaluations = 0;
  bool converged = false;
  std::string message;     ///< NLopt's return code in words
};

class Minimizer {
 public:
  struct Config {
    MinimizerAlgorithm algorithm = MinimizerAlgorithm::Bobyqa;
    double xTolerance = 1e-10;     ///< relative tolerance on the internal parameters
    double fTolerance = 1e-12;     ///< absolute tolerance on the objective
    int maxEvaluations = 50000;
    int restarts = 1;              ///< extra runs started from the previous minimum
  };
  Minimizer() : Minimizer(Config{}) {}
  explicit Minimizer(Config config);  ///< throws ConfigError on invalid settings
  const Config& config() const { return config_; }

  /// Minimise f over the free parameters. Start values outside the bounds are clipped.
  /// Lbfgs requires f to fill the gradient; the others call f with an empty grad span.
  MinimizeResult minimize(const Objective& f, const std::vector<Parameter>& params) const;
  MinimizeResult minimize(const ObjectiveNoGrad& f, const std::vector<Parameter>& params) const;

 private:
  Config config_;
};

/// Numerical Hessian d^2 f / dx_i dx_j of f at x over the free parameters (central finite
/// differences; the step of each parameter is tuned so that f changes by about 0.01, the
/// compromise between rounding and truncation errors). Fixed parameters get zero rows.
Eigen::MatrixXd numericalHessian(const ObjectiveNoGrad& f, std::span<const double> x,
                                 const std::vector<Parameter>& params);

}  // namespace kaonlab::stats
