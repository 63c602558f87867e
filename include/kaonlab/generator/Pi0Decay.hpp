#pragma once
// pi0 decays at the K+ vertex (c tau = 25 nm): gamma gamma, the Dalitz decay e+ e- gamma
// (Kroll-Wada with a linear transition form factor), and the LFV mode mu- e+ (forced).
// kaon-physics.md section 2.7; PDG S009 branching fractions.
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/core/Random.hpp"
#include "kaonlab/generator/DecayProducts.hpp"

namespace kaonlab::generator {

enum class Pi0Channel { GammaGamma, Dalitz, MuMinusEPlus };

class Pi0Decayer {
 public:
  struct Config {
    double brGammaGamma = 0.98823;  ///< PDG S009
    double brDalitz = 0.01174;      ///< PDG S009
    double dalitzSlope = 0.032;     ///< transition form-factor slope a (NA62MC VMD; PDG 0.0335)
  };
  Pi0Decayer();
  explicit Pi0Decayer(const Config& cfg);

  /// Pick gamma gamma or Dalitz with their relative branching fractions.
  Pi0Channel naturalChannel(RandomStream& rng) const;
  /// Decay a pi0 of lab four-momentum p through `channel`; appends the products (lab).
  template <std::size_t N>
  void decay(Pi0Channel channel, const FourVector& p, RandomStream& rng, ProductList<N>& out) const {
    ProductList<3> rest;
    decayAtRest(channel, rng, rest);
    const Vector3 b = p.beta();
    for (const auto& d : rest) out.push(d.pdgId, d.p.boosted(b));
  }
  /// Decay at rest.
  void decayAtRest(Pi0Channel channel, RandomStream& rng, ProductList<3>& out) const;

  /// Importance sampling of pi0 -> gamma gamma toward asymmetric decays (one soft photon,
  /// the configurations that escape the photon vetoes): u = |cos theta*| of the photons
  /// about the pi0 flight direction is drawn from g(u) = (1 - fraction) + fraction/width on
  /// [1 - width, 1] (and 1 - fraction below) instead of uniformly; the sign and the azimuth
  /// stay uniform. Returns the exact weight 1/g(u) (true density / sampled density), so
  /// weighted sums are unbiased. fraction = 0 is the natural decay (weight 1).
  struct AsymmetryBias {
    double fraction = 0;   ///< share of the decays drawn in the asymmetric band, [0, 1)
    double width = 0.02;   ///< band 1 - width < |cos theta*| <= 1, (0, 1]
    void validate() const;
  };
  template <std::size_t N>
  double decayGammaGammaBiased(const FourVector& p, const AsymmetryBias& bias, RandomStream& rng,
                               ProductList<N>& out) const {
    FourVector a, b;
    const double w = gammaGammaBiasedAtRest(p.vec(), bias, rng, a, b);
    const Vector3 beta = p.beta();
    out.push(pdg::kPhoton, a.boosted(beta));
    out.push(pdg::kPhoton, b.boosted(beta));
    return w;
  }

  /// Dalitz e+e- mass spectrum dGamma/dx, x = m_ee^2/m_pi0^2 (Kroll-Wada x (1 + a x)^2),
  /// unnormalised.
  double dalitzDx(double x) const;
  double dalitzXMin() const { return r_; }
  const Config& config() const { return cfg_; }

 private:
  double gammaGammaBiasedAtRest(const Vector3& flight, const AsymmetryBias& bias, RandomStream& rng, FourVector& a,
                                FourVector& b) const;
  Config cfg_;
  double mpi0_, me_, r_;
  double pGammaGamma_;  ///< probability of gamma gamma among {gamma gamma, Dalitz}
};

}  // namespace kaonlab::generator
