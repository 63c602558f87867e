#include "kaonlab/generator/models/PiGammaGamma.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/core/Units.hpp"

namespace kaonlab::generator {

namespace {

using constants::pi;
using cplx = std::complex<double>;

// Constants of NA62MC kch2pigg.F (kaon-physics.md 4.3): K -> 3 pi parameters of
// Kambor-Missimer-Wyler as used by D'Ambrosio-Portoles (hep-ph/9606213), the octet
// coupling |G8| and the rho mass.
constexpr double kAlpha1 = 92.11e-8;
constexpr double kAlpha3 = -6.97e-8;
constexpr double kBeta1 = -26.76e-8;
constexpr double kBeta3 = -2.17e-8;
constexpr double kGamma3 = 2.98e-8;
constexpr double kZeta1 = -0.51e-8;
constexpr double kXi1 = -1.66e-8;
constexpr double kG8 = 9.2e-6 / (units::GeV * units::GeV);
constexpr double kMRho = 0.7711 * units::GeV;
constexpr double kGammaPi0 = 8.02 * units::eV;  // pi0 total width in NA62MC

constexpr int kEnvelopeBins = 1024;
constexpr int kEnvelopeSubPoints = 16;
constexpr double kEnvelopeMargin = 5e-3;
constexpr double kZFloor = 1e-9;  // amplitudes are evaluated at z >= kZFloor (finite limit)

/// Loop function F(x) of EPR (kaon-physics.md 4.2):
///   F(x) = 1 - (4/x) arcsin^2(sqrt(x)/2)                               (x <= 4)
///   F(x) = 1 + (1/x) [ln((1 - sqrt(1-4/x))/(1 + sqrt(1-4/x))) + i pi]^2   (x > 4)
/// For x < 1e-3: Taylor series -(x/12 + x^2/90 + x^3/560 + x^4/3150) of the same function.
cplx loopF(double x) {
  if (x < 1e-3) return {-x * (1.0 / 12.0 + x * (1.0 / 90.0 + x * (1.0 / 560.0 + x / 3150.0))), 0.0};
  if (x <= 4.0) {
    const double a = std::asin(0.5 * std::sqrt(x));
    return {1.0 - 4.0 / x * a * a, 0.0};
  }
  const double s = std::sqrt(1.0 - 4.0 / x);
  const cplx l(std::log((1.0 - s) / (1.0 + s)), pi);
  return 1.0 + l * l / x;
}

/// Loop function R(x) of D'Ambrosio-Portoles (kaon-physics.md 4.3):
///   R(x) = -1/6 + 2/x - (2/x) sqrt(4/x - 1) arcsin(sqrt(x)/2)                 (x <= 4)
///   R(x) = -1/6 + 2/x - (sqrt(1-4/x)/x) [ln((1 - sqrt(1-4/x))/(1 + sqrt(1-4/x))) - i pi]   (x > 4)
/// For x < 1e-3: Taylor series x/60 + x^2/420 + x^3/2520.
cplx loopR(double x) {
  if (x < 1e-3) return {x * (1.0 / 60.0 + x * (1.0 / 420.0 + x / 2520.0)), 0.0};
  if (x <= 4.0)
    return {-1.0 / 6.0 + 2.0 / x - 2.0 / x * std::sqrt(4.0 / x - 1.0) * std::asin(0.5 * std::sqrt(x)), 0.0};
  const double s = std::sqrt(1.0 - 4.0 / x);
  return -1.0 / 6.0 + 2.0 / x - s / x * cplx(std::log((1.0 - s) / (1.0 + s)), -pi);
}


/// Isotropic unit vector without trigonometric functions (Marsaglia, Ann. Math. Stat. 43
/// (1972) 645).
Vector3 isotropicDirection(RandomStream& rng) {
  for (;;) {
    const double a = 2.0 * rng.uniform() - 1.0, b = 2.0 * rng.uniform() - 1.0;
    const double s = a * a + b * b;
    if (s < 1.0) {
      const double f = 2.0 * std::sqrt(1.0 - s);
      return {a * f, b * f, 1.0 - 2.0 * s};
    }
  }
}

/// (cos phi, sin phi), phi uniform, without trigonometric functions (von Neumann 1951).
void uniformAzimuth(RandomStream& rng, double& c, double& s) {
  for (;;) {
    const double a = 2.0 * rng.uniform() - 1.0, b = 2.0 * rng.uniform() - 1.0;
    const double r = a * a + b * b;
    if (r < 1.0 && r > 1e-200) {
      c = (a * a - b * b) / r;
      s = 2.0 * a * b / r;
      return;
    }
  }
}

/// Orthonormal basis perpendicular to the unit vector n (Duff et al., JCGT 6 (2017) 1).
void orthonormalBasis(const Vector3& n, Vector3& e1, Vector3& e2) {
  const double sign = std::copysign(1.0, n.z);
  const double a = -1.0 / (sign + n.z);
  const double b = n.x * n.y * a;
  e1 = {1.0 + sign * n.x * n.x * a, sign * b, -sign * n.x};
  e2 = {b, sign + n.y * n.y * a, -n.y};
}

}  // namespace

void PiGammaGammaDecay::validate(const Config& c) {
  if (!std::isfinite(c.cHat)) throw std::invalid_argument("PiGammaGammaDecay: c-hat must be finite");
  if (c.order != Config::Order::P4 && c.order != Config::Order::P6)
    throw std::invalid_argument("PiGammaGammaDecay: unknown order");
}

PiGammaGammaDecay::PiGammaGammaDecay(const Config& config)
    : config_(config) {
  validate(config_);
  mK_ = mass(pdg::kKPlus);
  mPi_ = mass(pdg::kPiPlus);
  r_ = mPi_ / mK_;
  r2_ = r_ * r_;
  zMax_ = (1.0 - r_) * (1.0 - r_);
  // kaon-physics.md 4.1 and 4.3 [check]: m_K/(2^9 pi^3) (alpha/pi)^2, times 1/2 for the two
  // identical photons (the full (y, z) range counts each configuration twice).
  const double aPi = constants::alpha_em / pi;
  norm_ = mK_ / (512.0 * pi * pi * pi) * aPi * aPi * 0.5;
  lRho_ = std::log(mPi_ * mPi_ / (kMRho * kMRho));
  g8mk2_ = kG8 * mK_ * mK_;
  // eta mass from the kaonlab table (PDG 2024; NA62MC uses 547.3 MeV, a 0.1% difference)
  rEta2_ = std::pow(mass(pdg::kEta) / mK_, 2);
  gPi0_ = r_ * kGammaPi0 / mK_;

  // partial width: Simpson in t, z = zMax (1 - cos t)/2 (smooths the sqrt end point)
  const int n = 4000;
  const double h = pi / n;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double t = i * h;
    const double f = dGammaDz(0.5 * zMax_ * (1.0 - std::cos(t))) * 0.5 * zMax_ * std::sin(t);
    sum += f * ((i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0));
  }
  width_ = sum * h / 3.0;
  buildEnvelope();
}

