#include "kaonlab/generator/PhaseSpace.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace kaonlab::generator {

using constants::pi;
using constants::two_pi;

namespace {
/// Orthonormal basis (e1, e2, axis), e1 rotated by psi about axis.
struct Basis {
  Vector3 e1, e2, e3;
  Basis(const Vector3& axis, double psi) : e3(axis) {
    const Vector3 helper = std::abs(axis.z) < 0.9 ? Vector3{0, 0, 1} : Vector3{1, 0, 0};
    const Vector3 a = helper.cross(axis).unit();
    const Vector3 b = axis.cross(a);
    const double c = std::cos(psi), s = std::sin(psi);
    e1 = a * c + b * s;
    e2 = b * c - a * s;
  }
  Vector3 operator()(const Vector3& v) const { return e1 * v.x + e2 * v.y + e3 * v.z; }
};
}  // namespace

Vector3 rotateFromFrame(const Vector3& v, const Vector3& axis, double psi) { return Basis(axis, psi)(v); }

void twoBodyAlong(double M, double m1, double m2, const Vector3& dir1, FourVector& p1,
                  FourVector& p2) {
  const double p = twoBodyMomentum(M, m1, m2);
  const Vector3 v = dir1 * p;
  p1 = FourVector::fromMass(v, m1);
  p2 = FourVector::fromMass(-v, m2);
}

void twoBody(double M, double m1, double m2, RandomStream& rng, FourVector& p1, FourVector& p2) {
  twoBodyAlong(M, m1, m2, rng.isotropic(), p1, p2);
}

// ---------------------------------------------------------------------------------------
ThreeBodyDalitz::ThreeBodyDalitz(double M, double m1, double m2, double m3)
    : M_(M), m_{m1, m2, m3} {
  if (M <= m1 + m2 + m3) throw std::invalid_argument("ThreeBodyDalitz: decay below threshold");
  m12Min_ = (m1 + m2) * (m1 + m2);
  m12Max_ = (M - m3) * (M - m3);
  m23Min_ = (m2 + m3) * (m2 + m3);
  m23Max_ = (M - m1) * (M - m1);
}

bool ThreeBodyDalitz::inside(double m12sq, double m23sq, Point& pt) const {
  const double M2 = M_ * M_;
  const double s1 = m_[0] * m_[0], s2 = m_[1] * m_[1], s3 = m_[2] * m_[2];
  const double m13sq = M2 + s1 + s2 + s3 - m12sq - m23sq;
  const double e1 = (M2 + s1 - m23sq) / (2.0 * M_);
  const double e2 = (M2 + s2 - m13sq) / (2.0 * M_);
  const double e3 = (M2 + s3 - m12sq) / (2.0 * M_);
  const double q1 = e1 * e1 - s1, q2 = e2 * e2 - s2, q3 = e3 * e3 - s3;
  if (e1 < m_[0] || e2 < m_[1] || e3 < m_[2]) return false;
  // |p2|^2 = |p1|^2 + |p3|^2 + 2 p1.p3  with |cos13| <= 1
  const double d = q2 - q1 - q3;
  if (d * d > 4.0 * q1 * q3) return false;
  pt = Point{m12sq, m23sq, m13sq, e1, e2, e3};
  return true;
}

ThreeBodyDalitz::Point ThreeBodyDalitz::unchecked(double m12sq, double m23sq) const {
  const double M2 = M_ * M_;
  const double s1 = m_[0] * m_[0], s2 = m_[1] * m_[1], s3 = m_[2] * m_[2];
  const double m13sq = M2 + s1 + s2 + s3 - m12sq - m23sq;
  return Point{m12sq, m23sq, m13sq, (M2 + s1 - m23sq) / (2.0 * M_), (M2 + s2 - m13sq) / (2.0 * M_),
               (M2 + s3 - m12sq) / (2.0 * M_)};
}

std::pair<double, double> ThreeBodyDalitz::m23Range(double m12sq) const {
  const double m12 = std::sqrt(m12sq);
  const double s1 = m_[0] * m_[0], s2 = m_[1] * m_[1], s3 = m_[2] * m_[2];
  const double e2 = (m12sq - s1 + s2) / (2.0 * m12);
  const double e3 = (M_ * M_ - m12sq - s3) / (2.0 * m12);
  const double q2 = std::sqrt(std::max(0.0, e2 * e2 - s2));
  const double q3 = std::sqrt(std::max(0.0, e3 * e3 - s3));
  return {(e2 + e3) * (e2 + e3) - (q2 + q3) * (q2 + q3), (e2 + e3) * (e2 + e3) - (q2 - q3) * (q2 - q3)};
}

