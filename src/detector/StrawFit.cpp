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
using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kChambers, kChambers>;
using Vec = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kChambers, 1>;
using Design = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kChambers, 3>;

/// r^T P r of a generalised least-squares fit: P = C^-1 - C^-1 H (H^T C^-1 H)^-1 H^T C^-1,
/// computed in the whitened frame (C = L L^T) from the normal equations: |rw|^2 - b^T beta
/// with b = Hw^T rw, (Hw^T Hw) beta = b. Lengths in metres keep the normal matrix well
/// conditioned.
double fitResidualChi2(const Eigen::LLT<Mat>& llt, const Design& h, const Vec& r) {
  if (h.rows() <= h.cols()) return 0.0;  // no degree of freedom
  const Design hw = llt.matrixL().solve(h);
  const Vec rw = llt.matrixL().solve(r);
  const Eigen::Matrix<double, Eigen::Dynamic, 1, 0, 3, 1> b = hw.transpose() * rw;
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, 3, 3> a = hw.transpose() * hw;
  return std::max(rw.squaredNorm() - b.dot(a.ldlt().solve(b)), 0.0);
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
  const double zMagnet = cfg_.magnet.zCentre;
  std::array<double, kChambers> z{};
  int n = 0;
  for (int k = 0; k < kChambers; ++k)
    if (mask & (1 << k)) z[static_cast<std::size_t>(n++)] = s.z[static_cast<std::size_t>(k)] / units::m;
  if (n < 3) return 0.0;
  // covariance (m^2): chamber resolution + multiple scattering in every upstream active chamber
  const double theta0 = strawTail_.theta0(pBeta);
  const double sigma = s.chamberSigmaPosition / units::m;
  Mat c = Mat::Identity(n, n) * (sigma * sigma);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      for (int k = i + 1; k < n; ++k) c(j, k) += theta0 * theta0 * (z[j] - z[i]) * (z[k] - z[i]);
  // displacement of the chambers downstream of the kink
  const double zKink = s.z[static_cast<std::size_t>(chamber - 1)] / units::m;
  const double zMagnetM = zMagnet / units::m;
  Vec rx(n), ry(n);
  Design hx(n, 3), hy(n, 2);
  for (int k = 0; k < n; ++k) {
    const double lever = std::max(z[k] - zKink, 0.0);
    rx(k) = dSlopeX * lever;
    ry(k) = dSlopeY * lever;
    hx(k, 0) = hy(k, 0) = 1.0;
    hx(k, 1) = hy(k, 1) = z[k] - z[0];
    hx(k, 2) = std::max(z[k] - zMagnetM, 0.0);  // bending plane: the MNP33 kink
  }
  const Eigen::LLT<Mat> llt(c);
  return fitResidualChi2(llt, hx, rx) + fitResidualChi2(llt, hy, ry);
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
