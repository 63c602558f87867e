// Ziggurat tables of RandomStream::gaussian() and exponential() and their slow paths
// (wedges and tails).
//
// The tables are computed at compile time with +, -, *, / only (exp, log and sqrt below
// are constexpr series / Newton iterations), so they do not depend on the platform's
// libm: the fast path of gaussian() (98.5% of the draws) is bit-identical everywhere.
// Marsaglia & Tsang, "The Ziggurat Method for Generating Random Variables",
// J. Stat. Softw. 5 (2000) 8; 256 layers, r = 3.6541528853610088.
#include "kaonlab/core/Random.hpp"

#include <cmath>

namespace kaonlab {

namespace {

constexpr double kLn2Hi = 6.93147180369123816490e-01;  // fdlibm split of ln 2
constexpr double kLn2Lo = 1.90821492927058770002e-10;

constexpr double cexp(double x) {
  const double kd = x * 1.44269504088896338700e+00;
  const long k = static_cast<long>(kd >= 0 ? kd + 0.5 : kd - 0.5);
  const double r = (x - static_cast<double>(k) * kLn2Hi) - static_cast<double>(k) * kLn2Lo;  // |r| <= 0.35
  double term = 1.0, sum = 1.0;
  for (int n = 1; n <= 22; ++n) {
    term *= r / n;
    sum += term;
  }
  for (long i = 0; i < k; ++i) sum *= 2.0;
  for (long i = 0; i > k; --i) sum *= 0.5;
  return sum;
}

constexpr double clog(double y) {  // y > 0
  int e = 0;
  while (y > 1.4142135623730951) {
    y *= 0.5;
    ++e;
  }
  while (y < 0.70710678118654752) {
    y *= 2.0;
    --e;
  }
  const double s = (y - 1.0) / (y + 1.0), s2 = s * s;  // |s| <= 0.172
  double term = s, sum = 0.0;
  for (int n = 1; n <= 61; n += 2) {
    sum += term / n;
    term *= s2;
  }
  return (2.0 * sum + e * kLn2Lo) + e * kLn2Hi;
}

constexpr double csqrt(double a) {  // a >= 0
  if (a <= 0) return 0.0;
  double x = a > 1.0 ? a : 1.0;
  for (int i = 0; i < 200; ++i) {
    const double next = 0.5 * (x + a / x);
    if (next == x) break;
    x = next;
  }
  return x;
}

constexpr double kR = 3.6541528853610088;
/// Layer area: r f(r) + integral_r^inf f = r f(r) + sqrt(pi/2) erfc(r / sqrt 2).
constexpr double kV = 0.004928673233974658;

constexpr detail::ZigguratTables buildTables() {
  detail::ZigguratTables t{};
  const double fr = cexp(-0.5 * kR * kR);
  t.x[0] = kV / fr;
  t.f[0] = fr;  // (unused: layer 0 goes to the tail)
  t.x[1] = kR;
  t.f[1] = fr;
  for (int i = 1; i < 255; ++i) {
    t.x[i + 1] = csqrt(-2.0 * clog(kV / t.x[i] + t.f[i]));
    t.f[i + 1] = cexp(-0.5 * t.x[i + 1] * t.x[i + 1]);
  }
  t.x[256] = 0.0;
  t.f[256] = 1.0;
  return t;
}

constexpr detail::ZigguratTables kTables = buildTables();

constexpr double kRe = 7.69711747013104972;
/// Layer area of the exponential Ziggurat: r f(r) + integral_r^inf f = (r + 1) exp(-r).
constexpr double kVe = 0.0039496598225815571993;

constexpr detail::ZigguratTables buildExponentialTables() {
  detail::ZigguratTables t{};
  const double fr = cexp(-kRe);
  t.x[0] = kVe / fr;
  t.f[0] = fr;  // (unused: layer 0 goes to the tail)
  t.x[1] = kRe;
  t.f[1] = fr;
  for (int i = 1; i < 255; ++i) {
    t.x[i + 1] = -clog(kVe / t.x[i] + t.f[i]);
    t.f[i + 1] = cexp(-t.x[i + 1]);
  }
  t.x[256] = 0.0;
  t.f[256] = 1.0;
  return t;
}

constexpr detail::ZigguratTables kExpTables = buildExponentialTables();
// the recursion closes: the top layer has the area of the others (to ~1e-13 relative)
static_assert(kExpTables.x[255] > 0.06385 && kExpTables.x[255] < 0.06386);
static_assert(kExpTables.x[255] * (1.0 - kExpTables.f[255]) > kVe * (1 - 1e-11) &&
              kExpTables.x[255] * (1.0 - kExpTables.f[255]) < kVe * (1 + 1e-11));
// the recursion closes: the top layer has the area of the others (to ~2e-13 relative)
static_assert(kTables.x[255] > 0.2152 && kTables.x[255] < 0.2153);
static_assert(kTables.x[255] * (1.0 - kTables.f[255]) > kV * (1 - 1e-11) &&
              kTables.x[255] * (1.0 - kTables.f[255]) < kV * (1 + 1e-11));

}  // namespace

namespace detail {
const ZigguratTables kZigguratNormal = kTables;  // constant-initialised (no static-init order issue)
const ZigguratTables kZigguratExponential = kExpTables;
}  // namespace detail

void RandomStream::refill() {
  buffer_ = Engine{}(ctr_, key_);
  ++ctr_.v[2];
  next_ = 0;
}

bool RandomStream::gaussianSlowPath(unsigned layer, double x, double& y) {
  const auto& t = detail::kZigguratNormal;
  if (layer == 0) {  // tail beyond r (Marsaglia 1964), always accepted here
    double a, b;
    do {
      a = -std::log(uniform()) / kR;
      b = -std::log(uniform());
    } while (b + b < a * a);
    y = kR + a;
    return true;
  }
  // wedge between the layer's rectangle and the curve
  if (t.f[layer] + uniform() * (t.f[layer + 1] - t.f[layer]) < std::exp(-0.5 * x * x)) {
    y = x;
    return true;
  }
  return false;
}

bool RandomStream::exponentialSlowPath(unsigned layer, double x, double& y) {
  const auto& t = detail::kZigguratExponential;
  if (layer == 0) {  // tail beyond r: r + a unit exponential (memoryless)
    y = kRe + exponential();
    return true;
  }
  // wedge between the layer's rectangle and the curve
  if (t.f[layer] + uniform() * (t.f[layer + 1] - t.f[layer]) < std::exp(-x)) {
    y = x;
    return true;
  }
  return false;
}

}  // namespace kaonlab
