#pragma once
// Private helpers of kaonlab::stats: Gauss-Legendre quadrature nodes (Golub-Welsch, from the
// eigen-decomposition of the Jacobi matrix: Golub & Welsch, Math. Comp. 23 (1969) 221) and
// the quadrature used to integrate over a unit-Gaussian nuisance parameter.
#include <Eigen/Dense>
#include <cmath>
#include <vector>

namespace kaonlab::stats::detail {

struct Node {
  double x;
  double w;
};

/// n-point Gauss-Legendre rule on [-1, 1] (weights sum to 2).
inline std::vector<Node> gaussLegendre(int n) {
  Eigen::MatrixXd j = Eigen::MatrixXd::Zero(n, n);
  for (int k = 1; k < n; ++k) {
    const double b = k / std::sqrt(4.0 * k * k - 1.0);
    j(k, k - 1) = j(k - 1, k) = b;
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(j);
  std::vector<Node> nodes(n);
  for (int k = 0; k < n; ++k) {
    const double v0 = es.eigenvectors()(0, k);
    nodes[k] = {es.eigenvalues()(k), 2.0 * v0 * v0};
  }
  return nodes;
}

/// Nodes/weights to integrate g(theta) phi(theta) over [lo, hi] (phi: unit normal density),
/// with `perSide` Gauss-Legendre points on [lo, 0] and on [0, hi] (so that a kink of g at 0,
/// from an asymmetric error, falls on a panel edge). Weights are normalised to sum to 1: the
/// prior truncated to [lo, hi] and renormalised.
inline std::vector<Node> gaussianPriorNodes(double lo, double hi, int perSide) {
  const auto gl = gaussLegendre(perSide);
  std::vector<Node> out;
  double sum = 0;
  auto panel = [&](double a, double b) {
    if (!(b > a)) return;
    const double half = 0.5 * (b - a), mid = 0.5 * (a + b);
    for (const auto& nd : gl) {
      const double x = mid + half * nd.x;
      const double w = half * nd.w * std::exp(-0.5 * x * x);
      out.push_back({x, w});
      sum += w;
    }
  };
  panel(lo, 0.0);
  panel(0.0, hi);
  for (auto& nd : out) nd.w /= sum;
  return out;
}

}  // namespace kaonlab::stats::detail
