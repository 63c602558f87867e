#include "kaonlab/generator/models/Radiative.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "kaonlab/core/ParticleData.hpp"

namespace kaonlab::generator {

using constants::alpha_em;
using constants::pi;

double softPhotonExponent(double beta) {
  return alpha_em / pi * (std::log((1.0 + beta) / (1.0 - beta)) / beta - 2.0);
}

namespace {
/// Composite Simpson weights helper: integrate f over [a,b] with n (even) intervals.
template <class F>
double simpson(F&& f, double a, double b, int n) {
  n += n % 2;
  const double h = (b - a) / n;
  double s = f(a) + f(b);
  for (int i = 1; i < n; ++i) s += (i % 2 ? 4.0 : 2.0) * f(a + i * h);
  return s * h / 3.0;
}
}  // namespace

// ---------------------------------------------------------------------------------------
// K+ -> l+ nu gamma (IB). Bijnens, Ecker, Gasser, Nucl. Phys. B396 (1993) 81
// (hep-ph/9209261): d^2Gamma_IB/dxdy = Gamma(l nu) alpha / (2 pi (1-r)^2) f_IB(x,y)
// (kaon-physics.md 2.6). The normalisation is checked in the tests against the
// soft-photon limit dGamma/dx -> Gamma(l nu) b / x.
Kl2GammaIBDecay::Kl2GammaIBDecay(const Config& cfg)
    : cfg_(cfg),
      ids_{-cfg.leptonPdg, cfg.leptonPdg + 1, pdg::kPhoton},
      dalitz_(mass(pdg::kKPlus), mass(cfg.leptonPdg), 0.0, 0.0) {
  if (cfg.leptonPdg != pdg::kMuon) throw std::invalid_argument("Kl2GammaIBDecay: only the muon mode is supported");
  mK_ = mass(pdg::kKPlus);
  const double ml = mass(cfg.leptonPdg);
  r_ = ml * ml / (mK_ * mK_);
  xMin_ = 2.0 * cfg.eGammaMin / mK_;
  if (!(xMin_ > 0.0 && xMin_ < xMax()))
    throw std::invalid_argument("Kl2GammaIBDecay: photon energy cut outside (0, E_max)");
  relativeRate_ = simpson([this](double lx) { const double x = std::exp(lx); return x * relativeDx(x); },
                          std::log(xMin_), std::log(xMax()), 400);
}

const AcceptReject& Kl2GammaIBDecay::acceptReject() const {
  std::call_once(arOnce_, [this] {
    ar_ = AcceptReject(scanMaximum([this](RandomStream& r) {
      const double x = xMin_ * std::pow(xMax() / xMin_, r.uniform());
      const double y = r.uniform(yMin(x), yMax());
      return fIB(x, y) * x * (yMax() - yMin(x));
    }, 400000, 0.15));
  });
  return ar_;
}

double Kl2GammaIBDecay::fIB(double x, double y) const {
  if (x <= 0.0 || x > 1.0 - r_ || y < yMin(x) || y > yMax()) return 0.0;
  const double d = x + y - 1.0 - r_;
  if (d <= 0.0) return 0.0;
  return (1.0 - y + r_) / (x * x * d) *
         (x * x + 2.0 * (1.0 - x) * (1.0 - r_) - 2.0 * x * r_ * (1.0 - r_) / d);
}

double Kl2GammaIBDecay::relativeDensity(double x, double y) const {
  return alpha_em / (2.0 * pi * (1.0 - r_) * (1.0 - r_)) * fIB(x, y);
}

double Kl2GammaIBDecay::relativeDx(double x) const {
  return simpson([&](double y) { return relativeDensity(x, y); }, yMin(x), yMax(), 400);
}

void Kl2GammaIBDecay::generate(RandomStream& rng, DecayProducts& out) const {
  const AcceptReject& ar = acceptReject();
  ThreeBodyDalitz::Point pt;
  for (;;) {
    const double x = xMin_ * std::pow(xMax() / xMin_, rng.uniform());
    const double ylo = yMin(x);
    const double y = rng.uniform(ylo, yMax());
    if (!ar.accept(fIB(x, y) * x * (yMax() - ylo), rng)) continue;
    const double eGamma = 0.5 * x * mK_, eLepton = 0.5 * y * mK_;
    const double ml2 = r_ * mK_ * mK_;
    const double m12sq = mK_ * mK_ - 2.0 * mK_ * eGamma;            // (l nu)
    const double m23sq = mK_ * mK_ + ml2 - 2.0 * mK_ * eLepton;      // (nu gamma)
    if (dalitz_.inside(m12sq, m23sq, pt)) break;
  }
  emitThreeBody(dalitz_, pt, ids_, rng, out);
}

std::string Kl2GammaIBDecay::description() const {
  return fmt::format("K+ -> mu+ nu gamma (IB, E*_gamma > {:.1f} MeV): Bijnens-Ecker-Gasser f_IB; "
                     "Gamma/Gamma(mu nu) = {:.4e}",
                     cfg_.eGammaMin / units::MeV, relativeRate_);
}

// ---------------------------------------------------------------------------------------
// K+ -> pi+ pi0 gamma (IB), Low theorem: A_IB = e A(K -> pi pi0) eps*.(p_pi/(p_pi.q) - p_K/(p_K.q)),
// summed over polarisations |A_IB|^2 = e^2 |A0|^2 [2 p_pi.p_K/((p_pi.q)(p_K.q)) - m_pi^2/(p_pi.q)^2
// - m_K^2/(p_K.q)^2] (kaon-physics.md 2.6). With dR_3 = pi^2 dE_gamma dE_pi and R_2 = pi p*/m_K:
// Gamma(pi pi0 gamma)/Gamma(pi pi0) = alpha m_K/(2 pi p*) Int S dE_gamma dE_pi.
PiPi0GammaIBDecay::PiPi0GammaIBDecay(const Config& cfg)
    : cfg_(cfg),
      ids_{pdg::kPiPlus, pdg::kPi0, pdg::kPhoton},
      dalitz_(mass(pdg::kKPlus), mass(pdg::kPiPlus), mass(pdg::kPi0), 0.0) {
  mK_ = mass(pdg::kKPlus);
  mpi_ = mass(pdg::kPiPlus);
  pStar_ = twoBodyMomentum(mK_, mpi_, mass(pdg::kPi0));
  if (!(cfg.eGammaMin > 0.0 && cfg.eGammaMin < eGammaMax()))
    throw std::invalid_argument("PiPi0GammaIBDecay: photon energy cut outside (0, E_max)");
  relativeRate_ = relativeRate(cfg.eGammaMin);
}

const AcceptReject& PiPi0GammaIBDecay::acceptReject() const {
  std::call_once(arOnce_, [this] {
    const double lmin = std::log(cfg_.eGammaMin), lmax = std::log(eGammaMax());
    ar_ = AcceptReject(scanMaximum([&, lmin, lmax](RandomStream& r) {
      const double eg = std::exp(r.uniform(lmin, lmax));
      const auto [lo, hi] = ePiRange(eg);
      return lowFactor(r.uniform(lo, hi), eg) * eg * (hi - lo);
    }, 400000, 0.15));
  });
  return ar_;
}

double PiPi0GammaIBDecay::eGammaMax() const {
  const double m = mpi_ + mass(pdg::kPi0);
  return (mK_ * mK_ - m * m) / (2.0 * mK_);
}

std::pair<double, double> PiPi0GammaIBDecay::ePiRange(double eGamma) const {
  const double m12sq = mK_ * mK_ - 2.0 * mK_ * eGamma;
  const auto [lo, hi] = dalitz_.m23Range(m12sq);
  return {(mK_ * mK_ + mpi_ * mpi_ - hi) / (2.0 * mK_), (mK_ * mK_ + mpi_ * mpi_ - lo) / (2.0 * mK_)};
}

double PiPi0GammaIBDecay::lowFactor(double ePi, double eGamma) const {
  const double mpi0 = mass(pdg::kPi0);
  const double ePi0 = mK_ - ePi - eGamma;
  const double pPi2 = ePi * ePi - mpi_ * mpi_, pPi02 = ePi0 * ePi0 - mpi0 * mpi0;
  if (pPi2 <= 0 || pPi02 < 0 || eGamma <= 0) return 0.0;
  const double pPi = std::sqrt(pPi2);
  double c = (pPi02 - pPi2 - eGamma * eGamma) / (2.0 * pPi * eGamma);
  if (c < -1.0 || c > 1.0) return 0.0;
  const double piq = eGamma * (ePi - pPi * c);
  const double kq = mK_ * eGamma;
  return 2.0 * ePi * mK_ / (piq * kq) - mpi_ * mpi_ / (piq * piq) - mK_ * mK_ / (kq * kq);
}

double PiPi0GammaIBDecay::relativeRate(double eGammaMin,
                                       const std::function<bool(double, double)>& region) const {
  // midpoint rule in (ln E_gamma, E_pi): robust with a sharp region boundary
  const int n = region ? 1500 : 600;
  const double lmin = std::log(eGammaMin), lmax = std::log(eGammaMax());
  const double dl = (lmax - lmin) / n;
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const double eg = std::exp(lmin + (i + 0.5) * dl);
    const auto [lo, hi] = ePiRange(eg);
    const double de = (hi - lo) / n;
    double inner = 0;
    for (int j = 0; j < n; ++j) {
      const double ep = lo + (j + 0.5) * de;
      if (region && !region(ep, eg)) continue;
      inner += lowFactor(ep, eg);
    }
    sum += inner * de * eg;
  }
  return alpha_em * mK_ / (2.0 * pi * pStar_) * sum * dl;
}