PiGammaGammaDecay::Amplitudes PiGammaGammaDecay::amplitudes(double zIn) const {
  const double z = std::max(zIn, kZFloor);
  const double r2 = r2_;
  const double x = z / r2;
  const cplx fHat = loopF(x);                 // pion loop F(z/r_pi^2)
  const double fK = loopF(z).real();          // kaon loop F(z), z < 4: real
  Amplitudes a;
  // C(z): pi0 and eta pole terms (kaon-physics.md 4.3; EPR 1988), identical at both orders
  a.c = g8mk2_ * (cplx(z - r2, 0.0) / cplx(z - r2, gPi0_) - (z - (2.0 + r2) / 3.0) / (z - rEta2_));
  if (config_.order == Config::Order::P4) {
    // O(p^4), EPR Nucl. Phys. B303 (1988) 665 (kaon-physics.md 4.2), alpha/pi dropped:
    // A = G8 m_K^2/(2z) [(z + 1 - r^2) F(z/r^2) + (z - 1 + r^2) F(z) - c-hat z], B = 0
    a.a0 = g8mk2_ / (2.0 * z) * ((z + 1.0 - r2) * fHat + (z - 1.0 + r2) * fK - config_.cHat * z);
    a.a2 = 0.0;
    a.b = 0.0;
    return a;
  }
  // O(p^6), D'Ambrosio-Portoles hep-ph/9606213 as in NA62MC (kaon-physics.md 4.3):
  // A(z,y) = 1/2 { (1/z)[2(2a1 - a3) + (1 + 1/(3r^2) - z/r^2)(b1 - b3/2 + sqrt3 g3)] F^
  //   - (8/(3r^4))(2 zeta1 - xi1)[r^2(L_rho - 1) + (1 + 6(r^2-z) + 9(r^2-z)^2)/(18z) F^]
  //   - (8/(3r^4))(4 zeta1 + xi1) E(z,y) + G8 m_K^2 [(z + r^2 - 1) F(z)/z - c-hat] }
  const cplx rHat = loopR(x);
  const double r4 = r2 * r2;
  const double d = r2 - z;
  const double k1 = (2.0 * (2.0 * kAlpha1 - kAlpha3) +
                     (1.0 + 1.0 / (3.0 * r2) - z / r2) * (kBeta1 - 0.5 * kBeta3 + std::sqrt(3.0) * kGamma3)) / z;
  const double k2 = 8.0 / (3.0 * r4) * (2.0 * kZeta1 - kXi1);
  const double k3 = 8.0 / (3.0 * r4) * (4.0 * kZeta1 + kXi1);
  // E(z,y) = E0(z) + y^2 E2(z) with h, l, m, n, p, s, t, u of section 4.3
  const double hz = (9.0 * r2 - 5.0 - 3.0 * (1.0 + 3.0 * r2) * d) / (36.0 * z);
  const double lz = 0.5 * (1.0 + 2.0 * r2 / z);
  const double mz = (1.0 - r2 + z) * (1.0 - r2 + z) / (4.0 * z);
  const double nz = 1.0 - r2 + z;
  const double pz = (1.0 + 2.0 * r2 / z) / 12.0;
  const double sz = 1.0 / 36.0 - r2 / (24.0 * z) + z / (72.0 * r2);
  const double tz = (z / r2 + 1.0 - 2.0 * r2 / z) / 12.0;
  const double uz = r2 / (2.0 * z) * (1.0 - r2 / z);
  const cplx e0 = -(1.0 + 6.0 * r2) * lRho_ / 12.0 + 0.5 * r2 - hz * fHat -
                  mz * (1.0 / 12.0 + rHat + lz * fHat) +
                  nz * (1.0 / 24.0 + z / (72.0 * r2) + pz * (x * rHat + 3.0 * fHat)) -
                  z * (sz + tz * rHat + uz * fHat);
  const cplx e2 = (1.0 / 12.0 + 3.0 * rHat + lz * fHat) / z;
  a.a0 = 0.5 * (k1 * fHat - k2 * (r2 * (lRho_ - 1.0) + (1.0 + 6.0 * d + 9.0 * d * d) / (18.0 * z) * fHat) -
                k3 * e0 + g8mk2_ * ((z + r2 - 1.0) * fK / z - config_.cHat));
  a.a2 = -0.5 * k3 * e2;
  // B(z) = ((4 zeta1 + xi1)/(3 r^4)) [z/(18 r^2) - (1 + 2 L_rho)/6 - (2r^2/z) F^ + ((z/r^2 - 10)/3) R^]
  a.b = (4.0 * kZeta1 + kXi1) / (3.0 * r4) *
        (z / (18.0 * r2) - (1.0 + 2.0 * lRho_) / 6.0 - 2.0 * r2 / z * fHat + (x - 10.0) / 3.0 * rHat);
  return a;
}

