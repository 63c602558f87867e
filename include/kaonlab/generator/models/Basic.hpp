#pragma once
// K+ decay models with simple matrix elements:
//  TwoBodyDecay         K+ -> mu+ nu, e+ nu, pi+ pi0 (isotropic, fixed momentum)
//  K3piDecay            K+ -> pi+ pi+ pi-, pi+ pi0 pi0 (Dalitz slopes g, h, k)
//  Kl3Decay             K+ -> pi0 l+ nu (vector and scalar form factors)
//  PiNuNuDecay          K+ -> pi+ nu nubar (vector form factor)
//  FlatPhaseSpaceDecay  uniform n-body phase space (LFV/LNV modes)
// Formulas: ../shared/reference/kaon-physics.md sections 2.1-2.4, 5, 7 (see docs/physics.md).
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "kaonlab/generator/DecayModel.hpp"
#include "kaonlab/generator/PhaseSpace.hpp"

namespace kaonlab::generator {

class TwoBodyDecay final : public DecayModel {
 public:
  TwoBodyDecay(int pdg1, int pdg2);
  void generate(RandomStream& rng, DecayProducts& out) const override;
  std::span<const int> daughters() const override { return ids_; }
  std::string description() const override;

 private:
  std::array<int, 2> ids_;
  double p_, e1_, e2_;
};

class K3piDecay final : public DecayModel {
 public:
  /// |M|^2 = 1 + g u + h u^2 + k v^2, u = (s3 - s0)/m_pi+^2, v = (s2 - s1)/m_pi+^2 (PDG).
  struct Config {
    bool neutral = false;  ///< false: pi+ pi+ pi-; true: pi0 pi0 pi+ (odd pion is the pi+)
    double g = -0.21134;   ///< NA48/2 (PDG S010GT); pi+pi0pi0 default set by forNeutral()
    double h = 0.01848;    ///< NA62MC (NA48/2)
    double k = -0.00463;   ///< NA62MC (NA48/2)
    /// PDG polynomial values for K+ -> pi+ pi0 pi0: g = 0.626 (PDG S010GTP), h = 0.052,
    /// k = 0.0054 (kaon-physics.md 2.3; h, k "memory, unverified").
    static Config forNeutral() { return {true, 0.626, 0.052, 0.0054}; }
  };
  explicit K3piDecay(const Config& cfg);
  void generate(RandomStream& rng, DecayProducts& out) const override;
  std::span<const int> daughters() const override { return ids_; }
  std::string description() const override;
  std::uint64_t overflows() const override { return envelope_->overflows(); }

  /// Dalitz variables of a point (products in daughters() order: even, even, odd).
  std::pair<double, double> uv(const ThreeBodyDalitz::Point& pt) const;
  double matrixElement2(double u, double v) const;
  const ThreeBodyDalitz& dalitz() const { return dalitz_; }
  const Config& config() const { return cfg_; }

 private:
  Config cfg_;
  std::array<int, 3> ids_;
  ThreeBodyDalitz dalitz_;
  double s0_, mpi2_;
  std::unique_ptr<DalitzEnvelope> envelope_;
};

class Kl3Decay final : public DecayModel {
 public:
  /// Form factors (PDG S010LMM conventions, t in units of m_pi+^2):
  /// f+(t) = 1 + lambdaPlus1 t + lambdaPlus2/2 t^2, f0(t) = 1 + lambda0 t.
  struct Config {
    int leptonPdg = 11;           ///< 11 (Ke3) or 13 (Kmu3)
    double lambdaPlus1 = 0.0252;  ///< lambda'+ (FlaviaNet, NA62MC)
    double lambdaPlus2 = 0.0016;  ///< lambda''+ (FlaviaNet, NA62MC)
    double lambda0 = 0.0134;      ///< lambda0 (kaon-physics.md 2.2, memory, unverified)
  };
  explicit Kl3Decay(const Config& cfg);
  void generate(RandomStream& rng, DecayProducts& out) const override;
  std::span<const int> daughters() const override { return ids_; }
  std::string description() const override;
  std::uint64_t overflows() const override { return envelope_->overflows(); }

  /// Dalitz density rho(E_pi, E_l) (arbitrary normalisation); 0 outside the region.
  double density(double ePi, double eLepton) const;
  const ThreeBodyDalitz& dalitz() const { return dalitz_; }
  /// Partial width up to a common constant (integral of rho over the Dalitz plot),
  /// for ratios such as Gamma(Kmu3)/Gamma(Ke3).
  double integratedDensity(int grid = 800) const;

 private:
  Config cfg_;
  std::array<int, 3> ids_;  // pi0, l+, nu
  ThreeBodyDalitz dalitz_;
  double ml_, mK_, mpi_;
  std::unique_ptr<DalitzEnvelope> envelope_;
};

class PiNuNuDecay final : public DecayModel {
 public:
  /// dGamma/dq^2 ~ lambda^{3/2}(m_K^2, m_pi^2, q^2) |f+(q^2)|^2 (kaon-physics.md 2.4);
  /// f+ quadratic with the Ke3 slopes scaled by 0.99 (NA62MC kch2pinunu.cc).
  struct Config {
    double lambdaPlus1 = 0.99 * 0.0252;
    double lambdaPlus2 = 0.99 * 0.0016;
  };
  explicit PiNuNuDecay(const Config& cfg);
  void generate(RandomStream& rng, DecayProducts& out) const override;
  std::span<const int> daughters() const override { return ids_; }
  std::string description() const override;
  std::uint64_t overflows() const override { return ar_.overflows(); }

  /// dGamma/dq^2 up to normalisation.
  double spectrumQ2(double q2) const;
  /// Pion momentum in the K rest frame for a given q^2.
  double pionMomentum(double q2) const;
  double q2Max() const { return q2Max_; }

 private:
  Config cfg_;
  std::array<int, 3> ids_;  // pi+, nu, nubar
  double mK_, mpi_, q2Max_;
  AcceptReject ar_;
};

class FlatPhaseSpaceDecay final : public DecayModel {
 public:
  explicit FlatPhaseSpaceDecay(std::vector<int> daughters);
  void generate(RandomStream& rng, DecayProducts& out) const override;
  std::span<const int> daughters() const override { return ids_; }
  std::string description() const override;
  std::uint64_t overflows() const override { return ar_.overflows(); }

 private:
  std::vector<int> ids_;
  std::vector<double> masses_;
  std::unique_ptr<ThreeBodyDalitz> dalitz_;
  std::unique_ptr<Genbod> genbod_;
  AcceptReject ar_;
};

}  // namespace kaonlab::generator
