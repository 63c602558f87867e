// Multiple Coulomb scattering of a singly charged particle in a thin layer: the Highland core
// and the Moliere single-scattering (Rutherford) tail. The one place where these formulas live
// (docs/physics.md "Single Coulomb scattering tails"); used for the STRAW chambers (kinked
// tracks) and for the K+ in GTK3 (kinked kaon after its last measured point).
#pragma once

namespace kaonlab::detector {

/// Material of a thin scattering layer (a STRAW chamber, a GTK station).
struct ScatteringLayer {
  double radiationLengths = 0;  ///< thickness x/X0
  bool scatteringTail = true;   ///< draw the single-scattering tail (else the layer has none)
  double effectiveZ = 1;        ///< effective atomic number (chi_c^2 and X0)
  double effectiveA = 1;        ///< effective mass number (nuclear-size cut-off)
  double tailThreshold = 3.5;   ///< tail drawn above this many Highland theta0 (model: where the tail exceeds the core)
};

/// Scattering of one layer. Lengths and momenta in kaonlab units (GeV); angles in radians.
class SingleScatteringTail {
 public:
  SingleScatteringTail() = default;  ///< no material: theta0 = 0, no tail
  explicit SingleScatteringTail(const ScatteringLayer& layer);

  /// Highland (PDG "Passage of particles through matter"): theta0 = 13.6 MeV/(beta c p)
  /// sqrt(x/X0) (1 + 0.038 ln(x/X0)), per projection.
  double theta0(double pBeta) const { return highland_ / pBeta; }
  /// Moliere chi_c^2 = 0.157 MeV^2 cm^2/g Z(Z+1) x/A / (p beta)^2 (Bethe 1953; Lynch & Dahl,
  /// NIM B58 (1991) 6, eq. 2) with Z(Z+1) x/A from the radiation length (PDG):
  /// X0 = 716.4 g/cm^2 A / (Z(Z+1) ln(287/sqrt Z)).
  double chiC2(double pBeta) const;
  /// Space angle above which the tail is drawn: tailThreshold x theta0.
  double threshold(double pBeta) const { return layer_.tailThreshold * theta0(pBeta); }
  /// Probability of one scatter above the threshold, chi_c^2 / threshold^2 (the Rutherford
  /// tail, P(> theta) = chi_c^2 / theta^2); independent of p because both scale as 1/(p beta).
  double probability() const { return probability_; }
  /// Nuclear form factor: momentum transfers above hbar c / R, R = 1.2 fm A^(1/3), are
  /// suppressed (model cut-off).
  double maxAngle(double p) const;
  /// Tail angle from a uniform v in [0, 1): theta = threshold / sqrt(1 - v) (inverse of the
  /// 1/theta^2 law); 0 beyond the nuclear cut-off (no kink).
  double angle(double v, double p, double beta) const;

  const ScatteringLayer& layer() const { return layer_; }

 private:
  ScatteringLayer layer_{};
  double highland_ = 0;     ///< theta0 x p beta (GeV)
  double chiC2Coeff_ = 0;   ///< chi_c^2 x (p beta)^2 (GeV^2)
  double probability_ = 0;
};

}  // namespace kaonlab::detector