double PiGammaGammaDecay::yMax(double z) const {
  const double l = kallen(1.0, r2_, z);
  return l > 0 ? 0.5 * std::sqrt(l) : 0.0;
}

PiGammaGammaDecay::Poly PiGammaGammaDecay::poly(double z) const {
  // z^2 [|A + B|^2 + |C|^2] + (y^2 - lambda/4)^2 |B|^2 with A = a0 + a2 y^2 (section 4.1),
  // expanded in t = y^2: p0 + p1 t + p2 t^2.
  const Amplitudes a = amplitudes(z);
  const double ym = yMax(z);
  const double lq = ym * ym;  // lambda/4
  const cplx ab = a.a0 + a.b;
  const double b2 = std::norm(a.b);
  const double z2 = z * z;
  Poly p;
  p.p0 = z2 * (std::norm(ab) + std::norm(a.c)) + lq * lq * b2;
  p.p1 = 2.0 * z2 * (ab * std::conj(a.a2)).real() - 2.0 * lq * b2;
  p.p2 = z2 * std::norm(a.a2) + b2;
  p.yMax = ym;
  return p;
}

double PiGammaGammaDecay::polyIntegral(const Poly& p) {
  // int_{-Y}^{Y} (p0 + p1 y^2 + p2 y^4) dy
  const double y = p.yMax, y2 = y * y;
  return 2.0 * y * (p.p0 + y2 * (p.p1 / 3.0 + y2 * p.p2 / 5.0));
}

