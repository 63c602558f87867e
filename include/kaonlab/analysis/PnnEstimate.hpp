#pragma once
// Weighted sums and estimates with errors, shared by the pi nu nu analysis
// (PnnAnalysis.hpp) and its upstream-background part (PnnUpstream.hpp).

namespace kaonlab::analysis {

/// Sum of weights with its error.
struct WeightSum {
  double n = 0, w = 0, w2 = 0;
  void add(double x) {
    n += 1;
    w += x;
    w2 += x * x;
  }
  double error() const;  ///< sqrt(sum w^2)
};

struct Estimate {
  double value = 0, error = 0;
};
/// a / b with uncorrelated relative errors.
Estimate ratio(const Estimate& a, const Estimate& b);
/// Efficiency k / n of weighted sums (k a subset of n): binomial error with the effective
/// number of events n_eff = (sum w)^2 / sum w^2.
Estimate efficiency(const WeightSum& k, const WeightSum& n);

}  // namespace kaonlab::analysis