void PiPi0GammaIBDecay::generate(RandomStream& rng, DecayProducts& out) const {
  const AcceptReject& ar = acceptReject();
  const double lmin = std::log(cfg_.eGammaMin), lmax = std::log(eGammaMax());
  ThreeBodyDalitz::Point pt;
  for (;;) {
    const double eg = std::exp(rng.uniform(lmin, lmax));
    const auto [lo, hi] = ePiRange(eg);
    const double ep = rng.uniform(lo, hi);
    if (!ar.accept(lowFactor(ep, eg) * eg * (hi - lo), rng)) continue;
    const double m12sq = mK_ * mK_ - 2.0 * mK_ * eg;             // (pi+ pi0)
    const double m23sq = mK_ * mK_ + mpi_ * mpi_ - 2.0 * mK_ * ep;  // (pi0 gamma)
    if (dalitz_.inside(m12sq, m23sq, pt)) break;
  }
  emitThreeBody(dalitz_, pt, ids_, rng, out);
}

std::string PiPi0GammaIBDecay::description() const {
  return fmt::format("K+ -> pi+ pi0 gamma (IB, E*_gamma > {:.1f} MeV): Low theorem; "
                     "Gamma/Gamma(pi+ pi0) = {:.4e}",
                     cfg_.eGammaMin / units::MeV, relativeRate_);
}

}  // namespace kaonlab::generator
