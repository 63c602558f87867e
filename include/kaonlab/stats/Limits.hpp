#pragma once
// Upper limits and confidence intervals for counting experiments:
//  - CLs (A. L. Read, J. Phys. G 28 (2002) 2693; T. Junk, NIM A434 (1999) 435), as used by
//    NA62 for its LFV/LNV limits: exact for one Poisson count with known background,
//    pseudo-experiments with the profile-likelihood statistic q~_mu when nuisance parameters
//    or several categories are present, and the asymptotic formulae of Cowan, Cranmer,
//    Gross, Vitells, EPJC 71 (2011) 1554.
//  - Feldman-Cousins unified intervals (G. J. Feldman, R. D. Cousins, PRD 57 (1998) 3873).
//  - Bayesian upper limit with a flat prior on the signal (PDG Review "Statistics", 40.4.1).
// Limits are returned both in signal events (mu: total expected signal at the nominal SES)
// and in BR = mu * SES_comb.
#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "kaonlab/stats/Counting.hpp"

namespace kaonlab::stats {

struct Interval {
  double lower = 0;
  double upper = 0;
};

struct LimitResult {
  double events = 0;  ///< upper limit on the signal events (at nominal SES)
  double br = 0;      ///< upper limit on the branching ratio
  double cl = 0.9;
  std::string method;
  /// Expected limit (events) under the background-only hypothesis at the -2,-1,0,+1,+2
  /// sigma quantiles; NaN where not computed (toys).
  std::array<double, 5> expectedEvents{
      std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
      std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
      std::numeric_limits<double>::quiet_NaN()};
  int toys = 0;                 ///< pseudo-experiments per hypothesis (toys only)
  double eventsToyError = 0;    ///< statistical error of the limit from the toys
};

/// CLs upper limits. CLs(mu) = CL_{s+b}(mu) / CL_b(mu) with
///   CL_{s+b} = P(t >= t_obs | mu),  CL_b = P(t >= t_obs | 0),
/// t a test statistic that grows for more background-like data; the limit is the mu where
/// CLs = 1 - CL. For one Poisson count t orders by N and
///   CLs = P(N <= n | mu + b) / P(N <= n | b)          (Read 2002, eq. 4).
/// Nuisance parameters (background and SES uncertainties) are treated in one of two ways:
///  - hybrid (Cousins-Highland; Junk 1999, ROOT TLimit; the NA62 LFV/LNV treatment): the
///    probabilities are averaged over the constraints of the nuisances (prior-predictive);
///  - profiled (LHC style, ATL-PHYS-PUB-2011-011): t = q~_mu with the nuisances profiled and the
///    auxiliary measurements fluctuated in the toys. For very small counts this breaks the ties
///    of the discrete N with the continuous auxiliary measurements, which can make the limit
///    lower than without any uncertainty; prefer the hybrid method there.
class ClsLimit {
 public:
  enum class Method {
    Auto,         ///< Exact for one category, HybridToys for several
    Exact,        ///< one category: Read's formula, nuisances integrated over their constraints
                  ///< by quadrature (deterministic hybrid CLs)
    HybridToys,   ///< pseudo-experiments, t = -2 ln Q = 2 sum_i [s_i - n_i ln(1 + s_i/b_i)] at the
                  ///< nominal s_i, b_i (LEP), nuisances drawn from their constraints per toy
    ProfileToys,  ///< pseudo-experiments, t = q~_mu, nuisances profiled (LHC-style)
    Asymptotic    ///< Cowan et al. 2011, eqs. (65)-(66) with the Asimov data set
  };
  struct Config {
    double cl = 0.90;
    Method method = Method::Auto;
    int toys = 2000;              ///< per hypothesis and per tested mu
    std::uint64_t seed = 20190521;
    double relTolerance = 1e-6;   ///< on the limit (Exact, Asymptotic); toys stop at 1e-3
    int quadraturePoints = 20;    ///< Gauss-Legendre nodes per side of theta = 0 (Exact)
  };
  ClsLimit() : ClsLimit(Config{}) {}
  explicit ClsLimit(Config config);  ///< throws ConfigError (cl outside (0,1), toys < 10)
  const Config& config() const { return config_; }

  LimitResult upperLimit(const CountingExperiment& experiment) const;
  /// CLs at signal mu (events), with the method chosen as in upperLimit.
  double cls(const CountingExperiment& experiment, double mu) const;

  /// Exact CLs upper limit (events) for one Poisson count with known background.
  static double exactPoisson(int observed, double background, double cl);
  /// Method actually used for this experiment (resolves Auto; throws ConfigError when the
  /// requested method cannot handle the experiment).
  Method resolve(const CountingExperiment& experiment) const;
  static const char* toString(Method method);
  /// Asymptotic CLs at mu for a counting experiment (q~_mu and the Asimov data set).
  static double asymptoticCls(const CountingExperiment& experiment, double mu);

 private:
  Config config_;
};

/// Feldman-Cousins unified intervals for a Poisson signal mean with known background.
/// Ordering principle: R(n) = P(n | mu + b) / P(n | mu_best + b), mu_best = max(0, n - b);
/// the acceptance region for mu collects n in decreasing R until the probability is >= CL.
/// With monotoneInBackground the interval for (n, b) uses, for each end, the largest value
/// found over backgrounds b' in [b, b + backgroundWindow], removing the discreteness
/// pathology where the upper limit rises with b (FC 1998, Sec. IV.B); the paper's
/// Table IV/V are computed that way.
class FeldmanCousins {
 public:
  struct Config {
    double cl = 0.90;
    bool monotoneInBackground = true;
    double backgroundWindow = 1.0;
    double backgroundStep = 0.005;
    double muTolerance = 1e-7;
  };
  FeldmanCousins() : FeldmanCousins(Config{}) {}
  explicit FeldmanCousins(Config config);  ///< throws ConfigError on invalid settings
  const Config& config() const { return config_; }

  /// Interval [lower, upper] on the signal mean for n observed, background b.
  Interval interval(int observed, double background) const;
  /// Interval without the background-monotonicity correction (the raw belt).
  Interval rawInterval(int observed, double background) const;
  /// Acceptance region [n1, n2] of the belt at signal mean mu.
  std::pair<int, int> acceptanceRegion(double mu, double background) const;

 private:
  Config config_;
};

/// Bayesian upper limit with a flat prior on mu >= 0 (PDG Statistics review, eq. 40.58):
/// CL = int_0^mu_up L(mu) dmu / int_0^inf L(mu) dmu. For one count with known background
/// this is closed form:  mu_up = Q^-1(n + 1, (1 - CL) Q(n + 1, b)) - b  (Q: regularised
/// upper incomplete gamma), i.e. -ln(1 - CL) for n = b = 0. Nuisance parameters are
/// marginalised over their unit-Gaussian constraints (product Gauss-Legendre quadrature,
/// split at theta = 0, truncated where a value would become negative; at most 3 nuisances).
class BayesianLimit {
 public:
  struct Config {
    double cl = 0.90;
    int quadraturePoints = 16;  ///< Gauss-Legendre nodes per side of theta = 0, per nuisance
  };
  BayesianLimit() : BayesianLimit(Config{}) {}
  explicit BayesianLimit(Config config);
  const Config& config() const { return config_; }

  static double poisson(int observed, double background, double cl);
  LimitResult upperLimit(const CountingExperiment& experiment) const;

 private:
  Config config_;
};

}  // namespace kaonlab::stats
