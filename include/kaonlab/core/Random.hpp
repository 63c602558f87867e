#pragma once
// Counter-based random numbers (Random123 Philox-4x64-10).
//
// The numbers an event sees depend only on (run seed, stream id, event index):
//   key     = {run seed, stream id}
//   counter = {event index, sub-stream, block, 0}
// so event i can be regenerated alone, and results are bit-identical for any thread
// count, shard split or MPI rank count. A stream id is a fixed hash of the component's
// name (streamId("generator")), so adding a component never shifts another's numbers.
//
// Distributions are implemented here (not <random>) so that the same numbers come out
// with every standard library.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <string_view>

#include "kaonlab/core/FourVector.hpp"
#include "kaonlab/core/Units.hpp"

namespace kaonlab {

/// FNV-1a 64-bit hash: stable stream id for a component name.
constexpr std::uint64_t streamId(std::string_view name) {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

namespace detail {
/// Ziggurat tables for the standard normal f(x) = exp(-x^2/2), 256 layers of equal area
/// v: x[0] = v / f(r) (width of the base strip, whose overflow is the tail beyond r),
/// x[1] = r = 3.6541528853610088, x[i+1] = f^-1(f(x[i]) + v / x[i]), x[256] = 0;
/// f[i] = f(x[i]). Built at compile time in src/core/Random.cpp.
struct ZigguratTables {
  double x[257];
  double f[257];
};
extern const ZigguratTables kZigguratNormal;
/// The same for the unit exponential f(x) = exp(-x): 256 layers of area v,
/// r = 7.69711747013104972, x[i+1] = -ln(v / x[i] + f(x[i])).
extern const ZigguratTables kZigguratExponential;
}  // namespace detail

class RandomStream {
 public:
  using Engine = r123::Philox4x64;

  RandomStream(std::uint64_t runSeed, std::uint64_t stream, std::uint64_t eventIndex,
               std::uint64_t subStream = 0)
      : key_{{runSeed, stream}}, ctr_{{eventIndex, subStream, 0, 0}} {}

  /// Uniform in the open interval (0, 1), 53 random bits.
  double uniform() {
    if (next_ == 4) refill();
    const std::uint64_t bits = buffer_.v[next_++];
    return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;
  }
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  /// Raw 64 random bits.
  std::uint64_t bits() {
    if (next_ == 4) refill();
    return buffer_.v[next_++];
  }
  /// Raw 32 random bits: the low half of a fresh 64-bit word, whose high half is kept and
  /// returned by the next call (64-bit draws in between take whole words and leave a kept
  /// half in place), so two 32-bit draws cost one word.
  std::uint32_t bits32() {
    if (haveHalf_) {
      haveHalf_ = false;
      return half_;
    }
    const std::uint64_t w = bits();
    half_ = static_cast<std::uint32_t>(w >> 32);
    haveHalf_ = true;
    return static_cast<std::uint32_t>(w);
  }
  /// Uniform in the open interval (0, 1) with 32 random bits (half a word, see bits32()):
  /// for efficiency decisions, Poisson counts, species choices and positions or times in a
  /// window, where a resolution of 2^-32 of the range is ample.
  double uniform32() { return (static_cast<double>(bits32()) + 0.5) * 0x1.0p-32; }
  double uniform32(double a, double b) { return a + (b - a) * uniform32(); }
  /// Standard normal: Ziggurat method (Marsaglia & Tsang 2000, 256 layers) on 32 random
  /// bits per try (half a word, see bits32(): 8 bits layer, 1 bit sign, 23 bits abscissa,
  /// i.e. a grid of 2^-23 of the layer width, at most 4.6e-7 sigma).
  /// 98.5% of the draws take the fast path (one table look-up and one multiplication);
  /// the rest go to the wedge or tail test in Random.cpp (64-bit uniforms). The tables are
  /// computed at compile time with IEEE arithmetic only (no libm), so they are the same on
  /// every platform; see docs/detector.md "Speed".
  double gaussian() {
    for (;;) {
      const std::uint32_t b = bits32();
      const unsigned i = b & 0xffu;
      const double x = static_cast<double>(b >> 9) * 0x1.0p-23 * detail::kZigguratNormal.x[i];
      if (x < detail::kZigguratNormal.x[i + 1]) return (b & 0x100u) ? -x : x;
      double y;
      if (gaussianSlowPath(i, x, y)) return (b & 0x100u) ? -y : y;
    }
  }
  double gaussian(double mean, double sigma) { return mean + sigma * gaussian(); }
  /// Exponential with unit mean: Ziggurat method (Marsaglia & Tsang 2000, 256 layers) on 32
  /// random bits per try (half a word: 8 bits layer, 24 bits abscissa, a grid of 2^-24 of
  /// the layer width, at most 5.2e-7 of the mean); 98.9% of the draws take the fast path,
  /// the wedges (64-bit uniform + exp) and the tail beyond r (r + a new exponential, by
  /// memorylessness) are in Random.cpp. Tables built at compile time like the normal's.
  double exponential() {
    for (;;) {
      const std::uint32_t b = bits32();
      const unsigned i = b & 0xffu;
      const double x = static_cast<double>(b >> 8) * 0x1.0p-24 * detail::kZigguratExponential.x[i];
      if (x < detail::kZigguratExponential.x[i + 1]) return x;
      double y;
      if (exponentialSlowPath(i, x, y)) return y;
    }
  }
  /// Isotropic unit vector.
  Vector3 isotropic() {
    const double cosTheta = uniform(-1.0, 1.0);
    const double phi = constants::two_pi * uniform();
    const double sinTheta = std::sqrt(std::max(0.0, 1.0 - cosTheta * cosTheta));
    return {sinTheta * std::cos(phi), sinTheta * std::sin(phi), cosTheta};
  }
  /// Number of 4-word blocks drawn so far (for diagnostics and tests).
  std::uint64_t blocksUsed() const { return ctr_.v[2]; }

 private:
  /// Wedge (layer i > 0) or tail (layer 0) of the Ziggurat: true and the value in y if
  /// accepted, false to draw again.
  bool gaussianSlowPath(unsigned layer, double x, double& y);
  /// Same for exponential(): wedge (layer i > 0) or tail (layer 0).
  bool exponentialSlowPath(unsigned layer, double x, double& y);

  /// Next Philox block (out of line in Random.cpp: once per 4 words, and it keeps the
  /// inlined draws small, without the Philox rounds' register pressure at every call site).
  void refill();

  Engine::key_type key_;
  Engine::ctr_type ctr_;
  Engine::ctr_type buffer_{};
  int next_ = 4;
  bool haveHalf_ = false;  ///< half_ holds the unused high half of the last bits32() word
  std::uint32_t half_ = 0;
};

}  // namespace kaonlab