ThreeBodyDalitz::Point ThreeBodyDalitz::samplePoint(RandomStream& rng) const {
  Point pt{};
  for (;;) {
    const double m12sq = m12Min_ + (m12Max_ - m12Min_) * rng.uniform();
    const double m23sq = m23Min_ + (m23Max_ - m23Min_) * rng.uniform();
    if (inside(m12sq, m23sq, pt)) return pt;
  }
}

void ThreeBodyDalitz::momentaOriented(const Point& pt, const Vector3& axis, double psi,
                                      FourVector& p1, FourVector& p2, FourVector& p3) const {
  const double q1 = std::sqrt(std::max(0.0, pt.e1 * pt.e1 - m_[0] * m_[0]));
  const double q2sq = std::max(0.0, pt.e2 * pt.e2 - m_[1] * m_[1]);
  const double q3 = std::sqrt(std::max(0.0, pt.e3 * pt.e3 - m_[2] * m_[2]));
  double cos13 = (q1 > 0 && q3 > 0) ? (q2sq - q1 * q1 - q3 * q3) / (2.0 * q1 * q3) : 1.0;
  cos13 = std::clamp(cos13, -1.0, 1.0);
  const double sin13 = std::sqrt(1.0 - cos13 * cos13);
  const Basis frame(axis, psi);
  const Vector3 v1 = frame.e3 * q1;
  const Vector3 v3 = frame({q3 * sin13, 0, q3 * cos13});
  p1 = FourVector(v1, pt.e1);
  p3 = FourVector(v3, pt.e3);
  p2 = FourVector(-(v1 + v3), pt.e2);
}

void ThreeBodyDalitz::momenta(const Point& pt, RandomStream& rng, FourVector& p1, FourVector& p2,
                              FourVector& p3) const {
  const Vector3 axis = rng.isotropic();
  const double psi = two_pi * rng.uniform();
  momentaOriented(pt, axis, psi, p1, p2, p3);
}

// ---------------------------------------------------------------------------------------
void buildAliasTable(const std::vector<double>& weights, std::vector<double>& prob,
                     std::vector<std::uint32_t>& alias) {
  // Walker's alias method (Vose's stable construction)
  const std::size_t n = weights.size();
  double total = 0;
  for (double w : weights) total += w;
  prob.assign(n, 1.0);
  alias.resize(n);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    alias[i] = static_cast<std::uint32_t>(i);
    scaled[i] = weights[i] * n / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const auto s = small.back();
    small.pop_back();
    const auto l = large.back();
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (auto i : small) prob[i] = 1.0;
  for (auto i : large) prob[i] = 1.0;
}

// ---------------------------------------------------------------------------------------
DalitzEnvelope::DalitzEnvelope(const ThreeBodyDalitz& dalitz, const Density& density, int nx, int ny,
                               int gridPerCell, double margin)
    : dalitz_(dalitz), nx_(nx), ny_(ny) {
  if (nx < 1 || ny < 1 || gridPerCell < 1 || margin < 0) throw std::invalid_argument("DalitzEnvelope: bad grid");
  x0_ = dalitz.m12sqMin();
  y0_ = dalitz.m23sqMin();
  dx_ = (dalitz.m12sqMax() - x0_) / nx;
  dy_ = (dalitz.m23sqMax() - y0_) / ny;
  const std::size_t n = static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny);
  cellMax_.assign(n, 0.0);
  std::vector<char> touches(n, 0);
  for (int iy = 0; iy < ny; ++iy) {
    for (int ix = 0; ix < nx; ++ix) {
      const std::size_t c = static_cast<std::size_t>(iy) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(ix);
      double wmax = 0.0;
      for (int a = 0; a <= gridPerCell; ++a) {
        for (int b = 0; b <= gridPerCell; ++b) {
          const double m12 = x0_ + (ix + static_cast<double>(a) / gridPerCell) * dx_;
          const double m23 = y0_ + (iy + static_cast<double>(b) / gridPerCell) * dy_;
          ThreeBodyDalitz::Point pt;
          if (dalitz.inside(m12, m23, pt)) touches[c] = 1;
          wmax = std::max(wmax, density(dalitz.unchecked(m12, m23)));
        }
      }
      cellMax_[c] = wmax * (1.0 + margin);
    }
  }
  // A cell carries its envelope when it or a neighbour has a grid point inside the (convex)
  // Dalitz region, so that slivers of the region between grid points are still covered.
  std::vector<double> mass(n, 0.0);
  for (int iy = 0; iy < ny; ++iy)
    for (int ix = 0; ix < nx; ++ix)
      for (int jy = std::max(0, iy - 1); jy <= std::min(ny - 1, iy + 1); ++jy)
        for (int jx = std::max(0, ix - 1); jx <= std::min(nx - 1, ix + 1); ++jx)
          if (touches[static_cast<std::size_t>(jy) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(jx)]) {
            const std::size_t c = static_cast<std::size_t>(iy) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(ix);
            mass[c] = cellMax_[c];
          }
  double total = 0;
  for (double v : mass) total += v;
  if (!(total > 0)) throw std::invalid_argument("DalitzEnvelope: density vanishes everywhere");
  buildAliasTable(mass, aliasProb_, alias_);
}

