#pragma once
// Magnetic elements of the K12 beam line between GTK1 and GTK3 (the second achromat and
// TRIM5) and the transport of a charged particle through them, shared by the upstream-decay
// generator (the K+ followed backwards from GTK3) and the upstream transport of the detector
// simulation (the daughters followed forwards). docs/detector.md "Upstream transport",
// docs/physics.md "Upstream decays".
//
// Positions: ../shared/reference/na62-detector.md §1.2 ([FW-BEATCH] z of the downstream end,
// length; [FW-GTK] fields). The four MCB dipoles bend vertically, |B| = 1.6678 T over 2.5 m:
// p_T kick 0.3 x 1.6678 x 2.5 = 1.251 GeV/c each, signs from the [FW-GTK] field signs
// (BEND 4A -, 4B +, 5 +, 6 -: a positive particle is kicked towards -y in 4A and 6). With these
// numbers a 75 GeV/c beam on axis at GTK1 is at y = -60 mm between 4B and 5 (GTK2, §1.3) and
// back on axis after BEND 6 (test UpstreamTransport.NominalBeamFollowsTheAchromat).
// Inside a dipole the field is uniform (hard edges): p_y changes linearly with z (kick x
// dz / length) and y follows a parabola; |p| is kept. TRIM5 is a thin kick in x at its centre.
#include <array>
#include <cmath>

#include "kaonlab/core/FourVector.hpp"
#include "kaonlab/core/Units.hpp"

