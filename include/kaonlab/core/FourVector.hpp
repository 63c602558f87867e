#pragma once
// Plain 3- and 4-vectors (GeV, mm, ns) with the kinematics kaonlab needs: invariant
// mass, boosts, rotations. Metric (+,-,-,-). Value types, no allocation.
#include <cmath>

namespace kaonlab {

struct Vector3 {
  double x = 0, y = 0, z = 0;

  constexpr Vector3() = default;
  constexpr Vector3(double x_, double y_, double z_) : x(x_), y(y_), z(z_) {}

  constexpr Vector3 operator+(const Vector3& o) const { return {x + o.x, y + o.y, z + o.z}; }
  constexpr Vector3 operator-(const Vector3& o) const { return {x - o.x, y - o.y, z - o.z}; }
  constexpr Vector3 operator-() const { return {-x, -y, -z}; }
  constexpr Vector3 operator*(double s) const { return {x * s, y * s, z * s}; }
  constexpr Vector3 operator/(double s) const { return {x / s, y / s, z / s}; }
  constexpr Vector3& operator+=(const Vector3& o) { x += o.x; y += o.y; z += o.z; return *this; }
  constexpr Vector3& operator-=(const Vector3& o) { x -= o.x; y -= o.y; z -= o.z; return *this; }
  constexpr Vector3& operator*=(double s) { x *= s; y *= s; z *= s; return *this; }
  constexpr double dot(const Vector3& o) const { return x * o.x + y * o.y + z * o.z; }
  constexpr Vector3 cross(const Vector3& o) const {
    return {y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x};
  }
  constexpr double mag2() const { return x * x + y * y + z * z; }
  double mag() const { return std::sqrt(mag2()); }
  double perp() const { return std::hypot(x, y); }
  Vector3 unit() const {
    const double r = mag();
    return r > 0 ? *this / r : Vector3{};
  }
};

inline constexpr Vector3 operator*(double s, const Vector3& v) { return v * s; }

/// Four-momentum (px, py, pz, E) or four-position (x, y, z, t) in the same layout.
struct FourVector {
  double px = 0, py = 0, pz = 0, e = 0;

  constexpr FourVector() = default;
  constexpr FourVector(double px_, double py_, double pz_, double e_) : px(px_), py(py_), pz(pz_), e(e_) {}
  constexpr FourVector(const Vector3& p, double e_) : px(p.x), py(p.y), pz(p.z), e(e_) {}

  /// A particle of mass m with 3-momentum p (E = sqrt(p^2 + m^2)).
  static FourVector fromMass(const Vector3& p, double m) { return {p, std::sqrt(p.mag2() + m * m)}; }

  constexpr Vector3 vec() const { return {px, py, pz}; }
  constexpr FourVector operator+(const FourVector& o) const { return {px + o.px, py + o.py, pz + o.pz, e + o.e}; }
  constexpr FourVector operator-(const FourVector& o) const { return {px - o.px, py - o.py, pz - o.pz, e - o.e}; }
  constexpr FourVector operator*(double s) const { return {px * s, py * s, pz * s, e * s}; }
  constexpr FourVector& operator+=(const FourVector& o) { px += o.px; py += o.py; pz += o.pz; e += o.e; return *this; }
  constexpr FourVector& operator-=(const FourVector& o) { px -= o.px; py -= o.py; pz -= o.pz; e -= o.e; return *this; }

  /// Minkowski product with metric (+,-,-,-).
  constexpr double dot(const FourVector& o) const { return e * o.e - px * o.px - py * o.py - pz * o.pz; }
  constexpr double m2() const { return dot(*this); }
  /// Invariant mass; negative m2 (numerical noise) gives -sqrt(-m2).
  double m() const {
    const double q = m2();
    return q >= 0 ? std::sqrt(q) : -std::sqrt(-q);
  }
  constexpr double p2() const { return px * px + py * py + pz * pz; }
  double p() const { return std::sqrt(p2()); }
  double pt() const { return std::hypot(px, py); }
  /// Velocity vector beta = p / E.
  constexpr Vector3 beta() const { return {px / e, py / e, pz / e}; }

  /// Lorentz boost by velocity b (|b| < 1): a particle at rest goes to momentum gamma*m*b.
  FourVector boosted(const Vector3& b) const {
    const double b2 = b.mag2();
    if (b2 <= 0) return *this;
    const double gamma = 1.0 / std::sqrt(1.0 - b2);
    const double bp = b.x * px + b.y * py + b.z * pz;
    const double gamma2 = (gamma - 1.0) / b2;
    const double k = gamma2 * bp + gamma * e;
    return {px + k * b.x, py + k * b.y, pz + k * b.z, gamma * (e + bp)};
  }
};

/// Kallen triangle function lambda(a,b,c) = a^2 + b^2 + c^2 - 2ab - 2ac - 2bc.
constexpr double kallen(double a, double b, double c) {
  return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c);
}

/// Momentum of either daughter in the two-body decay M -> m1 m2 (rest frame of M).
/// Returns 0 below threshold.
inline double twoBodyMomentum(double M, double m1, double m2) {
  const double l = kallen(M * M, m1 * m1, m2 * m2);
  return l > 0 ? std::sqrt(l) / (2.0 * M) : 0.0;
}

}  // namespace kaonlab
