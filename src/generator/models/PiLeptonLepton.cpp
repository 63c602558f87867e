#include "kaonlab/generator/models/PiLeptonLepton.hpp"

#include <algorithm>
#include <boost/math/quadrature/gauss.hpp>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/core/Units.hpp"

namespace kaonlab::generator {

namespace {

using constants::pi;

// Chiral-loop parameters of W_pipi(z) from the K -> 3 pi amplitudes (DEIP hep-ph/9808289,
// values as in NA62MC kch2pill.F; kaon-physics.md 3.1): alpha+, beta+, r_V^2 = m_V^2/m_K^2.
constexpr double kAlphaPlus = -20.6e-8;
constexpr double kBetaPlus = -2.8e-8;
constexpr double kRV2 = 2.5;

constexpr int kEnvelopeBins = 1024;
constexpr int kEnvelopeSubPoints = 8;
constexpr double kEnvelopeMargin = 5e-3;

/// chi(z) of DEIP written in w = z/r_pi^2 (kaon-physics.md 3.1):
///   chi = 4/9 - 4/(3w) - (1/3)(1 - 4/w) G(w),
///   G(w) = sqrt(4/w - 1) arcsin(sqrt(w)/2)                               (w <= 4)
///   G(w) = -1/2 sqrt(1 - 4/w) [ ln((1 - sqrt(1-4/w))/(1 + sqrt(1-4/w))) + i pi ]   (w > 4)
/// For w < 1e-3 the Taylor series chi = w/60 + w^2/840 + w^3/7560 (exact expansion of the
/// same expression) avoids the cancellation of the 1/w terms.
std::complex<double> chiLoop(double w) {
  if (w < 1e-3) return {w / 60.0 + w * w / 840.0 + w * w * w / 7560.0, 0.0};
  if (w <= 4.0) {
    const double g = std::sqrt(4.0 / w - 1.0) * std::asin(0.5 * std::sqrt(w));
    return {4.0 / 9.0 - 4.0 / (3.0 * w) - (1.0 - 4.0 / w) * g / 3.0, 0.0};
  }
  const double s = std::sqrt(1.0 - 4.0 / w);
  const std::complex<double> g(-0.5 * s * std::log((1.0 - s) / (1.0 + s)), -0.5 * s * pi);
  return 4.0 / 9.0 - 4.0 / (3.0 * w) - (1.0 - 4.0 / w) * g / 3.0;
}

/// Relative velocity of two particles of masses mi, mj with pair mass^2 s (kaon-physics.md 3.5):
/// beta_ij = sqrt(lambda(s, mi^2, mj^2)) / (s - mi^2 - mj^2).
/// Floored at kMinRelativeVelocity: at the Dalitz-plot corner where a pair is at rest (the
/// phase space vanishes there) the attractive factor ~ 2 pi alpha / beta stays finite, so
/// rates and the accept-reject bound below stay finite (a cut-off of 1e-6 changes the rate
/// by < 1e-9).
constexpr double kMinRelativeVelocity = 1e-6;
double relativeVelocity(double s, double mi, double mj) {
  const double mi2 = mi * mi, mj2 = mj * mj;
  const double l = kallen(s, mi2, mj2);
  return std::max(l > 0 ? std::sqrt(l) / (s - mi2 - mj2) : 0.0, kMinRelativeVelocity);
}

/// Sommerfeld factor A / (exp(A) - 1), A = +2 pi alpha / beta (like-sign pair, < 1) or
/// -2 pi alpha / beta (opposite-sign pair, > 1) (kaon-physics.md 3.5).
double sommerfeld(double s, double mi, double mj, bool likeSign) {
  const double beta = relativeVelocity(s, mi, mj);
  const double a = (likeSign ? 2.0 : -2.0) * pi * constants::alpha_em / beta;
  return a / std::expm1(a);
}

/// Orthonormal basis (e1, e2) perpendicular to the unit vector n (Duff et al.,
/// J. Comput. Graph. Tech. 6 (2017) 1).
void orthonormalBasis(const Vector3& n, Vector3& e1, Vector3& e2) {
  const double sign = std::copysign(1.0, n.z);
  const double a = -1.0 / (sign + n.z);
  const double b = n.x * n.y * a;
  e1 = {1.0 + sign * n.x * n.x * a, sign * b, -sign * n.x};
  e2 = {b, sign + n.y * n.y * a, -n.y};
}

/// Isotropic unit vector without trigonometric functions (Marsaglia, Ann. Math. Stat. 43
/// (1972) 645): (a, b) uniform in the unit disc, s = a^2 + b^2.
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

/// (cos phi, sin phi) with phi uniform, without trigonometric functions (von Neumann 1951:
/// a uniform point of the unit disc at angle t gives cos 2t, sin 2t).
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

}  // namespace

void PiLeptonLeptonDecay::validate(const Config& c) {
  if (c.leptonPdg != pdg::kElectron && c.leptonPdg != pdg::kMuon)
    throw std::invalid_argument("PiLeptonLeptonDecay: leptonPdg must be 11 (e) or 13 (mu), got " +
                                std::to_string(c.leptonPdg));
  if (!std::isfinite(c.aPlus) || !std::isfinite(c.bPlus))
    throw std::invalid_argument("PiLeptonLeptonDecay: a+ and b+ must be finite");
}

PiLeptonLeptonDecay::Config PiLeptonLeptonDecay::electronDefaults() {
  Config c;
  c.leptonPdg = pdg::kElectron;
  c.aPlus = -0.578;
  c.bPlus = -0.779;
  return c;
}

PiLeptonLeptonDecay::PiLeptonLeptonDecay(const Config& config) : config_(config) {
  validate(config_);
  daughters_ = {pdg::kPiPlus, -config_.leptonPdg, config_.leptonPdg};
  mK_ = mass(pdg::kKPlus);
  mPi_ = mass(pdg::kPiPlus);
  mL_ = mass(config_.leptonPdg);
  rPi2_ = (mPi_ / mK_) * (mPi_ / mK_);
  rL2_ = (mL_ / mK_) * (mL_ / mK_);
  zMin_ = 4.0 * rL2_;
  zMax_ = (1.0 - mPi_ / mK_) * (1.0 - mPi_ / mK_);
  // kaon-physics.md 3.2: dGamma/dz = alpha^2 m_K / (12 pi (4 pi)^4) lambda^{3/2} beta (1 + 2 r_l^2/z) |W|^2
  const double fourPi = 4.0 * pi;
  prefactor_ = constants::alpha_em * constants::alpha_em * mK_ / (12.0 * pi * std::pow(fourPi, 4));
  gfmk2_ = constants::G_F * mK_ * mK_;

  // Partial width: Simpson in t with z = zMin + (zMax - zMin)(1 - cos t)/2, which smooths
  // the sqrt threshold at zMin and the lambda^{3/2} end point at zMax.
  const int n = 20000;
  const double h = pi / n;
  const double half = 0.5 * (zMax_ - zMin_);
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double t = i * h;
    const double z = zMin_ + half * (1.0 - std::cos(t));
    const double f = dGammaDz(z) * half * std::sin(t);
    sum += f * ((i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0));
  }
  width_ = sum * h / 3.0;
  buildEnvelope();
}