namespace kaonlab::beamline {

/// Vertical dipole (field along x): a particle of charge q gains q x kickY of p_y over its length
/// while it is inside the field region (|x| < halfX, |y - yAxis| < halfY); the iron around it is
/// NA62's MCB yoke (mcbIron). halfX = 0: field everywhere in the magnet's z range and no iron.
struct Dipole {
  double zEnd = 0;     ///< downstream end (mm)
  double length = 0;   ///< (mm)
  double kickY = 0;    ///< p_y kick of a unit positive charge over the full length (GeV, signed)
  double yAxis = 0;    ///< vertical position of the magnet axis (mm)
  double halfX = 0;    ///< field-region half-width (mm); 0 = field everywhere, no iron
  double halfY = 0;    ///< field-region half-height around yAxis (mm)
  int yoke = +1;       ///< +1: the yoke's base below the axis (gap open upwards); -1: yoke up (BEND 6)
  double zStart() const { return zEnd - length; }
};

/// MCB p_T kick: 0.3 x 1.6678 T x 2.5 m (na62-detector.md §1.2, computed from [FW-GTK]).
inline constexpr double kMcbKick = 0.299792458 * 1.6678 * 2.5 * units::GeV;
inline constexpr double kMcbLength = 2.5 * units::m;
/// MCB field region and yoke, NA62's Geant4 geometry (na62fw NA62Tools GigaTrackerParameterTools.hh:
/// MCBMagnetLength 1250 x 1246 x 2500, MCBMagnetFieldLength 80 x 160, BaseYLength 300,
/// GapXLength 100, SideYLength 646, HatYLength 300, BeamYPos 764; NA62MC GigaTrackerMCBMagnet.cc
/// places them): the uniform field fills |x| < 40, |y - axis| < 80 mm; the iron, in the magnet's
/// frame (u = |x|, v = yoke (y - axis)), is the base (u < 625, -844 < v < -544), the two sides
/// (50 < u < 625, -544 < v < 102) and the two hats (50 < u < 280, 102 < v < 402): a 100 mm wide
/// gap open on the far side of the base. BEND 6 is mounted yoke up (GigaTrackerDetector.cc).
inline constexpr double kMcbFieldHalfX = 40.0 * units::mm;
inline constexpr double kMcbFieldHalfY = 80.0 * units::mm;
inline constexpr double kMcbGapHalfX = 50.0 * units::mm;
inline constexpr double kMcbOuterHalfX = 625.0 * units::mm;
inline constexpr double kMcbHatOuterX = 280.0 * units::mm;
inline constexpr double kMcbBaseBottom = -844.0 * units::mm, kMcbBaseTop = -544.0 * units::mm;
inline constexpr double kMcbSideTop = 102.0 * units::mm, kMcbHatTop = 402.0 * units::mm;

/// True when (x, y) (mm) lies in the iron of dipole d's MCB yoke (false for d.halfX = 0).
inline bool mcbIron(const Dipole& d, double x, double y) {
  if (d.halfX <= 0) return false;
  const double u = std::abs(x), v = d.yoke * (y - d.yAxis);
  if (u >= kMcbOuterHalfX || v <= kMcbBaseBottom || v >= kMcbHatTop) return false;
  if (v < kMcbBaseTop) return true;                      // base
  if (u <= kMcbGapHalfX) return false;                   // the gap
  return v < kMcbSideTop || u < kMcbHatOuterX;           // sides, hats
}

/// BEND 4A, 4B, 5, 6 (z_end 82.980, 86.580, 95.860, 99.460 m; axes y = 0, -50, -50, 0 mm;
/// §1.2 [FW-BEATCH], [FW-GTK]; the MCB raw positions of na62fw GigaTrackerParameterTools.cc
/// give the same axes), BEND 6 yoke up.
inline std::array<Dipole, 4> secondAchromat() {
  using units::m;
  using units::mm;
  return {{{82.980 * m, kMcbLength, -kMcbKick, 0.0, kMcbFieldHalfX, kMcbFieldHalfY, +1},
           {86.580 * m, kMcbLength, +kMcbKick, -50.0 * mm, kMcbFieldHalfX, kMcbFieldHalfY, +1},
           {95.860 * m, kMcbLength, +kMcbKick, -50.0 * mm, kMcbFieldHalfX, kMcbFieldHalfY, +1},
           {99.460 * m, kMcbLength, -kMcbKick, 0.0, kMcbFieldHalfX, kMcbFieldHalfY, -1}}};
}

/// Position and momentum of a particle on its way through the beam line.
struct State {
  Vector3 x;  ///< mm
  Vector3 p;  ///< GeV
};

/// p.z from |p| = pm and the transverse momentum (0 when p_T reaches pm); false then.
inline bool keepMagnitude(State& s, double pm) {
  const double pt2 = s.p.x * s.p.x + s.p.y * s.p.y;
  s.p.z = pt2 < pm * pm ? std::sqrt(pm * pm - pt2) : 0.0;
  return s.p.z > 0;
}

/// Advance `s` by dz along z (either sign) through a uniform vertical field, dp_y/dz = c (0: a
/// drift): y on a parabola with the slopes at the start, p_y changed by c dz, |p| = pm kept.
/// False when p.z vanishes (the particle turned around).
inline bool step(State& s, double dz, double c, double pm) {
  const double pz = s.p.z;
  s.x = {s.x.x + s.p.x / pz * dz, s.x.y + s.p.y / pz * dz + 0.5 * c / pz * dz * dz, s.x.z + dz};
  s.p.y += c * dz;
  return keepMagnitude(s, pm);
}

/// Thin horizontal kick dpx (TRIM5), |p| = pm kept. False when p.z vanishes.
inline bool kickX(State& s, double dpx, double pm) {
  s.p.x += dpx;
  return keepMagnitude(s, pm);
}

/// Move `s` (charge q) from its z to `z` (either direction) through the dipoles `d` and the
/// thin TRIM5 kick (kickX towards +x for q > 0, at trim5Z), with the fields everywhere in the
/// magnets' z ranges (the beam stays inside the field regions; field regions and iron for
/// particles off the beam: detector::FastSimulation::transportUpstream). No apertures.
/// Requires p.z > 0.
template <std::size_t N>
void propagate(State& s, double z, int q, const std::array<Dipole, N>& d, double trim5Z, double trim5KickX) {
  const double dir = z >= s.x.z ? 1.0 : -1.0;
  const double pm = s.p.mag();
  // breakpoints between z0 and z: dipole edges and TRIM5, in the direction of motion
  std::array<double, 2 * N + 2> cuts{};
  std::size_t n = 0;
  auto between = [&](double c) { return dir > 0 ? (c > s.x.z && c < z) : (c < s.x.z && c > z); };
  for (const auto& m : d) {
    if (between(m.zStart())) cuts[n++] = m.zStart();
    if (between(m.zEnd)) cuts[n++] = m.zEnd;
  }
  if (between(trim5Z)) cuts[n++] = trim5Z;
  cuts[n++] = z;
  for (std::size_t i = 0; i < n; ++i)  // insertion sort in the direction of motion
    for (std::size_t j = i; j > 0 && dir * (cuts[j] - cuts[j - 1]) < 0; --j) std::swap(cuts[j], cuts[j - 1]);
  for (std::size_t i = 0; i < n; ++i) {
    const double zt = cuts[i], dz = zt - s.x.z;
    const double zm = s.x.z + 0.5 * dz;
    double c = 0;  // dp_y/dz in this segment
    for (const auto& m : d)
      if (q != 0 && zm > m.zStart() && zm < m.zEnd) c = q * m.kickY / m.length;
    if (!step(s, dz, c, pm)) return;
    s.x.z = zt;
    if (q != 0 && zt == trim5Z && trim5KickX != 0 && !kickX(s, dir * q * trim5KickX, pm)) return;
  }
}

}  // namespace kaonlab::beamline
