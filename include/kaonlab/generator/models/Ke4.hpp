#pragma once
// K+ -> pi+ pi- e+ nu_e (Ke4) with the Pais-Treiman matrix element in the five
// Cabibbo-Maksymowicz variables (kaon-physics.md section 2.5):
//   A. Pais, S. B. Treiman, Phys. Rev. 168 (1968) 1858;
//   N. Cabibbo, A. Maksymowicz, Phys. Rev. 137 (1965) B438;
// form factors F = F_s e^{i delta_s} + F_p e^{i delta_p} cos theta_pi, G = G_p, H = H_p in the
// Amoros-Bijnens parameterisation with the NA48/2 ratios to f_s (EPJC 70 (2010) 635, values
// as in NA62MC kch2pipienu.F); delta = delta_0^0 - delta_1^1 from the ACGL Roy-equation
// solution (Ananthanarayan, Colangelo, Gasser, Leutwyler, Phys. Rep. 353 (2001) 207).
// Electron-mass terms of the matrix element are neglected (m_e -> 0, as in NA62MC); the
// kinematics use the true electron mass. No Coulomb or radiative correction.
// Generation: GENBOD 4-body phase space, accept-reject on (GENBOD weight x |M|^2) against a
// maximum found by a fixed-seed scan (scanMaximum, 3e5 points, +15%).
#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "kaonlab/core/FourVector.hpp"
#include "kaonlab/generator/DecayModel.hpp"
#include "kaonlab/generator/PhaseSpace.hpp"

namespace kaonlab::generator {

class Ke4Decay final : public DecayModel {
 public:
  /// Form-factor ratios to f_s (NA48/2, EPJC 70 (2010) 635; NA62MC "best NA48 measurements"),
  /// with q^2 = s_pi/(4 m_pi^2) - 1:
  ///   F_s/f_s = 1 + fsPrime q^2 + fsDoublePrime q^4 + fePrime s_e/(4 m_pi^2),
  ///   F_p/f_s = fp,  G_p/f_s = gp + gpPrime q^2,  H_p/f_s = hp.
  struct Config {
    double fsPrime = 0.152;
    double fsDoublePrime = -0.073;
    double fePrime = 0.068;
    double fp = -0.048;
    double gp = 0.868;
    double gpPrime = 0.089;
    double hp = -0.398;
    /// Add the one-loop isospin-breaking correction delta_real - delta_sym to delta_0^0
    /// (Colangelo-Gasser-Rusetsky, as in NA62MC). Off by default (central ACGL only).
    bool isospinCorrection = false;
  };

  /// Cabibbo-Maksymowicz variables (kaon-physics.md 2.5). theta_pi: pi+ in the pi pi rest
  /// frame w.r.t. the pi pi flight direction in the K frame; theta_e: e+ in the e nu rest
  /// frame w.r.t. the e nu flight direction; phi in (-pi, pi]: angle between the pi pi and
  /// e nu planes, with the NA62MC (kch2pipienu.F) orientation
  ///   cos phi = t_pi . t_e,  sin phi = (t_pi x n) . t_e,
  /// n = unit pi pi direction, t_pi, t_e = unit components of the pi+ and e+ directions
  /// (in their pair rest frames) transverse to n.
  struct CMVariables {
    double sPi = 0, sE = 0, cosThetaPi = 0, cosThetaE = 0, phi = 0;
  };

  static void validate(const Config& config);

  Ke4Decay() : Ke4Decay(Config{}) {}
  explicit Ke4Decay(const Config& config);

  /// Products in the order pi+, pi-, e+, nu_e (K+ at rest).
  void generate(RandomStream& rng, DecayProducts& out) const override;
  std::span<const int> daughters() const override { return daughters_; }
  std::string description() const override;
  std::uint64_t overflows() const override { return accept_.overflows(); }

  /// The five CM variables from the four momenta (any frame: they are first boosted to the
  /// rest frame of their sum).
  static CMVariables cabibboMaksymowicz(const FourVector& piPlus, const FourVector& piMinus,
                                        const FourVector& ePlus, const FourVector& nu);
  /// |M|^2 = sum_{i=1..12} c_i b_i (Pais-Treiman, kaon-physics.md 2.5), in units of f_s^2
  /// (arbitrary overall scale).
  double matrixElement2(const CMVariables& v) const;
  /// Integral of matrixElement2 over cos theta_pi, cos theta_e and phi at fixed (s_pi, s_e),
  /// in closed form (only b1..b4 survive).
  double angularIntegral(double sPi, double sE) const;
  /// Phase-space density in the CM variables (arbitrary scale):
  /// d5Phi ~ X sigma_pi (1 - m_e^2/s_e) ds_pi ds_e dcos theta_pi dcos theta_e dphi,
  /// X = lambda^{1/2}(m_K^2, s_pi, s_e)/2, sigma_pi = sqrt(1 - 4 m_pi^2/s_pi).
  double phaseSpaceDensity(double sPi, double sE) const;
  /// delta = delta_0^0 - delta_1^1 (rad) at s_pi (GeV^2), ACGL central solution.
  double phaseShift(double sPi) const;
  /// The accept-reject maximum of (GENBOD weight x |M|^2).
  double weightMax() const { return accept_.wmax(); }
  double sPiMin() const { return 4.0 * mPi_ * mPi_; }
  double sPiMax() const { return (mK_ - mE_) * (mK_ - mE_); }
  double sEMin() const { return mE_ * mE_; }
  double sEMax() const { return (mK_ - 2.0 * mPi_) * (mK_ - 2.0 * mPi_); }
  const Config& config() const { return config_; }

 private:
  /// CM variables for momenta already in the K rest frame.
  static CMVariables cmRestFrame(const FourVector& p1, const FourVector& p2, const FourVector& p3,
                                 const FourVector& p4);
  double findMaximum() const;

  Config config_;
  std::array<int, 4> daughters_{211, -211, -11, 12};
  double mK_, mPi_, mE_, mPi0_;
  /// GENBOD with the internal order e+, nu, pi+, pi- (its weight is flatter in this order:
  /// accept-reject efficiency 18% instead of 9% for pi+, pi-, e+, nu).
  Genbod genbod_;
  AcceptReject accept_;
};

}  // namespace kaonlab::generator