double PiGammaGammaDecay::density(double z, double y) const {
  if (z <= 0.0 || z >= zMax_) return 0.0;
  const Poly p = poly(z);
  if (std::abs(y) > p.yMax) return 0.0;
  const double t = y * y;
  return norm_ * (p.p0 + t * (p.p1 + t * p.p2));
}

double PiGammaGammaDecay::dGammaDz(double z) const {
  if (z <= 0.0 || z >= zMax_) return 0.0;
  return norm_ * polyIntegral(poly(z));
}

double PiGammaGammaDecay::interpolated(std::size_t k, double z, double t) const {
  const double s = z / binWidth_ - static_cast<double>(k);
  const auto& a = edgeCoef_[k];
  const auto& b = edgeCoef_[k + 1];
  const double q0 = a[0] + s * (b[0] - a[0]);
  const double q1 = a[1] + s * (b[1] - a[1]);
  const double q2 = a[2] + s * (b[2] - a[2]);
  return q0 + t * (q1 + t * q2);
}

void PiGammaGammaDecay::buildEnvelope() {
  binWidth_ = zMax_ / kEnvelopeBins;
  bins_.assign(kEnvelopeBins, Bin{});
  edgeCoef_.resize(kEnvelopeBins + 1);
  for (int i = 0; i <= kEnvelopeBins; ++i) {
    const Poly p = poly(std::clamp(i * binWidth_, kZFloor, zMax_));
    edgeCoef_[i] = {p.p0, p.p1, p.p2};
  }
  std::vector<double> binMass(kEnvelopeBins);
  for (int k = 0; k < kEnvelopeBins; ++k) {
    Bin& bin = bins_[k];
    const double zlo = k * binWidth_, zhi = (k + 1) * binWidth_;
    // Special points where the amplitudes are not smooth: the pi0 pole term (a dip of
    // width ~1e-8 at z = r^2) and the pi pi threshold z = 4 r^2 (square-root cusp).
    bin.exactOnly = (zlo <= r2_ && r2_ <= zhi) || (zlo <= 4.0 * r2_ && 4.0 * r2_ <= zhi);
    double gmax = 0, pscale = 0, err = 0;
    for (int j = 0; j <= kEnvelopeSubPoints; ++j) {
      const double z = std::clamp(zlo + j * binWidth_ / kEnvelopeSubPoints, kZFloor, zMax_);
      const Poly p = poly(z);
      const double l = p.yMax * p.yMax;
      // P(t) = p0 + p1 t + p2 t^2 is convex in t (p2 >= 0): maximum at t = 0 or t = yMax^2
      const double pmax = std::max(p.p0, p.p0 + l * (p.p1 + l * p.p2));
      gmax = std::max(gmax, 2.0 * p.yMax * pmax);
      pscale = std::max(pscale, pmax);
      if (j == 0 || j == kEnvelopeSubPoints) continue;
      for (double f : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        const double t = f * l;
        err = std::max(err, std::abs(p.p0 + t * (p.p1 + t * p.p2) - interpolated(k, z, t)));
      }
    }
    bin.g = gmax * (1.0 + kEnvelopeMargin);
    // interpolation error of a smooth function: sampled maximum x 4, plus rounding
    bin.eps = 4.0 * err + 1e-9 * pscale;
    binMass[k] = bin.g * binWidth_;
  }
  buildAliasTable(binMass, aliasProb_, alias_);
}

std::uint64_t PiGammaGammaDecay::boundViolations(int points) const {
  RandomStream rng(0x6b616f6e, streamId("PiGammaGammaDecay::boundViolations"), 0);
  std::uint64_t bad = 0;
  for (int i = 0; i < points; ++i) {
    const double z = zMax_ * rng.uniform();
    const auto k = std::min<std::size_t>(static_cast<std::size_t>(z / binWidth_), bins_.size() - 1);
    const Poly p = poly(z);
    const double t = p.yMax * p.yMax * rng.uniform();
    const double exact = p.p0 + t * (p.p1 + t * p.p2);
    if (2.0 * p.yMax * exact > bins_[k].g) ++bad;
    if (!bins_[k].exactOnly && std::abs(exact - interpolated(k, z, t)) > bins_[k].eps) ++bad;
  }
  return bad;
}

