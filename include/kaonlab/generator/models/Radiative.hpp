#pragma once
// Inner-bremsstrahlung (IB) radiative decays with a photon above a configurable energy
// E*_gamma (K rest frame):
//  Kl2GammaIBDecay     K+ -> l+ nu gamma, Bijnens-Ecker-Gasser f_IB (hep-ph/9209261)
//  PiPi0GammaIBDecay   K+ -> pi+ pi0 gamma, Low theorem
// Both carry the rate relative to the non-radiative parent, so the catalogue can give the
// radiative channel its BR and subtract it from the parent (no double counting).
// kaon-physics.md section 2.6; validated against the soft-photon limit and the PDG
// K+ -> pi+ pi0 gamma (IB, T*_pi 55-90 MeV) branching ratio (docs/validation.md).
#include <array>
#include <mutex>
#include <functional>

#include "kaonlab/generator/DecayModel.hpp"
#include "kaonlab/generator/PhaseSpace.hpp"

namespace kaonlab::generator {

/// Soft-photon exponent b = (alpha/pi) [ ln((1+beta)/(1-beta))/beta - 2 ]: the photon
/// spectrum of a decay at rest into one charged particle of velocity beta is
/// dGamma/dE = Gamma_0 b / E for E -> 0.
double softPhotonExponent(double beta);

class Kl2GammaIBDecay final : public DecayModel {
 public:
  struct Config {
    int leptonPdg = 13;                ///< muon (the electron's collinear peak is not sampled efficiently)
    double eGammaMin = 0.010;          ///< GeV, photon energy in the K rest frame
  };
  explicit Kl2GammaIBDecay(const Config& cfg);
  void generate(RandomStream& rng, DecayProducts& out) const override;
  std::span<const int> daughters() const override { return ids_; }
  std::string description() const override;
  std::uint64_t overflows() const override { return ar_.overflows(); }

  /// BEG f_IB(x, y), x = 2E_gamma/m_K, y = 2E_l/m_K (0 outside the Dalitz region).
  double fIB(double x, double y) const;
  /// d^2Gamma/dxdy / Gamma(K -> l nu) = alpha/(2 pi (1-r)^2) f_IB.
  double relativeDensity(double x, double y) const;
  /// Gamma(l nu gamma, E_gamma > eGammaMin) / Gamma(l nu) (numerical integral).
  double relativeRate() const { return relativeRate_; }
  /// dGamma/dx / Gamma(l nu) at x (numerical integral over y).
  double relativeDx(double x) const;
  double yMin(double x) const { return 1.0 - x + r_ / (1.0 - x); }
  double yMax() const { return 1.0 + r_; }
  double xMin() const { return xMin_; }
  double xMax() const { return 1.0 - r_; }
  double r() const { return r_; }

 private:
  Config cfg_;
  std::array<int, 3> ids_;  // l+, nu, gamma
  ThreeBodyDalitz dalitz_;
  double mK_, r_, xMin_;
  double relativeRate_ = 0;
  /// accept-reject maximum scanned on the first generate() (the catalogue needs only the rate)
  const AcceptReject& acceptReject() const;
  mutable std::once_flag arOnce_;
  mutable AcceptReject ar_;
};

class PiPi0GammaIBDecay final : public DecayModel {
 public:
  struct Config {
    double eGammaMin = 0.010;  ///< GeV, photon energy in the K rest frame
  };
  explicit PiPi0GammaIBDecay(const Config& cfg);
  void generate(RandomStream& rng, DecayProducts& out) const override;
  std::span<const int> daughters() const override { return ids_; }
  std::string description() const override;
  std::uint64_t overflows() const override { return ar_.overflows(); }

  /// Low-theorem |A_IB|^2 / (e^2 |A(K -> pi pi0)|^2) in the K rest frame.
  double lowFactor(double ePi, double eGamma) const;
  /// Gamma(pi+ pi0 gamma, region) / Gamma(pi+ pi0): (alpha m_K / (2 pi p*)) Int S dE_gamma dE_pi
  /// over E_gamma > eGammaMin (and the optional region predicate on (E_pi, E_gamma)).
  double relativeRate(double eGammaMin,
                      const std::function<bool(double ePi, double eGamma)>& region = {}) const;
  double relativeRate() const { return relativeRate_; }
  /// Range of E_pi at fixed E_gamma (K rest frame).
  std::pair<double, double> ePiRange(double eGamma) const;
  double eGammaMax() const;

 private:
  Config cfg_;
  std::array<int, 3> ids_;  // pi+, pi0, gamma
  ThreeBodyDalitz dalitz_;
  double mK_, mpi_, pStar_;
  double relativeRate_ = 0;
  /// accept-reject maximum scanned on the first generate() (the catalogue needs only the rate)
  const AcceptReject& acceptReject() const;
  mutable std::once_flag arOnce_;
  mutable AcceptReject ar_;
};

}  // namespace kaonlab::generator
