#pragma once
// Significance of an excess: the p-value of the background-only hypothesis and its
// conversion to a Gaussian significance Z.
//
// Conventions (stated explicitly everywhere a Z is printed):
//  - The p-value is always the one-sided probability of an excess at least as large as the
//    one observed: p = P(N >= N_obs | background only) for a counting experiment.
//  - One-sided Z: p = 1 - Phi(Z)        (the HEP discovery convention; 3.4 sigma <-> p = 3.4e-4).
//  - Two-sided Z: p = 2 (1 - Phi(Z))    (i.e. Z = Phi^-1(1 - p/2)).
// Cowan, Cranmer, Gross, Vitells, EPJC 71 (2011) 1554, Sec. 2 and eq. (1).
#include <cstdint>
#include <string>

#include "kaonlab/stats/Counting.hpp"

namespace kaonlab::stats {

enum class Sidedness { OneSided, TwoSided };

/// Gaussian significance for a p-value p in (0,1]. Z is negative for p > 0.5 (one-sided).
double pValueToZ(double p, Sidedness sidedness = Sidedness::OneSided);
/// Inverse of pValueToZ (two-sided: p = 2 (1 - Phi(|z|))).
double zToPValue(double z, Sidedness sidedness = Sidedness::OneSided);

struct SignificanceResult {
  double pValue = 1;     ///< one-sided p-value of the background-only hypothesis
  double zOneSided = 0;  ///< Phi^-1(1 - p)
  double zTwoSided = 0;  ///< Phi^-1(1 - p/2)
  double q0 = 0;         ///< observed profile-likelihood test statistic q0 (Cowan eq. 12)
  double pValueError = 0;  ///< binomial error of p (toys only)
  int toys = 0;
  std::string method;    ///< what was computed, human readable
};

/// Discovery significance of a counting experiment.
///
/// Methods:
///  - Exact: single category. p = P(N >= n | b) summed exactly; when the background
///    and/or SES carry an uncertainty it is integrated over its constraint
///    (prior-predictive / Cousins-Highland p-value, NIM A320 (1992) 331), with
///    Gauss-Legendre quadrature on each side of theta = 0 (Gaussian prior truncated where
///    the background would become negative, renormalised). The SES does not enter the
///    background-only hypothesis.
///  - Asymptotic: Z = sqrt(q0) with the profile-likelihood ratio q0 and its nuisance
///    parameters profiled (Cowan et al. 2011, eq. 52 / Wilks' theorem); any number of categories.
///  - Toys: frequentist p = P(q0 >= q0_obs) from pseudo-experiments generated with the
///    nuisance parameters at their background-only conditional estimates and the
///    auxiliary measurements (global observables) fluctuated.
///  - Auto: Exact for one category, Asymptotic otherwise.
class Discovery {
 public:
  enum class Method { Auto, Exact, Asymptotic, Toys };
  struct Config {
    Method method = Method::Auto;
    int toys = 20000;
    std::uint64_t seed = 20190521;
    int quadraturePoints = 40;  ///< Gauss-Legendre nodes per side of theta = 0 (Exact)
  };
  Discovery() : Discovery(Config{}) {}
  explicit Discovery(Config config);  ///< throws ConfigError on invalid settings
  const Config& config() const { return config_; }

  SignificanceResult compute(const CountingExperiment& experiment) const;

 private:
  Config config_;
};

/// Exact Poisson significance with a perfectly known background.
SignificanceResult poissonSignificance(int observed, double background);

}  // namespace kaonlab::stats
