#include "kaonlab/generator/models/Ke4.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/core/Units.hpp"

namespace kaonlab::generator {

namespace {

using constants::pi;

// ACGL (Phys. Rep. 353 (2001) 207, appendix C) Schenk-type parameterisation, central
// coefficients (a_0^0 = 0.225, a_0^2 = -0.03706), kaon-physics.md 2.5. We use this simpler
// central form, without the cubic dependence on (a_0^0, a_0^2) that NA62MC evaluates at
// a_0^0 = 0.220, a_0^2 = -0.0444.
constexpr double kA00 = 0.225, kB0 = 0.2463, kC0 = -0.01665, kD0 = -6.403e-4, kS0 = 36.72;
constexpr double kA11 = 0.03626, kB1 = 1.337e-4, kC1 = -6.976e-5, kD1 = 1.408e-6, kS1 = 30.74;
// One-loop isospin-breaking correction (Colangelo-Gasser-Rusetsky; NA62MC berncor):
constexpr double kFPi = 0.0862 * units::GeV;
constexpr double kRQuark = 37.0;

constexpr int kScanPoints = 300000;
constexpr double kScanMargin = 0.15;

Vector3 unitOr(const Vector3& v, const Vector3& fallback) {
  const double m2 = v.mag2();
  return m2 > 0 ? v / std::sqrt(m2) : fallback;
}

}  // namespace

void Ke4Decay::validate(const Config& c) {
  for (double v : {c.fsPrime, c.fsDoublePrime, c.fePrime, c.fp, c.gp, c.gpPrime, c.hp})
    if (!std::isfinite(v)) throw std::invalid_argument("Ke4Decay: form-factor ratios must be finite");
}

Ke4Decay::Ke4Decay(const Config& config)
    : config_(config),
      mK_(mass(pdg::kKPlus)),
      mPi_(mass(pdg::kPiPlus)),
      mE_(mass(pdg::kElectron)),
      mPi0_(mass(pdg::kPi0)),
      genbod_(mass(pdg::kKPlus),
              std::array<double, 4>{mass(pdg::kElectron), 0.0, mass(pdg::kPiPlus), mass(pdg::kPiPlus)}),
      accept_((validate(config), findMaximum())) {}

double Ke4Decay::findMaximum() const {
  // Safe maximum of (GENBOD weight x |M|^2) by a fixed-seed scan (kaon-physics.md 7.4).
  return scanMaximum(
      [this](RandomStream& rng) {
        std::array<FourVector, 4> p;
        const double w = genbod_.generate(rng, p);  // e+, nu, pi+, pi-
        return w * matrixElement2(cmRestFrame(p[2], p[3], p[0], p[1]));
      },
      kScanPoints, kScanMargin);
}

double Ke4Decay::phaseShift(double sPi) const {
  // ACGL: y = s/m_pi^2, x = y/4 - 1, sigma = sqrt(1 - 4/y),
  // tan d00 = sigma (a00 + B0 x + C0 x^2 + D0 x^3)(4 - s0)/(y - s0),
  // tan d11 = sigma x (a11 + B1 x + C1 x^2 + D1 x^3)(4 - s1)/(y - s1)  (kaon-physics.md 2.5)
  const double y = sPi / (mPi_ * mPi_);
  if (y <= 4.0) return 0.0;
  const double x = 0.25 * y - 1.0;
  const double sig = std::sqrt(1.0 - 4.0 / y);
  double d00 = std::atan(sig * (kA00 + x * (kB0 + x * (kC0 + x * kD0))) * (4.0 - kS0) / (y - kS0));
  double d11 = std::atan(sig * x * (kA11 + x * (kB1 + x * (kC1 + x * kD1))) * (4.0 - kS1) / (y - kS1));
  if (y > kS0) d00 += pi;  // above the zero of the denominator (not reached in Ke4)
  if (y > kS1) d11 += pi;
  if (config_.isospinCorrection) {
    // delta_sym = (2s - m+^2) sigma+ /(32 pi f^2),
    // delta_real = [(4 Delta + s) sigma+ + (s - m0^2)(1 + 3/(2R)) sigma0]/(32 pi f^2)
    const double mp2 = mPi_ * mPi_, m02 = mPi0_ * mPi0_;
    const double norm = 1.0 / (32.0 * pi * kFPi * kFPi);
    const double sigC = std::sqrt(std::max(0.0, 1.0 - 4.0 * mp2 / sPi));
    const double sig0 = std::sqrt(std::max(0.0, 1.0 - 4.0 * m02 / sPi));
    const double dSym = (2.0 * sPi - mp2) * sigC * norm;
    const double dReal = ((4.0 * (mp2 - m02) + sPi) * sigC + (sPi - m02) * (1.0 + 1.5 / kRQuark) * sig0) * norm;
    d00 += dReal - dSym;
  }
  return d00 - d11;
}

double Ke4Decay::matrixElement2(const CMVariables& v) const {
  const double mK2 = mK_ * mK_, mPi2 = mPi_ * mPi_;
  const double lam = kallen(mK2, v.sPi, v.sE);
  if (lam <= 0.0 || v.sPi <= 4.0 * mPi2 || v.sE <= 0.0) return 0.0;
  // kaon-physics.md 2.5 (Pais-Treiman, m_e -> 0):
  // X = lambda^{1/2}(m_K^2, s_pi, s_e)/2, sigma = sqrt(1 - 4 m_pi^2/s_pi),
  // alpha = sigma (m_K^2 - s_pi - s_e)/(2 m_K^2), beta = sqrt((s_pi - 4 m_pi^2) s_e)/m_K^2,
  // gamma = X/m_K^2
  const double X = 0.5 * std::sqrt(lam);
  const double sig = std::sqrt(1.0 - 4.0 * mPi2 / v.sPi);
  const double al = sig * (mK2 - v.sPi - v.sE) / (2.0 * mK2);
  const double be = std::sqrt((v.sPi - 4.0 * mPi2) * v.sE) / mK2;
  const double ga = X / mK2;
  // form factors in units of f_s: F = F_s/f_s, g = G_p/f_s, h = H_p/f_s, and
  // g' = g + gamma (F_p/f_s)/alpha, used as alpha g' = alpha g + gamma F_p/f_s (finite at
  // threshold where alpha -> 0)
  const double q2 = v.sPi / (4.0 * mPi2) - 1.0;
  const double F = 1.0 + config_.fsPrime * q2 + config_.fsDoublePrime * q2 * q2 + config_.fePrime * v.sE / (4.0 * mPi2);
  const double g = config_.gp + config_.gpPrime * q2;
  const double h = config_.hp;
  const double ag = al * g + ga * config_.fp;  // alpha g'
  const double delta = phaseShift(v.sPi);
  const double cd = std::cos(delta), sd = std::sin(delta);

  const double cp = v.cosThetaPi, sp = std::sqrt(std::max(0.0, 1.0 - cp * cp));
  const double ce = v.cosThetaE, se = std::sqrt(std::max(0.0, 1.0 - ce * ce));
  const double cf = std::cos(v.phi), sf = std::sin(v.phi);
  const double se2 = se * se, sp2 = sp * sp;
  const double be2 = be * be, ga2 = ga * ga;

  // sum c_i b_i with c1 = F^2, c2 = g^2, c3 = g'^2, c4 = h^2, c5 = F g' cos d, c6 = F g cos d,
  // c7 = F h cos d, c8 = g g', c9 = g' h, c10 = g h, c11 = F g sin d, c12 = F h sin d
  double m2 = F * F * ga2 * se2;                                      // c1 b1
  m2 += g * g * be2 * sp2 * (1.0 - se2 * cf * cf);                    // c2 b2
  m2 += ag * ag * cp * cp * se2;                                      // c3 b3 (alpha^2 g'^2)
  m2 += h * h * be2 * ga2 * sp2 * (1.0 - se2 * sf * sf);              // c4 b4
  m2 += F * ag * cd * 2.0 * ga * cp * se2;                            // c5 b5
  m2 += F * g * cd * 2.0 * be * ga * sp * se * ce * cf;               // c6 b6
  m2 += F * h * cd * (-2.0) * be * ga2 * sp * se * cf;                // c7 b7
  m2 += g * ag * 2.0 * be * sp * cp * se * ce * cf;                   // c8 b8
  m2 += ag * h * (-2.0) * be * ga * sp * cp * se * cf;                // c9 b9
  m2 += g * h * (-2.0) * be2 * ga * sp2 * ce;                         // c10 b10
  m2 += F * g * sd * 2.0 * be * ga * sp * se * sf;                    // c11 b11
  m2 += F * h * sd * (-2.0) * be * ga2 * sp * se * ce * sf;           // c12 b12
  return m2;
}

double Ke4Decay::angularIntegral(double sPi, double sE) const {
  const double mK2 = mK_ * mK_, mPi2 = mPi_ * mPi_;
  const double lam = kallen(mK2, sPi, sE);
  if (lam <= 0.0 || sPi <= 4.0 * mPi2 || sE <= 0.0) return 0.0;
  const double X = 0.5 * std::sqrt(lam);
  const double sig = std::sqrt(1.0 - 4.0 * mPi2 / sPi);
  const double al = sig * (mK2 - sPi - sE) / (2.0 * mK2);
  const double be = std::sqrt((sPi - 4.0 * mPi2) * sE) / mK2;
  const double ga = X / mK2;
  const double q2 = sPi / (4.0 * mPi2) - 1.0;
  const double F = 1.0 + config_.fsPrime * q2 + config_.fsDoublePrime * q2 * q2 + config_.fePrime * sE / (4.0 * mPi2);
  const double g = config_.gp + config_.gpPrime * q2;
  const double h = config_.hp;
  const double ag = al * g + ga * config_.fp;
  // int b1 = 16pi/3 gamma^2, int b2 = 32pi/9 beta^2, int b3 = 16pi/9 alpha^2,
  // int b4 = 32pi/9 beta^2 gamma^2; b5..b12 integrate to zero.
  return 16.0 * pi / 3.0 * F * F * ga * ga + 32.0 * pi / 9.0 * g * g * be * be +
         16.0 * pi / 9.0 * ag * ag + 32.0 * pi / 9.0 * h * h * be * be * ga * ga;
}

double Ke4Decay::phaseSpaceDensity(double sPi, double sE) const {
  const double mK2 = mK_ * mK_, mPi2 = mPi_ * mPi_, mE2 = mE_ * mE_;
  const double lam = kallen(mK2, sPi, sE);
  if (lam <= 0.0 || sPi <= 4.0 * mPi2 || sE <= mE2) return 0.0;
  return 0.5 * std::sqrt(lam) * std::sqrt(1.0 - 4.0 * mPi2 / sPi) * (1.0 - mE2 / sE);
}

Ke4Decay::CMVariables Ke4Decay::cmRestFrame(const FourVector& p1, const FourVector& p2,
                                            const FourVector& p3, const FourVector& p4) {
  CMVariables v;
  const FourVector pp = p1 + p2, ln = p3 + p4;
  v.sPi = pp.m2();
  v.sE = ln.m2();
  const Vector3 n = unitOr(pp.vec(), Vector3{0, 0, 1});
  // pi+ in the pi pi rest frame, e+ in the e nu rest frame
  const Vector3 uPi = unitOr(p1.boosted(pp.vec() * (-1.0 / pp.e)).vec(), n);
  const Vector3 uE = unitOr(p3.boosted(ln.vec() * (-1.0 / ln.e)).vec(), -n);
  v.cosThetaPi = std::clamp(uPi.dot(n), -1.0, 1.0);
  v.cosThetaE = std::clamp(-uE.dot(n), -1.0, 1.0);  // w.r.t. the e nu direction (-n)
  const Vector3 tPi = uPi - n * uPi.dot(n);
  const Vector3 tE = uE - n * uE.dot(n);
  v.phi = std::atan2(tPi.cross(n).dot(tE), tPi.dot(tE));
  return v;
}

Ke4Decay::CMVariables Ke4Decay::cabibboMaksymowicz(const FourVector& piPlus, const FourVector& piMinus,
                                                   const FourVector& ePlus, const FourVector& nu) {
  const FourVector tot = piPlus + piMinus + ePlus + nu;
  const Vector3 b = tot.vec() * (-1.0 / tot.e);
  return cmRestFrame(piPlus.boosted(b), piMinus.boosted(b), ePlus.boosted(b), nu.boosted(b));
}

void Ke4Decay::generate(RandomStream& rng, DecayProducts& out) const {
  std::array<FourVector, 4> p;  // GENBOD order: e+, nu, pi+, pi-
  for (;;) {
    const double w = genbod_.generate(rng, p);
    if (accept_.accept(w * matrixElement2(cmRestFrame(p[2], p[3], p[0], p[1])), rng)) break;
  }
  out.clear();
  out.push(daughters_[0], p[2]);
  out.push(daughters_[1], p[3]);
  out.push(daughters_[2], p[0]);
  out.push(daughters_[3], p[1]);
}

std::string Ke4Decay::description() const {
  std::ostringstream os;
  os << "K+ -> pi+ pi- e+ nu: Pais-Treiman (PR 168 (1968) 1858) matrix element in the "
        "Cabibbo-Maksymowicz variables, NA48/2 form factors f's/fs = "
     << config_.fsPrime << ", f''s/fs = " << config_.fsDoublePrime << ", f'e/fs = " << config_.fePrime
     << ", fp/fs = " << config_.fp << ", gp/fs = " << config_.gp << ", g'p/fs = " << config_.gpPrime
     << ", hp/fs = " << config_.hp << "; delta = delta00 - delta11 from ACGL (Phys. Rep. 353 (2001) 207)"
     << (config_.isospinCorrection ? " + isospin-breaking correction" : "")
     << "; GENBOD 4-body + accept-reject (kaon-physics.md 2.5)";
  return os.str();
}

}  // namespace kaonlab::generator
