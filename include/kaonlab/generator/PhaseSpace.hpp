#pragma once
// Phase-space generators.
//  * twoBody: isotropic two-body decay.
//  * ThreeBodyDalitz: direct sampling of uniform 3-body phase space, i.e. uniform in the
//    Dalitz plane (m12^2, m23^2) (PDG Kinematics review; kaon-physics.md section 7.2),
//    then a uniformly random orientation.
//  * Genbod: n-body phase space by the Raubold-Lynch method (F. James, CERN 68-15;
//    CERNLIB W515; kaon-physics.md section 7.1) with its weight normalised to <= 1.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>
#include <span>

#include "kaonlab/core/FourVector.hpp"
#include "kaonlab/core/Random.hpp"

namespace kaonlab::generator {

/// Rotate v from a frame whose z axis is `axis` (unit) and whose x axis is rotated by psi
/// about it, to the lab frame.
Vector3 rotateFromFrame(const Vector3& v, const Vector3& axis, double psi);

/// Two-body decay at rest of mass M into m1 (returned first) and m2, isotropic.
void twoBody(double M, double m1, double m2, RandomStream& rng, FourVector& p1, FourVector& p2);

/// Two-body decay at rest with the direction of particle 1 given (unit vector).
void twoBodyAlong(double M, double m1, double m2, const Vector3& dir1, FourVector& p1, FourVector& p2);

/// Uniform three-body phase space for M -> m1 m2 m3 by Dalitz-plane sampling.
class ThreeBodyDalitz {
 public:
  struct Point {
    double m12sq, m23sq, m13sq;  ///< invariant masses squared (GeV^2)
    double e1, e2, e3;           ///< energies in the parent rest frame
  };

  ThreeBodyDalitz(double M, double m1, double m2, double m3);

  /// Whether (m12^2, m23^2) lies inside the kinematic boundary (with energies filled).
  bool inside(double m12sq, double m23sq, Point& point) const;
  /// The point's invariants and energies without the boundary check (for envelopes).
  Point unchecked(double m12sq, double m23sq) const;
  /// Draw a point uniformly inside the Dalitz region (box + boundary rejection).
  Point samplePoint(RandomStream& rng) const;
  /// Build momenta for a point with a uniformly random orientation.
  void momenta(const Point& point, RandomStream& rng, FourVector& p1, FourVector& p2,
               FourVector& p3) const;
  /// Momenta for a point with particle 1 along `axis` and the decay plane rotated by psi.
  void momentaOriented(const Point& point, const Vector3& axis, double psi, FourVector& p1,
                       FourVector& p2, FourVector& p3) const;

  /// (m23^2)_min,max at given m12^2 (PDG kinematics).
  std::pair<double, double> m23Range(double m12sq) const;

  double M() const { return M_; }
  double m(int i) const { return m_[i]; }
  double m12sqMin() const { return m12Min_; }
  double m12sqMax() const { return m12Max_; }
  double m23sqMin() const { return m23Min_; }
  double m23sqMax() const { return m23Max_; }

 private:
  double M_;
  std::array<double, 3> m_;
  double m12Min_, m12Max_, m23Min_, m23Max_;
};

/// Walker's alias table (Vose's stable construction) for the discrete distribution
/// `weights` (>= 0, not all 0): draw u in [0, n), k = floor(u); keep k if u - k < prob[k],
/// else take alias[k].
void buildAliasTable(const std::vector<double>& weights, std::vector<double>& prob,
                     std::vector<std::uint32_t>& alias);

/// Accept-reject sampling of a density on the Dalitz plane with a piecewise-constant
/// envelope: the (m12^2, m23^2) box is cut into nx x ny cells, each with the maximum of the
/// density over a (k+1) x (k+1) grid of the whole cell (corners and interior, also outside
/// the physical region, where the density formula is still evaluated) times (1 + margin).
/// A cell is drawn with probability proportional to (cell maximum x area) by Walker's
/// alias method, a point uniformly inside it, kept if inside the region and
/// u * cellMax < density. Exact for any density bounded by the envelope; points where the
/// density exceeds it are counted (overflows(), expected 0).
class DalitzEnvelope {
 public:
  using Density = std::function<double(const ThreeBodyDalitz::Point&)>;
  DalitzEnvelope(const ThreeBodyDalitz& dalitz, const Density& density, int nx = 32, int ny = 32,
                 int gridPerCell = 4, double margin = 0.10);

  /// Sample a point distributed as `density` (the same function as at construction).
  template <class F>
  ThreeBodyDalitz::Point sample(RandomStream& rng, F&& density) const {
    ThreeBodyDalitz::Point pt;
    for (;;) {
      const std::size_t c = pickCell(rng);
      const int ix = static_cast<int>(c % static_cast<std::size_t>(nx_)), iy = static_cast<int>(c / static_cast<std::size_t>(nx_));
      const double m12 = x0_ + (ix + rng.uniform()) * dx_;
      const double m23 = y0_ + (iy + rng.uniform()) * dy_;
      if (!dalitz_.inside(m12, m23, pt)) continue;
      const double w = density(pt);
      if (w > cellMax_[c]) overflows_.fetch_add(1, std::memory_order_relaxed);
      if (rng.uniform() * cellMax_[c] < w) return pt;
    }
  }
  std::uint64_t overflows() const { return overflows_.load(std::memory_order_relaxed); }
  /// Expected acceptance: integral of the density / integral of the envelope (estimate).
  double cells() const { return static_cast<double>(cellMax_.size()); }

 private:
  std::size_t pickCell(RandomStream& rng) const {
    const double u = rng.uniform() * static_cast<double>(cellMax_.size());
    const std::size_t i = static_cast<std::size_t>(u);
    return (u - static_cast<double>(i)) < aliasProb_[i] ? i : alias_[i];
  }
  ThreeBodyDalitz dalitz_;
  int nx_, ny_;
  double x0_, y0_, dx_, dy_;
  std::vector<double> cellMax_, aliasProb_;
  std::vector<std::uint32_t> alias_;
  mutable std::atomic<std::uint64_t> overflows_{0};
};

/// GENBOD n-body phase space (2 <= n <= kMaxBodies).
class Genbod {
 public:
  static constexpr int kMaxBodies = 8;

  Genbod(double M, std::span<const double> masses);

  /// Generate one configuration; returns the weight normalised so that 0 < w <= 1
  /// (divided by the GENBOD upper-bound estimate). Unweighted events: accept if
  /// u < w / wmax with the true maximum wmax <= 1.
  double generate(RandomStream& rng, std::span<FourVector> out) const;

  /// Lorentz-invariant phase-space volume factor: <w> * volumeFactor() = R_n
  /// in the convention R_n = Int prod d^3p_i/(2E_i) delta^4(P - sum p_i)
  /// (James 1968; "Fermi" normalisation of genbod.F, KGENEV = 2).
  double volumeFactor() const { return volumeFactor_; }
  int bodies() const { return n_; }

 private:
  double M_;
  int n_;
  std::array<double, kMaxBodies> m_{};
  double kinetic_;    ///< T = M - sum m_i
  double wtMaxInv_;   ///< 1 / (GENBOD upper bound of prod p*_k)
  double volumeFactor_;
};

}  // namespace kaonlab::generator
