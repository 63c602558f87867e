// Transport of particles produced upstream of the decay tank (upstream K+ decays, issue 5):
// final collimator, TRIM5, GTK3 and CHANTI. docs/detector.md "Upstream transport".
#include <algorithm>
#include <cmath>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/detector/FastSimulation.hpp"

namespace kaonlab::detector {

UpstreamPassage FastSimulation::transportUpstream(int pdgId, const FourVector& p4, const Vector3& start) const {
  const auto& u = cfg_.upstream;
  const int q = charge(pdgId);
  UpstreamPassage r;
  Vector3 x = start;
  Vector3 p = p4.vec();
  r.momentum = p;
  r.position = x;
  if (p.z <= 0) {
    r.absorbed = true;
    return r;
  }
  auto moveTo = [&](double z) {
    if (z <= x.z) return false;
    const double dz = z - x.z;
    x = {x.x + p.x / p.z * dz, x.y + p.y / p.z * dz, z};
    return true;
  };
  auto inBox = [](const Vector3& v, double hx, double hy) { return std::abs(v.x) < hx && std::abs(v.y) < hy; };
  auto inCollimatorBlock = [&](const Vector3& v) {
    return inBox(v, u.collimatorOuterHalfX, u.collimatorOuterHalfY) &&
           !inBox(v, u.collimatorInnerHalfX, u.collimatorInnerHalfY);
  };
  // final collimator: absorbed when inside the block at a face downstream of the start (or at
  // the start itself when produced inside the block's z range)
  if (x.z >= u.collimatorZFront && x.z <= u.collimatorZBack && inCollimatorBlock(x)) {
    r.absorbed = r.inCollimator = true;
    r.position = x;
    return r;
  }
  for (double zf : {u.collimatorZFront, u.collimatorZBack}) {
    if (moveTo(zf) && inCollimatorBlock(x)) {
      r.absorbed = r.inCollimator = true;
      r.position = x;
      return r;
    }
  }
  // TRIM5: thin p_T kick in x, |p| kept (towards +x for positive particles)
  if (moveTo(u.trim5Z)) {
    r.trim5Position = x;
    if (q != 0) {
      const double pm = p.mag();
      p.x += q * u.trim5Kick;
      const double pt2 = p.x * p.x + p.y * p.y;
      if (pt2 >= pm * pm) {
        r.absorbed = true;
        r.position = x;
        r.momentum = p;
        return r;
      }
      p.z = std::sqrt(pm * pm - pt2);
    }
  }
  // GTK3 sensor
  if (moveTo(cfg_.gtk.z[2]) && q != 0 && inBox(x, cfg_.gtk.halfWidthX, cfg_.gtk.halfHeightY)) {
    r.gtk3 = true;
    r.gtk3Position = x;
  }
  // CHANTI stations: square rings between the hole and the outer square
  const auto& c = cfg_.chanti;
  for (std::size_t k = 0; k < c.z.size(); ++k) {
    if (!moveTo(c.z[k]) || q == 0) continue;
    if (inBox(x, c.outerHalfSide, c.outerHalfSide) && !inBox(x, c.innerHalfX, c.innerHalfY))
      r.chantiMask = static_cast<std::uint8_t>(r.chantiMask | (1u << k));
  }
  // tank entrance (Fe end-cap): outside the tank aperture the particle is stopped
  moveTo(cfg_.tank.zStart);
  r.position = x;
  r.momentum = p;
  if (std::sqrt(x.x * x.x + x.y * x.y) > cfg_.tank.radius[0]) r.absorbed = true;
  return r;
}

bool FastSimulation::upstreamResponse(int pdgId, int truthIndex, double t0, RandomStream& rng, FourVector& p,
                                      Vector3& start, DetectorEvent& out) const {
  const UpstreamPassage up = transportUpstream(pdgId, p, start);
  if (up.gtk3) {
    const double t = t0 + cfg_.upstream.gtk3HitSigmaTime * rng.gaussian();
    Gtk3Hit* h = DetectorEvent::push(out.gtk3Hits, out.nGtk3Hits, out.overflow);
    if (h) *h = {up.gtk3Position.x, up.gtk3Position.y, t, truthIndex};
  }
  for (int k = 0; k < 6; ++k) {
    if (!(up.chantiMask & (1u << k))) continue;
    const double uEff = rng.uniform(), g = rng.gaussian();
    if (uEff >= cfg_.upstream.chantiEfficiency) continue;
    ChantiHit* h = DetectorEvent::push(out.chanti, out.nChanti, out.overflow);
    if (h) *h = {k + 1, t0 + cfg_.chanti.sigmaTime * g, truthIndex};
  }
  if (up.absorbed) return false;
  p = FourVector::fromMass(up.momentum, std::sqrt(std::max(p.m2(), 0.0)));
  start = up.position;
  return true;
}

}  // namespace kaonlab::detector
