#pragma once
// Interface of a K+ decay model: generates the decay products of a K+ at rest
// according to the mode's matrix element. One virtual call per decay; the model is
// immutable after construction and therefore thread-safe.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "kaonlab/core/Random.hpp"
#include "kaonlab/generator/DecayProducts.hpp"
#include "kaonlab/generator/PhaseSpace.hpp"

namespace kaonlab::generator {

class DecayModel {
 public:
  virtual ~DecayModel() = default;
  /// Decay a K+ at rest: `out` is cleared and filled with the products in the order of
  /// daughters(). Unweighted: every call returns one accepted decay.
  virtual void generate(RandomStream& rng, DecayProducts& out) const = 0;
  /// PDG ids of the products, in output order.
  virtual std::span<const int> daughters() const = 0;
  /// Model name and parameters, with the source of the formula.
  virtual std::string description() const = 0;
  /// Times a density exceeded the maximum assumed by accept-reject (should stay 0).
  virtual std::uint64_t overflows() const { return 0; }
};

/// Accept-reject against a fixed maximum, counting overflows (density > maximum).
class AcceptReject {
 public:
  explicit AcceptReject(double wmax = 1.0) : wmax_(wmax) {}
  AcceptReject(const AcceptReject& o) : wmax_(o.wmax_), overflows_(o.overflows()) {}
  AcceptReject& operator=(const AcceptReject& o) {
    wmax_ = o.wmax_;
    overflows_.store(o.overflows());
    return *this;
  }
  bool accept(double w, RandomStream& rng) const {
    if (w > wmax_) overflows_.fetch_add(1, std::memory_order_relaxed);
    return rng.uniform() * wmax_ < w;
  }
  double wmax() const { return wmax_; }
  std::uint64_t overflows() const { return overflows_.load(std::memory_order_relaxed); }

 private:
  double wmax_;
  mutable std::atomic<std::uint64_t> overflows_{0};
};

/// Fill `out` with the three products of a Dalitz point, uniformly oriented.
inline void emitThreeBody(const ThreeBodyDalitz& dalitz, const ThreeBodyDalitz::Point& pt,
                          const std::array<int, 3>& ids, RandomStream& rng, DecayProducts& out) {
  FourVector p1, p2, p3;
  dalitz.momenta(pt, rng, p1, p2, p3);
  out.clear();
  out.push(ids[0], p1);
  out.push(ids[1], p2);
  out.push(ids[2], p3);
}

/// Safe maximum of a density: the largest of `points` evaluations of `density` at
/// points drawn by `draw` (fixed seed), times (1 + margin). Deterministic.
double scanMaximum(const std::function<double(RandomStream&)>& drawAndEvaluate,
                   int points = 200000, double margin = 0.15);

}  // namespace kaonlab::generator
