#pragma once
// K+ -> pi+ gamma gamma in chiral perturbation theory (kaon-physics.md section 4):
//  * O(p^4): Ecker, Pich, de Rafael, Nucl. Phys. B303 (1988) 665 (pion and kaon loops +
//    counterterm c-hat), A(z), B = D = 0;
//  * O(p^6): D'Ambrosio, Portoles, Nucl. Phys. B492 (1997) 417, hep-ph/9606213 (unitarity
//    corrections from the K -> 3 pi amplitude, Kambor-Missimer-Wyler parameters): A(z,y), B(z);
//  both with the pi0/eta pole amplitude C(z), as parameterised in NA62MC kch2pigg.F.
// Variables: z = m_gg^2/m_K^2, y = (E_g1 - E_g2)/m_K (K rest frame), |y| <= lambda^{1/2}(1,r^2,z)/2,
//   d2Gamma/dy dz = N { z^2 [|A + B|^2 + |C|^2] + (y^2 - lambda/4)^2 |B|^2 }          (section 4.1)
// The absolute normalisation N = m_K/(2^9 pi^3) (alpha/pi)^2 / 2 (the 1/2 for identical photons)
// is uncertain at the 10% level (kaon-physics.md 4.3): use the model for shapes and normalise to
// the measured branching ratio.
#include <array>
#include <complex>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kaonlab/generator/DecayModel.hpp"

namespace kaonlab::generator {

class PiGammaGammaDecay final : public DecayModel {
 public:
  struct Config {
    /// Counterterm c-hat: 1.713 is the NA62 preliminary value of the talk; the published
    /// NA62 value (PLB 850 (2024) 138513) is 1.144 (O(p^6)).
    double cHat = 1.713;
    enum class Order { P4, P6 } order = Order::P6;
  };

  /// Amplitudes at fixed z: A(z,y) = a0 + a2 y^2 (a2 = 0 at O(p^4)), B(z), C(z); D = 0.
  /// Overall factor alpha/pi dropped (as in NA62MC), dimensionless.
  struct Amplitudes {
    std::complex<double> a0, a2, b, c;
  };

  /// Throws std::invalid_argument for a non-finite c-hat.
  static void validate(const Config& config);

  PiGammaGammaDecay() : PiGammaGammaDecay(Config{}) {}
  explicit PiGammaGammaDecay(const Config& config);

  /// Products in the order pi+, gamma, gamma (K+ at rest).
  void generate(RandomStream& rng, DecayProducts& out) const override;
  std::span<const int> daughters() const override { return daughters_; }
  std::string description() const override;
  std::uint64_t overflows() const override;

  Amplitudes amplitudes(double z) const;
  /// d2Gamma/dy dz in GeV (normalisation approximate, see above); 0 outside the Dalitz region.
  double density(double z, double y) const;
  /// dGamma/dz in GeV: the y integral of density(), done in closed form (the integrand is a
  /// polynomial in y^2 at fixed z).
  double dGammaDz(double z) const;
  /// Half-width of the y range at z: lambda^{1/2}(1, r_pi^2, z)/2.
  double yMax(double z) const;
  double zMin() const { return 0.0; }
  double zMax() const { return zMax_; }
  /// Integral of dGammaDz (GeV); the absolute scale is uncertain (see above).
  double partialWidth() const { return width_; }
  const Config& config() const { return config_; }
  /// Self-check of the sampling bounds at `points` random (z, y) (fixed seed): counts points
  /// where the density exceeds the envelope or leaves the squeeze band. Should be 0.
  std::uint64_t boundViolations(int points) const;

 private:
  /// Coefficients of the density at fixed z as a polynomial in t = y^2 (without N).
  struct Poly {
    double p0, p1, p2, yMax;
  };
  Poly poly(double z) const;
  static double polyIntegral(const Poly& p);
  void buildEnvelope();

  Config config_;
  std::array<int, 3> daughters_{211, 22, 22};
  double mK_, mPi_, r2_, r_, zMax_;
  double norm_;
  double lRho_;    ///< ln(m_pi^2/m_rho^2)
  double g8mk2_;   ///< G8 m_K^2
  double rEta2_;   ///< (m_eta/m_K)^2
  double gPi0_;    ///< r_pi Gamma_pi0 / m_K
  double width_ = 0.0;
  // Sampling of (z, y): z bins chosen by Walker's alias method with weights h * G_k,
  // G_k >= max over the bin of 2 yMax(z) P(z, y^2); z uniform in the bin, y uniform in
  // (-yMax, yMax); accept with 2 yMax P / G_k. Squeeze: P is compared first with its linear
  // interpolation in z of the coefficients p0, p1, p2 (band +- eps_k), the exact amplitudes
  // are evaluated only inside the band (or in bins flagged exactOnly).
  struct Bin {
    double g = 0, eps = 0;
    bool exactOnly = false;
  };
  double interpolated(std::size_t k, double z, double t) const;

  double binWidth_ = 0.0;
  std::vector<Bin> bins_;
  std::vector<std::array<double, 3>> edgeCoef_;  ///< p0, p1, p2 at the bin edges
  std::vector<double> aliasProb_;
  std::vector<std::uint32_t> alias_;
  AcceptReject accept_{1.0};
  mutable std::atomic<std::uint64_t> squeezeViolations_{0};
};

}  // namespace kaonlab::generator