void PiLeptonLeptonDecay::buildEnvelope() {
  binWidth_ = (zMax_ - zMin_) / kEnvelopeBins;
  envelope_.assign(kEnvelopeBins, 0.0);
  squeeze_.assign(kEnvelopeBins, 0.0);
  std::vector<double> binMass(kEnvelopeBins);
  for (int i = 0; i < kEnvelopeBins; ++i) {
    double m = 0, lo = 1e300;
    for (int j = 0; j <= kEnvelopeSubPoints; ++j) {
      const double z = zMin_ + (i + static_cast<double>(j) / kEnvelopeSubPoints) * binWidth_;
      const double f = dGammaDz(std::clamp(z, zMin_, zMax_));
      m = std::max(m, f);
      lo = std::min(lo, f);
    }
    // dGamma/dz is smooth inside a bin (the end points, where it vanishes, and the pi pi
    // threshold are monotonic): the sampled max/min with a 0.5% margin bound it.
    envelope_[i] = m * (1.0 + kEnvelopeMargin);
    squeeze_[i] = lo * (1.0 - kEnvelopeMargin);
    binMass[i] = envelope_[i] * binWidth_;
  }
  buildAliasTable(binMass, aliasProb_, alias_);
}

std::complex<double> PiLeptonLeptonDecay::formFactor(double z) const {
  // W(z) = G_F m_K^2 (a+ + b+ z) + W_pipi(z),
  // W_pipi = (1/r_pi^2)(1 + z/r_V^2)[alpha+ + beta+ (z - z0)/r_pi^2] chi(z), z0 = 1/3 + r_pi^2
  // (DEIP hep-ph/9808289; kaon-physics.md 3.1).
  const double z0 = 1.0 / 3.0 + rPi2_;
  const double pre = (1.0 + z / kRV2) * (kAlphaPlus + kBetaPlus * (z - z0) / rPi2_) / rPi2_;
  return gfmk2_ * (config_.aPlus + config_.bPlus * z) + pre * chiLoop(z / rPi2_);
}

double PiLeptonLeptonDecay::leptonBeta(double z) const {
  return z > zMin_ ? std::sqrt(1.0 - zMin_ / z) : 0.0;
}

double PiLeptonLeptonDecay::dGammaDz(double z) const {
  const double bare = dGammaDzBare(z);
  return config_.coulomb && bare > 0 ? bare * coulombFactor(z) : bare;
}

