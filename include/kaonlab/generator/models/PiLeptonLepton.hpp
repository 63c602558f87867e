#pragma once
// K+ -> pi+ l+ l- (l = e, mu) with the D'Ambrosio-Ecker-Isidori-Portoles (DEIP) O(p^6)
// form factor W(z) = G_F m_K^2 (a+ + b+ z) + W_pipi(z)
//   G. D'Ambrosio, G. Ecker, G. Isidori, J. Portoles, JHEP 08 (1998) 004, hep-ph/9808289;
//   kaon-physics.md sections 3.1-3.4 (the parameterisation of NA62MC kch2pill.F).
// Fully differential rate in the Dalitz variables z = m_ll^2/m_K^2, x = m_{pi l+}^2/m_K^2:
//   d2Gamma/dx dz = alpha^2 m_K/(8 pi (4 pi)^4) |W(z)|^2 D(x,z),
//   D(x,z) = lambda(1,z,r_pi^2) (1 - beta_l^2 cos^2 theta_l)                  (section 3.2)
// No radiative (PHOTOS) or Coulomb correction is applied.
#include <array>
#include <complex>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kaonlab/generator/DecayModel.hpp"

namespace kaonlab::generator {

class PiLeptonLeptonDecay final : public DecayModel {
 public:
  struct Config {
    /// 13 (mu) or 11 (e): the l- PDG id.
    int leptonPdg = 13;
    /// DEIP form-factor parameters; defaults: NA62 K -> pi mu mu, JHEP 11 (2022) 011
    /// (the values of the NA62 talk). For pi e e the reference uses NA48/2 2009:
    /// a+ = -0.578, b+ = -0.779 (see electronDefaults()).
    double aPlus = -0.575;
    double bPlus = -0.722;
    /// Coulomb (Sommerfeld) factor of the three charged pairs, w_C = prod A/(exp(A) - 1),
    /// A = -+2 pi alpha / beta_ij (attractive l+l- and pi+l-, repulsive pi+l+; kaon-physics.md
    /// 3.5, G. Isidori, EPJC 53 (2008) 567, applied by NA62MC kch2pill.F). It raises the
    /// pi mu mu rate by 2.84% (pi e e 2.29%; scripts/checks/kpill_coulomb.py): with it the
    /// published a+, b+ give B = 9.09e-8 against NA62's 9.15 +- 0.08 (8.84 without).
    bool coulomb = true;
  };

  /// Throws std::invalid_argument for a lepton other than 11/13 or non-finite a+, b+.
  static void validate(const Config& config);
  /// NA48/2 (PLB 677 (2009) 246) pi+ e+ e- parameters a+ = -0.578, b+ = -0.779.
  static Config electronDefaults();

  PiLeptonLeptonDecay() : PiLeptonLeptonDecay(Config{}) {}
  explicit PiLeptonLeptonDecay(const Config& config);

  /// Products in the order pi+, l+, l- (K+ at rest).
  void generate(RandomStream& rng, DecayProducts& out) const override;
  std::span<const int> daughters() const override { return daughters_; }
  std::string description() const override;
  std::uint64_t overflows() const override;

  /// W(z), dimensionless (DEIP eq. for W_+, kaon-physics.md 3.1).
  std::complex<double> formFactor(double z) const;
  /// |W(z)|^2.
  double formFactor2(double z) const { return std::norm(formFactor(z)); }
  /// dGamma/dz in GeV, absolute (kaon-physics.md 3.2, times coulombFactor(z) when the
  /// Coulomb correction is on); 0 outside (zMin, zMax).
  double dGammaDz(double z) const;
  /// d2Gamma/(dz dcos theta_l) in GeV: dGamma/dz(no Coulomb) * 3 (1 - beta^2 c^2) / (2 (3 - beta^2))
  /// * w_C(z, c), theta_l = angle between l+ and the pi+ direction in the l+l- rest frame.
  double d2GammaDzDcos(double z, double cosTheta) const;
  /// Mean Coulomb weight at z over cos theta_l (weight 1 - beta^2 c^2); 1 when off.
  double coulombFactor(double z) const;
  /// Coulomb weight w_C(z, cos theta_l) of the three pairs; 1 when off.
  double coulombWeight(double z, double cosTheta) const;
  /// Lepton velocity in the l+l- rest frame, beta_l = sqrt(1 - 4 r_l^2 / z).
  double leptonBeta(double z) const;
  double zMin() const { return zMin_; }
  double zMax() const { return zMax_; }
  /// Integral of dGamma/dz over (zMin, zMax), GeV.
  double partialWidth() const { return width_; }
  const Config& config() const { return config_; }
  /// Self-check of the sampling bounds: evaluates dGamma/dz at `points` z values (fixed
  /// seed) and counts those above the envelope or below the squeeze bound. Should be 0.
  std::uint64_t boundViolations(int points) const;

 private:
  void buildEnvelope();
  /// dGamma/dz without the Coulomb factor.
  double dGammaDzBare(double z) const;
  /// The pi+ and the leptons in the l+ l- rest frame at z: energy of pi+ plus one lepton,
  /// pi+ momentum, lepton momentum (GeV).
  struct PairFrame {
    double energy, pPi, q;
  };
  PairFrame pairFrame(double z) const;
  /// The pi+ l+ and pi+ l- Sommerfeld factors at cos theta_l, and an upper bound of their
  /// product over cos theta_l at the frame's z (for the accept-reject of cos theta_l).
  double pionLeptonCoulomb(const PairFrame& frame, double cosTheta) const;
  double pionLeptonCoulombBound(const PairFrame& frame) const;

  Config config_;
  std::array<int, 3> daughters_;
  double mK_, mPi_, mL_;
  double rPi2_, rL2_;
  double zMin_, zMax_;
  double prefactor_;  ///< alpha^2 m_K / (12 pi (4 pi)^4)
  double gfmk2_;      ///< G_F m_K^2
  double width_ = 0.0;
  // Piecewise-constant envelope of dGamma/dz on uniform z bins, sampled by Walker's alias
  // method; exact accept-reject against it, with a squeeze (a lower bound per bin) that
  // accepts most proposals without evaluating W(z).
  double binWidth_ = 0.0;
  std::vector<double> envelope_;
  std::vector<double> squeeze_;
  std::vector<double> aliasProb_;
  std::vector<std::uint32_t> alias_;
  AcceptReject zAccept_{1.0};
  AcceptReject cosAccept_{1.0};
  mutable std::atomic<std::uint64_t> squeezeViolations_{0};
};

}  // namespace kaonlab::generator