// ---------------------------------------------------------------------------------------
Genbod::Genbod(double M, std::span<const double> masses) : M_(M), n_(static_cast<int>(masses.size())) {
  if (n_ < 2 || n_ > kMaxBodies) throw std::invalid_argument("Genbod: 2..8 bodies supported");
  double sum = 0;
  for (int i = 0; i < n_; ++i) {
    m_[i] = masses[i];
    sum += masses[i];
  }
  kinetic_ = M - sum;
  if (kinetic_ <= 0) throw std::invalid_argument("Genbod: decay below threshold");
  // GENBOD's (non-tight) upper bound of prod p*_k (genbod.F; ROOT TGenPhaseSpace).
  double emmax = kinetic_ + m_[0];
  double emmin = 0.0;
  double wtmax = 1.0;
  for (int i = 1; i < n_; ++i) {
    emmin += m_[i - 1];
    emmax += m_[i];
    wtmax *= twoBodyMomentum(emmax, emmin, m_[i]);
  }
  wtMaxInv_ = 1.0 / wtmax;
  // "Fermi" normalisation (genbod.F, KGENEV = 2): R_n = <prod p*> T^{n-2} pi (2pi)^{n-2}/(n-2)!/M
  double ffq = pi;
  for (int k = 1; k <= n_ - 2; ++k) ffq *= two_pi / k;
  volumeFactor_ = wtmax * std::pow(kinetic_, n_ - 2) * ffq / M;
}

double Genbod::generate(RandomStream& rng, std::span<FourVector> out) const {
  std::array<double, kMaxBodies> rno{};
  rno[0] = 0.0;
  for (int i = 1; i < n_ - 1; ++i) rno[i] = rng.uniform();
  rno[n_ - 1] = 1.0;
  for (int i = 2; i < n_ - 1; ++i) {  // insertion sort of the n-2 inner values
    const double v = rno[i];
    int j = i - 1;
    for (; j >= 1 && rno[j] > v; --j) rno[j + 1] = rno[j];
    rno[j + 1] = v;
  }

  std::array<double, kMaxBodies> invMas{};
  double sum = 0;
  for (int i = 0; i < n_; ++i) {
    sum += m_[i];
    invMas[i] = rno[i] * kinetic_ + sum;
  }
  std::array<double, kMaxBodies> pd{};
  double w = wtMaxInv_;
  for (int i = 0; i < n_ - 1; ++i) {
    pd[i] = twoBodyMomentum(invMas[i + 1], invMas[i], m_[i + 1]);
    w *= pd[i];
  }

  // Build momenta: subsystem i recoils against particle i+1 along y, then random rotation.
  out[0] = FourVector(0, pd[0], 0, std::sqrt(pd[0] * pd[0] + m_[0] * m_[0]));
  out[1] = FourVector(0, -pd[0], 0, std::sqrt(pd[0] * pd[0] + m_[1] * m_[1]));
  for (int i = 1;; ++i) {
    const double cZ = 2.0 * rng.uniform() - 1.0;
    const double sZ = std::sqrt(std::max(0.0, 1.0 - cZ * cZ));
    const double angY = two_pi * rng.uniform();
    const double cY = std::cos(angY), sY = std::sin(angY);
    for (int j = 0; j <= i; ++j) {
      FourVector& v = out[j];
      const double x = v.px, y = v.py;
      v.px = cZ * x - sZ * y;
      v.py = sZ * x + cZ * y;
      const double x2 = v.px, z = v.pz;
      v.px = cY * x2 - sY * z;
      v.pz = sY * x2 + cY * z;
    }
    if (i == n_ - 1) break;
    const double beta = pd[i] / std::sqrt(pd[i] * pd[i] + invMas[i] * invMas[i]);
    for (int j = 0; j <= i; ++j) out[j] = out[j].boosted({0, beta, 0});
    out[i + 1] = FourVector(0, -pd[i], 0, std::sqrt(pd[i] * pd[i] + m_[i + 1] * m_[i + 1]));
  }
  return w;
}

}  // namespace kaonlab::generator
