// Feldman-Cousins unified intervals, G. J. Feldman and R. D. Cousins, Phys. Rev. D 57 (1998)
// 3873, Sec. IV.B (Poisson process with known background).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/stats/Limits.hpp"
#include "kaonlab/stats/Poisson.hpp"

namespace kaonlab::stats {

namespace {

/// ln n for small n from a table (the belt construction evaluates it millions of times).
double logInt(int n) {
  static const std::vector<double> table = [] {
    std::vector<double> t(4096);
    t[0] = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < t.size(); ++i) t[i] = std::log(static_cast<double>(i));
    return t;
  }();
  return n < static_cast<int>(table.size()) ? table[n] : std::log(static_cast<double>(n));
}

/// ln R(n) = ln P(n | mu + b) - ln P(n | mu_best + b), mu_best = max(0, n - b)  (FC eq. 4.1),
/// with lnM = ln(mu + b) and lnB = ln b precomputed.
inline double lnRatio(int n, double m, double lnM, double b, double lnB) {
  if (n == 0) return -(m - b);
  if (m <= 0) return -std::numeric_limits<double>::infinity();
  if (n <= b) return n * (lnM - lnB) - (m - b);
  return n * (lnM - logInt(n)) - (m - n);
}

constexpr double kScanStep = 0.01;

}  // namespace

FeldmanCousins::FeldmanCousins(Config config) : config_(config) {
  if (!(config_.cl > 0 && config_.cl < 1))
    throw ConfigError("Feldman-Cousins: confidence level must be in (0, 1) (got " + std::to_string(config_.cl) + ")");
  if (config_.monotoneInBackground && (!(config_.backgroundWindow >= 0) || !(config_.backgroundStep > 0)))
    throw ConfigError("Feldman-Cousins: background window must be >= 0 and step > 0");
  if (!(config_.muTolerance > 0)) throw ConfigError("Feldman-Cousins: mu tolerance must be > 0");
}

std::pair<int, int> FeldmanCousins::acceptanceRegion(double mu, double b) const {
  const double m = mu + b;
  if (m <= 0) return {0, 0};
  const double lnM = std::log(m), lnB = b > 0 ? std::log(b) : 0.0;
  auto lnR = [&](int n) { return lnRatio(n, m, lnM, b, lnB); };
  // R(n) is unimodal in n: climb to its maximum, then add the neighbour with the larger R
  // until the summed probability reaches the confidence level.
  int n = static_cast<int>(std::floor(m));
  while (n > 0 && lnR(n - 1) > lnR(n)) --n;
  while (lnR(n + 1) > lnR(n)) ++n;
  int lo = n, hi = n;
  double sum = poissonPmf(n, m);
  double pLo = sum, pHi = sum;
  while (sum < config_.cl) {
    const double rl = lo > 0 ? lnR(lo - 1) : -std::numeric_limits<double>::infinity();
    const double rh = lnR(hi + 1);
    if (rl > rh) {
      pLo *= lo / m;
      --lo;
      sum += pLo;
    } else {
      ++hi;
      pHi *= m / hi;
      sum += pHi;
    }
  }
  return {lo, hi};
}

Interval FeldmanCousins::rawInterval(int n0, double b) const {
  if (n0 < 0) throw ConfigError("Feldman-Cousins: observed count must be >= 0 (got " + std::to_string(n0) + ")");
  if (!(b >= 0) || !std::isfinite(b))
    throw ConfigError("Feldman-Cousins: background must be finite and >= 0 (got " + std::to_string(b) + ")");
  auto accepted = [&](double mu) {
    const auto [lo, hi] = acceptanceRegion(mu, b);
    return lo <= n0 && n0 <= hi;
  };
  auto bisect = [&](double in, double out) {  // accepted(in) != accepted(out)
    const bool inState = accepted(in);
    while (std::abs(out - in) > config_.muTolerance) {
      const double mid = 0.5 * (in + out);
      if (accepted(mid) == inState)
        in = mid;
      else
        out = mid;
    }
    return 0.5 * (in + out);
  };
  // Scan mu on a grid across the belt for n0 (extended until n0 has clearly left the
  // acceptance regions), then refine both edges by bisection.
  const double width = 4.0 * std::sqrt(n0 + 1.0) + 4.0;
  double muStart = std::max(0.0, n0 - b - width);
  while (muStart > 0 && accepted(muStart)) muStart = std::max(0.0, muStart - width);
  double muMax = n0 + 1.0;
  double firstIn = -1, lastIn = -1;
  for (double mu = muStart;; mu += kScanStep) {
    if (accepted(mu)) {
      if (firstIn < 0) firstIn = mu;
      lastIn = mu;
    }
    if (mu > muMax) {
      if (lastIn < 0 || mu - lastIn > 1.0) break;
      muMax = mu + 1.0;
    }
  }
  if (lastIn < 0) return {0.0, 0.0};  // cannot happen for a proper belt
  Interval iv;
  iv.lower = firstIn <= 0 ? 0.0 : bisect(firstIn, std::max(0.0, firstIn - kScanStep));
  iv.upper = bisect(lastIn, lastIn + kScanStep);
  return iv;
}

Interval FeldmanCousins::interval(int n0, double b) const {
  Interval iv = rawInterval(n0, b);
  if (!config_.monotoneInBackground || config_.backgroundWindow <= 0) return iv;
  const int steps = static_cast<int>(std::round(config_.backgroundWindow / config_.backgroundStep));
  for (int k = 1; k <= steps; ++k) {
    const Interval other = rawInterval(n0, b + k * config_.backgroundStep);
    iv.upper = std::max(iv.upper, other.upper);
    iv.lower = std::max(iv.lower, other.lower);
  }
  return iv;
}

}  // namespace kaonlab::stats
