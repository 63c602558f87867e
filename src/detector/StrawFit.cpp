// STRAW track chi2 of the fast simulation (docs/detector.md "STRAW track chi2"): the residual
// of the NA62 track model after a hard single scatter, and the chi2 of a simulated track.
#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <bit>
#include <cmath>

#include "kaonlab/detector/FastSimulation.hpp"

namespace kaonlab::detector {

namespace {
constexpr int kChambers = 4;
using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kChambers, kChambers>;
using Vec = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kChambers, 1>;
using Design = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kChambers, 3>;

/// r^T P r of a generalised least-squares fit: P = C^-1 - C^-1 H (H^T C^-1 H)^-1 H^T C^-1,
/// computed in the whitened frame (C = L L^T): |W r - W H beta|^2 at the best beta.
double fitResidualChi2(const Mat& c, const Design& h, const Vec& r) {
  if (h.rows() <= h.cols()) return 0.0;  // no degree of freedom
  const Eigen::LLT<Mat> llt(c);
  const Design hw = llt.matrixL().solve(h);
  const Vec rw = llt.matrixL().solve(r);
  const Eigen::Matrix<double, Eigen::Dynamic, 1, 0, 3, 1> beta = hw.colPivHouseholderQr().solve(rw);
  return (rw - hw * beta).squaredNorm();
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
    if (mask & (1 << k)) z[static_cast<std::size_t>(n++)] = s.z[static_cast<std::size_t>(k)];
  if (n < 3) return 0.0;
  // covariance: chamber resolution + multiple scattering in every upstream active chamber
  const double theta0 = strawTail_.theta0(pBeta);
  Mat c = Mat::Identity(n, n) * (s.chamberSigmaPosition * s.chamberSigmaPosition);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      for (int k = i + 1; k < n; ++k) c(j, k) += theta0 * theta0 * (z[j] - z[i]) * (z[k] - z[i]);
  // displacement of the chambers downstream of the kink
  const double zKink = s.z[static_cast<std::size_t>(chamber - 1)];
  Vec rx(n), ry(n);
  Design hx(n, 3), hy(n, 2);
  for (int k = 0; k < n; ++k) {
    const double lever = std::max(z[k] - zKink, 0.0);
    rx(k) = dSlopeX * lever;
    ry(k) = dSlopeY * lever;
    hx(k, 0) = hy(k, 0) = 1.0;
    hx(k, 1) = hy(k, 1) = z[k] - z[0];
    hx(k, 2) = std::max(z[k] - zMagnet, 0.0);  // bending plane: the MNP33 kink
  }
  return fitResidualChi2(c, hx, rx) + fitResidualChi2(c, hy, ry);
}

double FastSimulation::strawTrackChi2(int mask, double lambda, std::uint64_t eventIndex, int truthIndex) const {
  // non-central chi2(ndf, lambda): (sqrt(lambda) + g1)^2 + g2^2 + ... (exact)
  const int ndf = strawFitNdf(mask);
  if (ndf == 0) return 0.0;
  static constexpr std::uint64_t kStrawFitStream = streamId("straw-fit");
  RandomStream rng(cfg_.seed, kStrawFitStream, eventIndex, static_cast<std::uint64_t>(truthIndex));
  const double g1 = std::sqrt(lambda) + rng.gaussian();
  double chi2 = g1 * g1;
  for (int i = 1; i < ndf; ++i) {
    const double g = rng.gaussian();
    chi2 += g * g;
  }
  return chi2;
}

}  // namespace kaonlab::detector
