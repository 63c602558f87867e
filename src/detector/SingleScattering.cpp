#include "kaonlab/detector/SingleScattering.hpp"

#include <algorithm>
#include <cmath>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/core/Units.hpp"

namespace kaonlab::detector {

using namespace units;

namespace {
constexpr double kHighlandScale = 13.6 * MeV;                    // PDG Highland formula
constexpr double kHighlandLogTerm = 0.038;
constexpr double kChiC2Coefficient = 0.157 * 716.4 * MeV * MeV;  // 0.157 MeV^2 cm^2/g x 716.4 g/cm^2
constexpr double kRadiationLengthLogScale = 287.0;               // ln(287 / sqrt Z) in X0 (PDG)
constexpr double kNuclearRadiusR0 = 1.2e-12 * mm;                // r0 of R = r0 A^(1/3) (1.2 fm)
}  // namespace

SingleScatteringTail::SingleScatteringTail(const ScatteringLayer& layer) : layer_(layer) {
  const double t = layer.radiationLengths;
  if (t <= 0) return;
  highland_ = kHighlandScale * std::sqrt(t) * (1.0 + kHighlandLogTerm * std::log(t));
  chiC2Coeff_ = kChiC2Coefficient * t / std::log(kRadiationLengthLogScale / std::sqrt(layer.effectiveZ));
  if (layer.scatteringTail) {
    const double cut = layer.tailThreshold * highland_;  // at p beta = 1 GeV
    probability_ = chiC2Coeff_ / (cut * cut);
  }
}

double SingleScatteringTail::chiC2(double pBeta) const { return chiC2Coeff_ / (pBeta * pBeta); }

double SingleScatteringTail::maxAngle(double p) const {
  return constants::hbarc / (kNuclearRadiusR0 * std::cbrt(layer_.effectiveA)) / p;
}

double SingleScatteringTail::angle(double v, double p, double beta) const {
  const double theta = threshold(p * beta) / std::sqrt(std::max(1.0 - v, 1e-300));
  return theta > maxAngle(p) ? 0.0 : theta;
}

}  // namespace kaonlab::detector
