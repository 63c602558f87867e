#pragma once
// Counting experiments: single-event sensitivity, expected events, and the binned Poisson
// likelihood of one or more signal regions ("categories": data-taking years, momentum
// bins) with nuisance parameters for the background and SES uncertainties.
//
// Model (one category i, signal strength mu = total expected signal events at the nominal
// SES, so that BR = mu * SES_comb with SES_comb = 1 / sum_i (1 / SES_i)):
//   nu_i(mu, theta) = mu * SES_comb / SES_i(theta) + b_i(theta)
//   -ln L = sum_i [nu_i - n_i ln nu_i] + sum_k (theta_k - g_k)^2 / 2
// Each nuisance theta_k has a unit Gaussian constraint around its auxiliary measurement
// ("global observable") g_k, which is 0 for the real data and fluctuates in toys
// (Cowan et al., EPJC 71 (2011) 1554; ATLAS+CMS, ATL-PHYS-PUB-2011-011, Sec. 2).
// How theta moves a value is set by Uncertainty (Gaussian: linear; LogNormal: exponential).
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace kaonlab {
class RandomStream;
}

namespace kaonlab::stats {

/// Single-event sensitivity SES = 1 / (N_K * A * prod(eff)): the BR that gives one
/// expected signal event. Throws ConfigError unless every factor is > 0 (efficiencies <= 1).
double singleEventSensitivity(double nKaons, double acceptance,
                              std::span<const double> efficiencies = {});
/// Expected signal events N_s = BR / SES.
double expectedEvents(double br, double ses);

enum class ConstraintType {
  Gaussian,  ///< value(theta) = v0 + theta * sigma_(up|down)   (kept >= 0)
  LogNormal  ///< value(theta) = v0 * kappa^theta, kappa_(up|down) = 1 + sigma_(up|down) / v0
};

/// Uncertainty of a background or SES: absolute errors (asymmetric allowed) and the shape
/// of the constraint. Categories whose uncertainties carry the same non-empty `correlation`
/// name share one nuisance parameter (fully correlated), e.g. a common SES normalisation.
struct Uncertainty {
  double up = 0;    ///< absolute error on the + side (>= 0)
  double down = 0;  ///< absolute error on the - side (>= 0)
  ConstraintType type = ConstraintType::Gaussian;
  std::string correlation;  ///< nuisance name shared between categories; empty = own nuisance

  static Uncertainty none() { return {}; }
  static Uncertainty gaussian(double sigma) { return {sigma, sigma, ConstraintType::Gaussian, {}}; }
  static Uncertainty logNormal(double sigma) { return {sigma, sigma, ConstraintType::LogNormal, {}}; }
  static Uncertainty asymmetric(double up, double down, ConstraintType t = ConstraintType::Gaussian) {
    return {up, down, t, {}};
  }
  bool active() const { return up > 0 || down > 0; }
  /// Value at nuisance theta for nominal value v0.
  double apply(double v0, double theta) const;
  /// d value / d theta at theta.
  double derivative(double v0, double theta) const;
  /// Range of theta allowed (keeps a Gaussian-constrained value >= 0; +-10 sigma otherwise).
  double thetaMin(double v0) const;
  double thetaMax() const { return 10.0; }
};

/// One signal region.
struct Category {
  std::string name;
  int observed = 0;        ///< observed events N_obs (>= 0)
  double background = 0;   ///< expected background events (>= 0)
  Uncertainty backgroundError;
  double ses = 0;          ///< single-event sensitivity (> 0)
  Uncertainty sesError;
};

/// Observed counts and auxiliary measurements: the real data set or one pseudo-experiment.
struct CountingData {
  std::vector<double> counts;    ///< one per category (non-integer for Asimov data sets)
  std::vector<double> globals;   ///< one per nuisance parameter (0 for the real data)
};

/// Result of a (conditional or unconditional) maximum-likelihood fit of a CountingExperiment.
struct CountingFit {
  double mu = 0;                 ///< fitted (or fixed) signal events at nominal SES
  std::vector<double> theta;     ///< nuisance parameters at the minimum
  double nll = 0;                ///< -ln L at the minimum (constants dropped)
  bool converged = true;
};

/// Branching ratio from a profile-likelihood fit.
struct BrEstimate {
  double br = 0, brErrorUp = 0, brErrorDown = 0;              ///< BR and its interval half-widths
  double events = 0, eventsErrorUp = 0, eventsErrorDown = 0;  ///< same in signal events
  double cl = 0.6827;        ///< coverage of the interval [br - down, br + up]
  double ses = 0;            ///< combined SES used to convert events to BR
  std::vector<double> theta; ///< nuisance parameters at the best fit
};

/// A counting experiment: one or more categories combined in one Poisson likelihood.
class CountingExperiment {
 public:
  /// Validates every category (throws ConfigError: negative counts or background, SES <= 0,
  /// negative errors, log-normal error with v0 = 0, a Gaussian SES error reaching SES = 0).
  explicit CountingExperiment(std::vector<Category> categories);
  /// One category.
  static CountingExperiment single(int observed, double background, double ses,
                                   Uncertainty backgroundError = {}, Uncertainty sesError = {});

