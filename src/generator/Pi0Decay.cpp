#include "kaonlab/generator/Pi0Decay.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/PhaseSpace.hpp"

namespace kaonlab::generator {

Pi0Decayer::Pi0Decayer() : Pi0Decayer(Config{}) {}

Pi0Decayer::Pi0Decayer(const Config& cfg) : cfg_(cfg) {
  if (cfg.brGammaGamma < 0 || cfg.brDalitz < 0 || cfg.brGammaGamma + cfg.brDalitz <= 0)
    throw std::invalid_argument("Pi0Decayer: branching fractions must be >= 0 and not both 0");
  mpi0_ = mass(pdg::kPi0);
  me_ = mass(pdg::kElectron);
  r_ = 4.0 * me_ * me_ / (mpi0_ * mpi0_);
  pGammaGamma_ = cfg.brGammaGamma / (cfg.brGammaGamma + cfg.brDalitz);
}

Pi0Channel Pi0Decayer::naturalChannel(RandomStream& rng) const {
  return rng.uniform() < pGammaGamma_ ? Pi0Channel::GammaGamma : Pi0Channel::Dalitz;
}

double Pi0Decayer::dalitzDx(double x) const {
  if (x <= r_ || x >= 1.0) return 0.0;
  const double ff = 1.0 + cfg_.dalitzSlope * x;
  return std::pow(1.0 - x, 3) / x * (1.0 + r_ / (2.0 * x)) * std::sqrt(1.0 - r_ / x) * ff * ff;
}

void Pi0Decayer::AsymmetryBias::validate() const {
  if (!(fraction >= 0 && fraction < 1)) throw ConfigError("pi0 asymmetry bias: fraction must be in [0, 1)");
  if (!(width > 0 && width <= 1)) throw ConfigError("pi0 asymmetry bias: width must be in (0, 1]");
}

double Pi0Decayer::gammaGammaBiasedAtRest(const Vector3& flight, const AsymmetryBias& bias, RandomStream& rng,
                                          FourVector& a, FourVector& b) const {
  // u = |cos theta*| from the mixture g(u) = (1 - f) + (f / w) [u > 1 - w] on [0, 1]
  const double f = bias.fraction, w = bias.width;
  const double u = rng.uniform() < f ? 1.0 - w * rng.uniform() : rng.uniform();
  const double g = (1.0 - f) + (u > 1.0 - w ? f / w : 0.0);
  const double cosT = rng.uniform() < 0.5 ? u : -u;
  const double sinT = std::sqrt(std::max(0.0, 1.0 - cosT * cosT));
  const double phi = 2.0 * std::numbers::pi * rng.uniform();
  const double n = flight.mag();
  const Vector3 axis = n > 0 ? flight / n : Vector3{0, 0, 1};
  const Vector3 dir = rotateFromFrame(Vector3{sinT * std::cos(phi), sinT * std::sin(phi), cosT}, axis, 0.0);
  twoBodyAlong(mpi0_, 0.0, 0.0, dir, a, b);
  return 1.0 / g;
}

void Pi0Decayer::decayAtRest(Pi0Channel channel, RandomStream& rng, ProductList<3>& out) const {
  out.clear();
  switch (channel) {
    case Pi0Channel::GammaGamma: {
      FourVector a, b;
      twoBody(mpi0_, 0.0, 0.0, rng, a, b);
      out.push(pdg::kPhoton, a);
      out.push(pdg::kPhoton, b);
      return;
    }
    case Pi0Channel::MuMinusEPlus: {
      FourVector a, b;
      twoBody(mpi0_, mass(pdg::kMuon), me_, rng, a, b);
      out.push(pdg::kMuon, a);
      out.push(-pdg::kElectron, b);
      return;
    }
    case Pi0Channel::Dalitz: {
      // Kroll-Wada (NA62MC pi0Dalitz.cc; kaon-physics.md 2.7): ln x uniform removes 1/x;
      // accept with (1-x)^3 (1 + r/2x) sqrt(1 - r/x) (1 + a x)^2 <= 1.5 (1 + a)^2.
      const double lnr = std::log(r_);
      const double bound = 1.5 * (1.0 + std::abs(cfg_.dalitzSlope)) * (1.0 + std::abs(cfg_.dalitzSlope));
      double x;
      for (;;) {
        x = std::exp(lnr * rng.uniform());
        if (rng.uniform() * bound < x * dalitzDx(x)) break;
      }
      // e+ direction in the ee rest frame: (1 + beta^2 cos^2 + r/x) / 2 <= 1, with theta the
      // angle to the ee flight axis (y = beta cos theta).
      const double beta = std::sqrt(1.0 - r_ / x);
      double c;
      do {
        c = rng.uniform(-1.0, 1.0);
      } while (rng.uniform() * 2.0 > 1.0 + beta * beta * c * c + r_ / x);
      const double mee = mpi0_ * std::sqrt(x);
      FourVector pair, gamma;
      twoBody(mpi0_, mee, 0.0, rng, pair, gamma);
      const double phi = constants::two_pi * rng.uniform(), s = std::sqrt(1.0 - c * c);
      const Vector3 axis = pair.vec().unit();
      const Vector3 dir = rotateFromFrame({s * std::cos(phi), s * std::sin(phi), c}, axis, 0.0);
      const double pe = 0.5 * mee * beta;
      const Vector3 b = pair.beta();
      out.push(-pdg::kElectron, FourVector::fromMass(dir * pe, me_).boosted(b));
      out.push(pdg::kElectron, FourVector::fromMass(-(dir * pe), me_).boosted(b));
      out.push(pdg::kPhoton, gamma);
      return;
    }
  }
  throw std::logic_error("Pi0Decayer: unknown channel");
}

}  // namespace kaonlab::generator
