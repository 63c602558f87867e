#pragma once
// The generator-level (truth) record of one beam particle and its decay.
// Flat, fixed capacity, no heap allocation: particles refer to their parent by index.
#include <array>
#include <cstddef>
#include <cstdint>

#include "kaonlab/core/FourVector.hpp"

namespace kaonlab::generator {

struct TruthParticle {
  int pdgId = 0;
  FourVector p;     ///< lab four-momentum (GeV)
  int parent = -1;  ///< index of the parent in TruthEvent::particles; -1 = the beam kaon
  int status = 1;   ///< 1 = final state, 2 = decayed at the K+ vertex (pi0)
};

struct TruthEvent {
  static constexpr std::size_t kMaxParticles = 16;

  std::uint64_t index = 0;   ///< event index in the run (drives its random numbers)
  int mode = -1;             ///< index of the decay mode in the catalogue
  double weight = 1.0;       ///< see docs/physics.md "event weights"
  int beamPdgId = 321;       ///< beam particle (K+)
  FourVector beamMomentum;   ///< beam particle four-momentum at the decay point (GeV; = at GTK3 for decays downstream of TRIM5)
  FourVector beamOrigin;     ///< (x, y, z, t) where the beam particle crosses the reference plane
  FourVector decayVertex;    ///< (x, y, z, t) of the K+ decay (mm, ns)
  std::array<TruthParticle, kMaxParticles> particles{};
  std::size_t nParticles = 0;

  void clearParticles() { nParticles = 0; }
  int add(const TruthParticle& p) {
    particles[nParticles] = p;
    return static_cast<int>(nParticles++);
  }
  /// Sum of the four-momenta of final-state particles.
  FourVector finalStateSum() const {
    FourVector s;
    for (std::size_t i = 0; i < nParticles; ++i)
      if (particles[i].status == 1) s += particles[i].p;
    return s;
  }
};

}  // namespace kaonlab::generator
