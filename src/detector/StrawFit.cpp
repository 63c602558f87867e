// STRAW track chi2 of the fast simulation (docs/detector.md "STRAW track chi2"): the residual
// of the NA62 track model after a hard single scatter, and the chi2 of a simulated track.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cmath>

#include "kaonlab/core/Units.hpp"
#include "kaonlab/detector/FastSimulation.hpp"

namespace kaonlab::detector {

namespace {
constexpr int kChambers = 4;

/// r^T P r of a generalised least-squares fit: P = C^-1 - C^-1 H (H^T C^-1 H)^-1 H^T C^-1,
/// computed in the whitened frame (C = L L^T) from the normal equations: |rw|^2 - b^T beta
/// with b = Hw^T rw, (Hw^T Hw) beta = b. Lengths in metres keep the normal matrix well
/// conditioned. Fixed sizes (N chambers, K parameters): no dynamic-size loops.
template <int N, int K>
double fitResidualChi2(const Eigen::LLT<Eigen::Matrix<double, N, N>>& llt, const Eigen::Matrix<double, N, K>& h,
                       const Eigen::Matrix<double, N, 1>& r) {
  if constexpr (N <= K) {
    return 0.0;  // no degree of freedom
  } else {
    const Eigen::Matrix<double, N, K> hw = llt.matrixL().solve(h);
    const Eigen::Matrix<double, N, 1> rw = llt.matrixL().solve(r);
    const Eigen::Matrix<double, K, 1> b = hw.transpose() * rw;
    const Eigen::Matrix<double, K, K> a = hw.transpose() * hw;
    return std::max(rw.squaredNorm() - b.dot(a.ldlt().solve(b)), 0.0);
  }
}

/// The kink residual for N active chambers at z (m): covariance = chamber resolution sigma (m)
/// + multiple scattering theta0 in every upstream active chamber; the chambers downstream of
/// zKink are displaced by the slope change (dx, dy) times their distance to it.
template <int N>
double kinkResidualChi2(const std::array<double, kChambers>& z, double sigma, double theta0, double zKink,
                        double zMagnet, double dx, double dy) {
  Eigen::Matrix<double, N, N> c = Eigen::Matrix<double, N, N>::Identity() * (sigma * sigma);
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j)
      for (int k = i + 1; k < N; ++k) c(j, k) += theta0 * theta0 * (z[j] - z[i]) * (z[k] - z[i]);
  Eigen::Matrix<double, N, 1> rx, ry;
  Eigen::Matrix<double, N, 3> hx;
  Eigen::Matrix<double, N, 2> hy;
  for (int k = 0; k < N; ++k) {
    const double lever = std::max(z[k] - zKink, 0.0);
    rx(k) = dx * lever;
    ry(k) = dy * lever;
    hx(k, 0) = hy(k, 0) = 1.0;
    hx(k, 1) = hy(k, 1) = z[k] - z[0];
    hx(k, 2) = std::max(z[k] - zMagnet, 0.0);  // bending plane: the MNP33 kink
  }
  const Eigen::LLT<Eigen::Matrix<double, N, N>> llt(c);
  return fitResidualChi2<N, 3>(llt, hx, rx) + fitResidualChi2<N, 2>(llt, hy, ry);
}
}  // namespace

int FastSimulation::strawFitNdf(int mask) {
  const int n = std::popcount(static_cast<unsigned>(mask & 0b1111));
  return std::max(n - 3, 0) + std::max(n - 2, 0);
}

double FastSimulation::strawKinkChi2(int mask, int chamber, double dSlopeX, double dSlopeY, double pBeta) const {
  // a kink in STRAW1 (or none) is a new direction of the whole measured track: no residual
  if (chamber < 2 || chamber > kChambers) return 0.0;
  const auto& s = cfg_.straw;
  std::array<double, kChambers> z{};
  int n = 0;
  for (int k = 0; k < kChambers; ++k)
    if (mask & (1 << k)) z[static_cast<std::size_t>(n++)] = s.z[static_cast<std::size_t>(k)] / units::m;
  const double theta0 = strawTail_.theta0(pBeta);
  const double sigma = s.chamberSigmaPosition / units::m;
  const double zKink = s.z[static_cast<std::size_t>(chamber - 1)] / units::m;
  const double zMagnet = cfg_.magnet.zCentre / units::m;
  if (n == kChambers) return kinkResidualChi2<kChambers>(z, sigma, theta0, zKink, zMagnet, dSlopeX, dSlopeY);
  if (n == kChambers - 1) return kinkResidualChi2<kChambers - 1>(z, sigma, theta0, zKink, zMagnet, dSlopeX, dSlopeY);
  return 0.0;  // fewer than 3 chambers: no degree of freedom
}

double FastSimulation::strawTrackChi2(int mask, double lambda, RandomStream& rng) {
  // non-central chi2(ndf, lambda): (sqrt(lambda) + g1)^2 + g2^2 + ... (exact)
  const int ndf = strawFitNdf(mask);
  if (ndf == 0) return 0.0;
  const double g1 = std::sqrt(lambda) + rng.gaussian();
  double chi2 = g1 * g1;
  for (int i = 1; i < ndf; ++i) {
    const double g = rng.gaussian();
    chi2 += g * g;
  }
  return chi2;
}

}  // namespace kaonlab::detector