void PiGammaGammaDecay::generate(RandomStream& rng, DecayProducts& out) const {
  const auto nBins = static_cast<std::uint32_t>(bins_.size());
  double z, y;
  for (;;) {
    // proposal: bin k (alias), z uniform in it, y uniform in (-yMax(z), yMax(z))
    const double u = rng.uniform() * nBins;
    auto k = std::min(static_cast<std::uint32_t>(u), nBins - 1);
    if (u - k >= aliasProb_[k]) k = alias_[k];
    z = (k + rng.uniform()) * binWidth_;
    const double ym = yMax(z);
    if (ym <= 0.0) continue;
    y = ym * (2.0 * rng.uniform() - 1.0);
    const double t = y * y;
    const Bin& bin = bins_[k];
    const double scale = 2.0 * ym / bin.g;  // acceptance probability = scale * P(z, t)
    const double v = rng.uniform();
    double lo = 0.0, hi = 1.0;  // band [lo, hi) of v where the exact P is needed
    if (!bin.exactOnly) {
      const double pl = interpolated(k, z, t);
      lo = std::max(0.0, scale * (pl - bin.eps));
      hi = std::min(1.0, scale * (pl + bin.eps));
      if (v < lo) break;
      if (v >= hi) continue;
    }
    // inside the band: accept with the conditional probability (w - lo)/(hi - lo) so that
    // the overall acceptance is w = scale * P exactly; AcceptReject counts w > hi.
    const Poly p = poly(z);
    const double w = scale * (p.p0 + t * (p.p1 + t * p.p2));
    if (w < lo) squeezeViolations_.fetch_add(1, std::memory_order_relaxed);
    if (hi > lo && accept_.accept((w - lo) / (hi - lo), rng)) break;
  }
  // kinematics (K rest frame): E_pi = m_K (1 + r^2 - z)/2, E_g1,2 = (m_K - E_pi +- y m_K)/2;
  // pi+ along a random n, photon 1 at the angle fixed by momentum conservation,
  // |p_pi + q1| = E_g2, uniform azimuth about n; photon 2 balances the momentum.
  const double ePi = 0.5 * mK_ * (1.0 + r2_ - z);
  const double pPi = std::sqrt(std::max(0.0, ePi * ePi - mPi_ * mPi_));
  const double e1 = 0.5 * (mK_ - ePi + y * mK_);
  const double e2 = 0.5 * (mK_ - ePi - y * mK_);
  const double den = 2.0 * pPi * e1;
  const double c = den > 0.0 ? std::clamp((e2 * e2 - pPi * pPi - e1 * e1) / den, -1.0, 1.0) : 1.0;
  const double sn = std::sqrt(1.0 - c * c);
  const Vector3 n = isotropicDirection(rng);
  Vector3 b1, b2;
  orthonormalBasis(n, b1, b2);
  double cf, sf;
  uniformAzimuth(rng, cf, sf);
  const Vector3 q1 = (n * c + (b1 * cf + b2 * sf) * sn) * e1;
  const Vector3 q2 = -(n * pPi + q1);
  out.clear();
  out.push(daughters_[0], FourVector(n * pPi, ePi));
  out.push(daughters_[1], FourVector(q1, e1));
  out.push(daughters_[2], FourVector(q2, q2.mag()));
}

std::uint64_t PiGammaGammaDecay::overflows() const {
  return accept_.overflows() + squeezeViolations_.load(std::memory_order_relaxed);
}

std::string PiGammaGammaDecay::description() const {
  std::ostringstream os;
  os << "K+ -> pi+ gamma gamma: ChPT "
     << (config_.order == Config::Order::P6
             ? "O(p^6) (D'Ambrosio-Portoles, hep-ph/9606213, unitarity corrections)"
             : "O(p^4) (Ecker-Pich-de Rafael, NPB 303 (1988) 665)")
     << ", c-hat = " << config_.cHat << " (kaon-physics.md section 4; NA62MC kch2pigg.F constants)";
  return os.str();
}

}  // namespace kaonlab::generator
