// Transport of particles produced upstream of the decay tank (upstream K+ decays, issue 5):
// second achromat (BEND 4A/4B, scraper, GTK2, BEND 5/6), final collimator, TRIM5, GTK3 and CHANTI. docs/detector.md "Upstream transport".
#include <algorithm>
#include <cmath>
#include <limits>

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
  // move to z (downstream of the current position) with the dipole fields everywhere in their
  // z ranges (used between and up to the dipoles, where the particle is field-free, and for the
  // beam-like part of a dipole crossing); TRIM5 is applied by hand below (field region, iron)
  auto moveTo = [&](double z) {
    if (z <= st.x.z) return false;
    beamline::propagate(st, z, q, u.dipoles, u.trim5Z, 0.0);
    return st.p.z > 0;
  };
  const double pMag = st.p.mag();
  // smallest t > tiny with a + b t + k t^2 / 2 = h (or +inf)
  auto firstRoot = [](double a, double b, double k, double h) {
    constexpr double tiny = 1e-9;
    double best = std::numeric_limits<double>::infinity();
    auto take = [&](double t) {
      if (t > tiny && t < best) best = t;
    };
    if (std::abs(k) < 1e-300) {
      if (b != 0) take((h - a) / b);
      return best;
    }
    const double disc = b * b - 2.0 * k * (a - h);
    if (disc < 0) return best;
    const double sq = std::sqrt(disc);
    take((-b + sq) / k);
    take((-b - sq) / k);
    return best;
  };
  // a dipole crossing (NA62's MCB, core/BeamLine.hpp): the field acts only inside the field
  // region |x| < halfX, |y - axis| < halfY; between entering and leaving it the particle
  // drifts straight in the gap; the yoke iron absorbs (checked at the ends of every piece and
  // at its middle)
  auto crossDipole = [&](const beamline::Dipole& d) -> bool {
    if (st.x.z < d.zStart() && !moveTo(d.zStart())) return false;
    if (beamline::mcbIron(d, st.x.x, st.x.y)) return false;  // at the entry (or the start inside)
    const double c = q * d.kickY / d.length;
    for (int piece = 0; piece < 8 && st.x.z < d.zEnd; ++piece) {
      const double left = d.zEnd - st.x.z;
      const double tx = st.p.x / st.p.z, ty = st.p.y / st.p.z, k = c / st.p.z;
      const double y0 = st.x.y - d.yAxis;
      bool inField = d.halfX <= 0;
      double len = left;
      if (!inField) {
        // inside (a small step ahead, so that a boundary point counts on the side it moves to)
        constexpr double ahead = 1e-6;
        const double xa = st.x.x + tx * ahead, ya = y0 + ty * ahead + 0.5 * k * ahead * ahead;
        inField = std::abs(xa) < d.halfX && std::abs(ya) < d.halfY;
        if (inField) {  // until the parabola leaves the region
          len = std::min({len, firstRoot(st.x.x, tx, 0.0, d.halfX), firstRoot(st.x.x, tx, 0.0, -d.halfX),
                          firstRoot(y0, ty, k, d.halfY), firstRoot(y0, ty, k, -d.halfY)});
        } else {  // straight until it enters the region (both coordinates inside)
          auto window = [](double a, double b, double h, double& lo, double& hi) {
            if (b == 0) {
              lo = std::abs(a) < h ? 0.0 : std::numeric_limits<double>::infinity();
              hi = std::numeric_limits<double>::infinity();
              return;
            }
            const double t1 = (-h - a) / b, t2 = (h - a) / b;
            lo = std::min(t1, t2), hi = std::max(t1, t2);
          };
          double lx, hx, ly, hy;
          window(st.x.x, tx, d.halfX, lx, hx);
          window(y0, ty, d.halfY, ly, hy);
          const double enter = std::max({lx, ly, 0.0}), exit = std::min(hx, hy);
          if (enter < exit && enter > 1e-9) len = std::min(len, enter);
        }
      }
      const double mid = 0.5 * len;
      const double cf = inField ? c : 0.0;
      const double z0 = st.x.z;
      if (!beamline::step(st, mid, cf, pMag)) return false;
      if (beamline::mcbIron(d, st.x.x, st.x.y)) return false;
      if (!beamline::step(st, len - mid, cf, pMag)) return false;
      if (beamline::mcbIron(d, st.x.x, st.x.y)) return false;
      if (st.x.z <= z0) break;
    }
    return st.x.z >= d.zEnd - 1e-6;
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
    if (!crossDipole(d)) return stop(st.p.z > 0 ? UpstreamPassage::Stop::Dipole : UpstreamPassage::Stop::Backwards);
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
  // TRIM5 (NA62's MDX geometry, DetectorConfig): iron frame at both faces, a thin p_T kick in x
  // at the centre (towards +x for positive particles, |p| kept) inside the field region only
  auto inTrim5Iron = [&](const Vector3& v) {
    return inBox(v, u.trim5OuterHalf, u.trim5OuterHalf) && !inBox(v, u.trim5GapHalf, u.trim5GapHalf);
  };
  const double t5Front = u.trim5Z - 0.5 * u.trim5Length, t5Back = u.trim5Z + 0.5 * u.trim5Length;
  if (st.x.z >= t5Front && st.x.z <= t5Back && inTrim5Iron(st.x)) return stop(UpstreamPassage::Stop::Trim5);
  if (t5Front > st.x.z) {
    if (!moveTo(t5Front)) return stop(UpstreamPassage::Stop::Backwards);
    if (inTrim5Iron(st.x)) return stop(UpstreamPassage::Stop::Trim5);
  }
  if (moveTo(u.trim5Z)) {
    r.trim5Position = st.x;
    if (q != 0 && inBox(st.x, u.trim5FieldHalfX, u.trim5FieldHalfY) && !beamline::kickX(st, q * u.trim5Kick, pMag))
      return stop(UpstreamPassage::Stop::Backwards);
  } else if (st.p.z <= 0) {
    return stop(UpstreamPassage::Stop::Backwards);
  }
  if (t5Back > st.x.z) {
    if (!moveTo(t5Back)) return stop(UpstreamPassage::Stop::Backwards);
    if (inTrim5Iron(st.x)) return stop(UpstreamPassage::Stop::Trim5);
  }
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
