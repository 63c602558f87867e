#pragma once
// Poisson and normal distribution helpers shared by the statistics engine: probabilities,
// tail sums, quantiles and sampling by inversion from one uniform number.
//
// Tail sums use the regularised incomplete gamma functions (Boost.Math):
//   P(N <= n | mu) = Q(n + 1, mu),   P(N >= n | mu) = P(n, mu)  (n >= 1),
// which are exact to double precision for any mean (no term-by-term summation).
#include <cstdint>

namespace kaonlab {
class RandomStream;
}

namespace kaonlab::stats {

/// P(N = n | mu) for a Poisson mean mu >= 0 (mu = 0 gives 1 for n = 0).
double poissonPmf(int n, double mu);
/// ln P(N = n | mu); -inf where the probability is 0.
double poissonLogPmf(int n, double mu);
/// Lower tail P(N <= n | mu) (0 for n < 0).
double poissonCdf(int n, double mu);
/// Upper tail P(N >= n | mu) (1 for n <= 0).
double poissonUpperTail(int n, double mu);
/// Smallest k with P(N <= k | mu) >= u, u in (0,1): inversion sampling. Monotone in mu for
/// fixed u, so toys drawn from the same uniform numbers vary smoothly with the hypothesis.
int poissonQuantile(double u, double mu);
/// One Poisson variate by inversion from rng.uniform().
int samplePoisson(RandomStream& rng, double mu);

/// Standard normal CDF Phi(z).
double normalCdf(double z);
/// Upper tail 1 - Phi(z), accurate far in the tail.
double normalUpperTail(double z);
/// Phi^-1(p), p in (0,1).
double normalQuantile(double p);
/// Quantile of the chi2 distribution with ndf degrees of freedom.
double chi2Quantile(double p, double ndf);
/// Upper tail P(chi2_ndf >= x).
double chi2UpperTail(double x, double ndf);

}  // namespace kaonlab::stats