  const std::vector<Category>& categories() const { return categories_; }
  std::size_t size() const { return categories_.size(); }
  std::size_t nuisanceCount() const { return nuisanceNames_.size(); }
  const std::vector<std::string>& nuisanceNames() const { return nuisanceNames_; }
  bool hasNuisances() const { return !nuisanceNames_.empty(); }
  /// SES_comb = 1 / sum_i(1/SES_i): BR = mu * SES_comb.
  double combinedSes() const { return combinedSes_; }
  int totalObserved() const;
  double totalBackground() const;

  /// The observed data (counts of the categories, global observables 0).
  CountingData observedData() const;
  /// Expected count in category i.
  double expected(std::size_t i, double mu, std::span<const double> theta) const;
  /// -ln L(mu, theta) for data (Poisson constant ln n! dropped); grad (size 1 + nuisances,
  /// d/dmu first) is filled when non-empty.
  double nll(double mu, std::span<const double> theta, const CountingData& data,
             std::span<double> grad = {}) const;

  /// Profile over theta at fixed mu.
  CountingFit fitConditional(double mu, const CountingData& data) const;
  /// Fit mu and theta with mu >= muMin (muMin = -inf: only nu_i > 0 required).
  CountingFit fitUnconditional(const CountingData& data, double muMin = 0.0) const;
  /// Smallest mu for which every expected count stays > 0 at nominal nuisances.
  double muLowerBound() const;

  /// Test statistic for upper limits, q~_mu (Cowan et al. 2011, eq. 16): 0 when mu_hat > mu,
  /// with mu_hat constrained to >= 0.
  double qTildeMu(double mu, const CountingData& data) const;
  /// Discovery test statistic q0 (Cowan et al. 2011, eq. 12): 0 when mu_hat <= 0.
  double q0(const CountingData& data) const;

  /// Pseudo-experiment: counts ~ Poisson(nu_i(mu, thetaGen)), globals ~ N(thetaGen, 1).
  CountingData generate(double mu, std::span<const double> thetaGen, RandomStream& rng,
                        bool fluctuateGlobals = true) const;
  /// Asimov data set (Cowan et al. 2011, Sec. 3.2): counts = nu_i(mu, theta), globals = theta.
  CountingData asimov(double mu, std::span<const double> theta) const;
  /// Allowed range of nuisance parameter k (keeps backgrounds >= 0 and SES > 0).
  std::pair<double, double> thetaRange(std::size_t k) const { return thetaRange_[k]; }

  /// Maximum-likelihood BR with its profile-likelihood interval: the points where
  /// -2 ln(L_profile / L_max) = chi2_1 quantile(cl) (1.0 for cl = 0.6827). mu_hat may be
  /// negative (when N_obs < N_bg), reported as it is.
  BrEstimate estimateBr(double cl = 0.682689492137086) const;
  /// -ln L of the observed data profiled over the nuisances at mu.
  double profileNll(double mu) const;

 private:
  std::vector<Category> categories_;
  std::vector<std::string> nuisanceNames_;
  std::vector<int> bgIndex_, sesIndex_;  ///< nuisance index per category, -1 = none
  std::vector<std::pair<double, double>> thetaRange_;
  double combinedSes_ = 0;
};

}  // namespace kaonlab::stats