// pi+ and l in the l+ l- rest frame at z: the pi+ moves along n with energy ePi and momentum
// pPi, l+ along (c n + ...) with momentum q, l- opposite; so
//   s(pi+ l+-) = (ePi + m_ll/2)^2 - (pPi^2 + q^2 +- 2 pPi q c).
PiLeptonLeptonDecay::PairFrame PiLeptonLeptonDecay::pairFrame(double z) const {
  const double s = z * mK_ * mK_, mll = std::sqrt(s);
  const double ePi = (mK_ * mK_ - s - mPi_ * mPi_) / (2.0 * mll);
  const double pPi = std::sqrt(std::max(0.0, ePi * ePi - mPi_ * mPi_));
  const double q = std::sqrt(std::max(0.0, 0.25 * s - mL_ * mL_));
  return {ePi + 0.5 * mll, pPi, q};
}

double PiLeptonLeptonDecay::pionLeptonCoulomb(const PairFrame& f, double c) const {
  const double e2 = f.energy * f.energy, pq = f.pPi * f.pPi + f.q * f.q, x = 2.0 * f.pPi * f.q * c;
  return sommerfeld(e2 - pq - x, mPi_, mL_, true) * sommerfeld(e2 - pq + x, mPi_, mL_, false);
}

double PiLeptonLeptonDecay::pionLeptonCoulombBound(const PairFrame& f) const {
  // the repulsive pi+ l+ factor is < 1; the attractive pi+ l- one, x / (1 - exp(-x)) with
  // x = 2 pi alpha / beta, is < 1 + x and largest at the smallest s(pi+ l-) (beta grows
  // with s): s_min = (ePi + m_ll/2)^2 - (pPi + q)^2
  const double sMin = f.energy * f.energy - (f.pPi + f.q) * (f.pPi + f.q);
  return 1.0 + 2.0 * pi * constants::alpha_em / relativeVelocity(sMin, mPi_, mL_);
}

double PiLeptonLeptonDecay::coulombWeight(double z, double c) const {
  if (!config_.coulomb) return 1.0;
  return sommerfeld(z * mK_ * mK_, mL_, mL_, false) * pionLeptonCoulomb(pairFrame(z), c);
}

double PiLeptonLeptonDecay::coulombFactor(double z) const {
  if (!config_.coulomb || z <= zMin_ || z >= zMax_) return 1.0;
  // mean of w_C over cos theta_l with the one-photon weight 1 - beta^2 c^2 (30-point
  // Gauss-Legendre; the integrand is smooth in c away from the z end points)
  const double b2 = 1.0 - zMin_ / z;
  const PairFrame f = pairFrame(z);
  const double num = boost::math::quadrature::gauss<double, 30>::integrate(
      [&](double c) { return (1.0 - b2 * c * c) * pionLeptonCoulomb(f, c); }, -1.0, 1.0);
  return sommerfeld(z * mK_ * mK_, mL_, mL_, false) * num / (2.0 * (1.0 - b2 / 3.0));
}

double PiLeptonLeptonDecay::dGammaDzBare(double z) const {
  if (z <= zMin_ || z >= zMax_) return 0.0;
  const double lam = kallen(1.0, z, rPi2_);
  if (lam <= 0.0) return 0.0;
  // kaon-physics.md 3.2 (DEIP eq. for dGamma/dz):
  // alpha^2 m_K/(12 pi (4pi)^4) lambda^{3/2}(1,z,r_pi^2) sqrt(1 - 4r_l^2/z)(1 + 2 r_l^2/z)|W(z)|^2
  const double beta = std::sqrt(1.0 - zMin_ / z);
  return prefactor_ * lam * std::sqrt(lam) * beta * (1.0 + 2.0 * rL2_ / z) * formFactor2(z);
}

double PiLeptonLeptonDecay::d2GammaDzDcos(double z, double c) const {
  if (c < -1.0 || c > 1.0) return 0.0;
  // D(x,z) = lambda (1 - beta^2 cos^2 theta) and int (1 - beta^2 c^2) dc = 2 (3 - beta^2)/3
  // (kaon-physics.md 3.2, checks/kpill_dalitz.py)
  const double bare = dGammaDzBare(z);
  if (bare <= 0) return 0.0;  // outside the Dalitz plot (where w_C may diverge)
  const double b2 = 1.0 - zMin_ / z;
  return bare * 1.5 * (1.0 - b2 * c * c) / (3.0 - b2) * coulombWeight(z, c);
}

