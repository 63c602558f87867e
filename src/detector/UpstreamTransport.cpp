// Transport of particles produced upstream of the decay tank (upstream K+ decays, issue 5):
// second achromat (BEND 4A/4B, scraper, GTK2, BEND 5/6), final collimator, TRIM5, GTK3 and CHANTI. docs/detector.md "Upstream transport".
#include <algorithm>
#include <cmath>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/detector/FastSimulation.hpp"

namespace kaonlab::detector {

UpstreamPassage FastSimulation::transportUpstream(int pdgId, const FourVector& p4, const Vector3& start) const {
  const auto& u = cfg_.upstream;
  const int q = charge(pdgId);
  UpstreamPassage r;
  beamline::State st{start, p4.vec()};
  r.momentum = st.p;
  r.position = start;
  if (st.p.z <= 0) {
    r.absorbed = true;
    r.stop = UpstreamPassage::Stop::Backwards;
    return r;
  }
  auto stop = [&](UpstreamPassage::Stop why) {
    r.absorbed = true;
    r.stop = why;
    r.inCollimator = why == UpstreamPassage::Stop::Collimator;
    r.position = st.x;
    r.momentum = st.p;
    return r;
  };
  // move to z (downstream of the current position) through the dipole fields and TRIM5
  auto moveTo = [&](double z) {
    if (z <= st.x.z) return false;
    beamline::propagate(st, z, q, u.dipoles, u.trim5Z, u.trim5Kick);
    return st.p.z > 0;
  };
  auto inBox = [](const Vector3& v, double hx, double hy, double y0 = 0) {
    return std::abs(v.x) < hx && std::abs(v.y - y0) < hy;
  };
  // second achromat: dipole apertures checked at the entry, 3 interior points and the exit
  // (the trajectory is a parabola: its largest excursion is at an end or near the middle)
  // with the scraper and GTK2 in between
  for (const auto& d : u.dipoles) {
    if (u.scraperZEnd <= d.zStart() && u.scraperZEnd > st.x.z) {  // scraper (and GTK2) before this dipole
      const double zs = u.scraperZEnd - u.scraperLength;
      for (double f : {0.0, 0.5, 1.0}) {
        const double z = std::max(st.x.z, zs + f * u.scraperLength);
        if (z > st.x.z && !moveTo(z)) return stop(UpstreamPassage::Stop::Backwards);
        if (!inBox(st.x, u.scraperHalfX, u.scraperHalfY, u.scraperCentreY)) return stop(UpstreamPassage::Stop::Scraper);
      }
    }
    if (cfg_.gtk.z[1] <= d.zStart() && cfg_.gtk.z[1] > st.x.z) {
      if (!moveTo(cfg_.gtk.z[1])) return stop(UpstreamPassage::Stop::Backwards);
      if (q != 0 && inBox(st.x, cfg_.gtk.halfWidthX, cfg_.gtk.halfHeightY, u.gtk2CentreY)) {
        r.gtk2 = true;
        r.gtk2Position = st.x;
      }
    }
    if (d.zEnd <= st.x.z) continue;
    for (double f : {0.0, 0.25, 0.5, 0.75, 1.0}) {
      const double z = std::max(st.x.z, d.zStart() + f * d.length);
      if (z > st.x.z && !moveTo(z)) return stop(UpstreamPassage::Stop::Backwards);
      if (d.halfX > 0 && !inBox(st.x, d.halfX, d.halfY, d.yAxis)) return stop(UpstreamPassage::Stop::Dipole);
    }
  }
  // final collimator of the selected design: absorbed when inside the block at a face
  // downstream of the start (or at the start itself when produced inside the block's z range)
  const bool d2018 = u.collimatorDesign == 2018;
  const double cFront = d2018 ? u.collimator2018ZFront : u.collimatorZFront;
  const double cBack = d2018 ? u.collimator2018ZBack : u.collimatorZBack;
  auto inCollimatorBlock = [&](const Vector3& v) { return u.collimatorMaterial(u.collimatorDesign, v.x, v.y); };
  if (st.x.z >= cFront && st.x.z <= cBack && inCollimatorBlock(st.x)) return stop(UpstreamPassage::Stop::Collimator);
  for (double zf : {cFront, cBack}) {
    if (zf <= st.x.z) continue;
    if (!moveTo(zf)) return stop(UpstreamPassage::Stop::Backwards);
    if (inCollimatorBlock(st.x)) return stop(UpstreamPassage::Stop::Collimator);
    if (zf == cBack) r.collimatorPosition = st.x;
  }
  // TRIM5: thin p_T kick in x, |p| kept (towards +x for positive particles), applied by moveTo
  if (moveTo(u.trim5Z)) r.trim5Position = st.x;
  else if (st.p.z <= 0) return stop(UpstreamPassage::Stop::Backwards);
  // GTK3 sensor
  if (moveTo(cfg_.gtk.z[2]) && q != 0 && inBox(st.x, cfg_.gtk.halfWidthX, cfg_.gtk.halfHeightY)) {
    r.gtk3 = true;
    r.gtk3Position = st.x;
  }
  // CHANTI stations: square rings between the hole and the outer square
  const auto& c = cfg_.chanti;
  for (std::size_t k = 0; k < c.z.size(); ++k) {
    if (!moveTo(c.z[k]) || q == 0) continue;
    if (inBox(st.x, c.outerHalfSide, c.outerHalfSide) && !inBox(st.x, c.innerHalfX, c.innerHalfY))
      r.chantiMask = static_cast<std::uint8_t>(r.chantiMask | (1u << k));
  }
  // tank entrance (Fe end-cap): outside the tank aperture the particle is stopped
  moveTo(cfg_.tank.zStart);
  r.position = st.x;
  r.momentum = st.p;
  if (std::sqrt(st.x.x * st.x.x + st.x.y * st.x.y) > cfg_.tank.radius[0]) {
    r.absorbed = true;
    r.stop = UpstreamPassage::Stop::Tank;
  }
  return r;
}

bool FastSimulation::upstreamResponse(int pdgId, int truthIndex, double t0, RandomStream& rng, FourVector& p,
                                      Vector3& start, DetectorEvent& out) const {
  const UpstreamPassage up = transportUpstream(pdgId, p, start);
  if (up.gtk2) {  // GTK2 hit (not used by the selection; recorded for completeness)
    const double t = t0 + cfg_.upstream.gtk3HitSigmaTime * rng.gaussian();
    Gtk3Hit* h = DetectorEvent::push(out.gtk3Hits, out.nGtk3Hits, out.overflow);
    if (h) *h = {up.gtk2Position.x, up.gtk2Position.y, t, truthIndex, 2};
  }
  if (up.gtk3) {
    const double t = t0 + cfg_.upstream.gtk3HitSigmaTime * rng.gaussian();
    Gtk3Hit* h = DetectorEvent::push(out.gtk3Hits, out.nGtk3Hits, out.overflow);
    if (h) *h = {up.gtk3Position.x, up.gtk3Position.y, t, truthIndex, 3};
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