void PiLeptonLeptonDecay::generate(RandomStream& rng, DecayProducts& out) const {
  // 1) z from dGamma/dz: alias-sampled piecewise-constant envelope + exact accept-reject.
  const auto nBins = static_cast<std::uint32_t>(envelope_.size());
  double z;
  for (;;) {
    const double u = rng.uniform() * nBins;
    auto k = std::min(static_cast<std::uint32_t>(u), nBins - 1);
    if (u - k >= aliasProb_[k]) k = alias_[k];
    z = zMin_ + (k + rng.uniform()) * binWidth_;
    // squeeze: u < squeeze/envelope accepts without evaluating W(z); otherwise accept with
    // the conditional probability (f/g - a)/(1 - a), a = squeeze/envelope, which makes the
    // overall acceptance f/g (AcceptReject counts f > g).
    const double a = squeeze_[k] / envelope_[k];
    if (rng.uniform() < a) break;
    const double f = dGammaDz(z) / envelope_[k];
    if (f < a) squeezeViolations_.fetch_add(1, std::memory_order_relaxed);
    if (zAccept_.accept((f - a) / (1.0 - a), rng)) break;
  }
  // 2) cos theta_l from 1 - beta^2 cos^2 theta_l (section 3.2), bound 1; with the Coulomb
  //    correction times the pi+ l+- factors over their bound at this z (the l+ l- factor
  //    depends on z only and is in dGamma/dz).
  const double b2 = 1.0 - zMin_ / z;
  double c;
  if (config_.coulomb) {
    const PairFrame f = pairFrame(z);
    const double bound = pionLeptonCoulombBound(f);
    do {
      c = 2.0 * rng.uniform() - 1.0;
    } while (!cosAccept_.accept((1.0 - b2 * c * c) * pionLeptonCoulomb(f, c) / bound, rng));
  } else {
    do {
      c = 2.0 * rng.uniform() - 1.0;
    } while (!cosAccept_.accept(1.0 - b2 * c * c, rng));
  }
  const double sinT = std::sqrt(std::max(0.0, 1.0 - c * c));
  double cosPhi, sinPhi;
  uniformAzimuth(rng, cosPhi, sinPhi);

  // 3) Kinematics: pi+ along a random direction n; l+ at angle theta_l to n in the l+l-
  //    rest frame (where the pi+ also moves along n), azimuth phi; boost along -n.
  const double s = z * mK_ * mK_;
  const double mll = std::sqrt(s);
  const double pPi = twoBodyMomentum(mK_, mPi_, mll);
  const double ePi = std::sqrt(pPi * pPi + mPi_ * mPi_);
  const double eLL = mK_ - ePi;
  const Vector3 n = isotropicDirection(rng);
  Vector3 e1, e2;
  orthonormalBasis(n, e1, e2);
  const double q = std::sqrt(std::max(0.0, 0.25 * s - mL_ * mL_));
  const Vector3 qv = (n * c + (e1 * cosPhi + e2 * sinPhi) * sinT) * q;
  const Vector3 bLL = n * (-pPi / eLL);
  const FourVector lPlus = FourVector(qv, 0.5 * mll).boosted(bLL);
  const FourVector lMinus = FourVector(-qv, 0.5 * mll).boosted(bLL);

  out.clear();
  out.push(daughters_[0], FourVector(n * pPi, ePi));
  out.push(daughters_[1], lPlus);
  out.push(daughters_[2], lMinus);
}

std::uint64_t PiLeptonLeptonDecay::overflows() const {
  return zAccept_.overflows() + cosAccept_.overflows() + squeezeViolations_.load(std::memory_order_relaxed);
}

std::uint64_t PiLeptonLeptonDecay::boundViolations(int points) const {
  RandomStream rng(0x6b616f6e, streamId("PiLeptonLeptonDecay::boundViolations"), 0);
  std::uint64_t bad = 0;
  for (int i = 0; i < points; ++i) {
    const double z = zMin_ + (zMax_ - zMin_) * rng.uniform();
    const auto k = std::min<std::size_t>(static_cast<std::size_t>((z - zMin_) / binWidth_), envelope_.size() - 1);
    const double f = dGammaDz(z);
    if (f > envelope_[k] || f < squeeze_[k]) ++bad;
  }
  return bad;
}

std::string PiLeptonLeptonDecay::description() const {
  std::ostringstream os;
  os << "K+ -> pi+ " << (config_.leptonPdg == pdg::kMuon ? "mu+ mu-" : "e+ e-")
     << ": DEIP O(p^6) form factor W(z) = G_F m_K^2 (a+ + b+ z) + W_pipi(z), a+ = " << config_.aPlus
     << ", b+ = " << config_.bPlus << (config_.coulomb ? ", Coulomb factor (Isidori EPJC 53 (2008) 567)" : "")
     << " (D'Ambrosio, Ecker, Isidori, Portoles, JHEP 08 (1998) 004, hep-ph/9808289; "
        "kaon-physics.md section 3); Gamma = "
     << width_ << " GeV";
  return os.str();
}

}  // namespace kaonlab::generator
