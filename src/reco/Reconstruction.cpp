#include "kaonlab/reco/Reconstruction.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"

namespace kaonlab::reco {

using detector::DetectorEvent;

namespace {
inline double rad(double x, double y) { return std::sqrt(x * x + y * y); }

/// A track as two straight lines (before and after the MNP33 kick), with the slopes
/// computed once: the same arithmetic as Reconstruction::extrapolate, without the
/// per-call divisions and square root.
struct TrackLine {
  double x0, y0, z0, tx, ty;  // before the magnet: x = x0 + tx (z - z0)
  double zM, xM, yM, txA, tyA;  // after: x = xM + txA (z - zM)

  TrackLine(const RecoTrack& t, double zMagnet, int kickSign, double ptKick) {
    const Vector3& p = t.momentum;
    const Vector3& x = t.positionStraw1;
    x0 = x.x;
    y0 = x.y;
    z0 = x.z;
    tx = p.x / p.z;
    ty = p.y / p.z;
    zM = zMagnet;
    xM = x0 + tx * (zM - z0);
    yM = y0 + ty * (zM - z0);
    const double pm = p.mag();
    const double px = p.x + t.charge * kickSign * ptKick;
    const double pz = std::sqrt(std::max(pm * pm - px * px - p.y * p.y, 1e-12));
    txA = px / pz;
    tyA = p.y / pz;
  }
  Vector3 at(double z) const {
    if (z <= zM) return {x0 + tx * (z - z0), y0 + ty * (z - z0), z};
    return {xM + txA * (z - zM), yM + tyA * (z - zM), z};
  }
};

// One check per detector of NA62's GeometricAcceptance; lineInAcceptance combines those asked for.
bool strawAccepts(const TrackLine& line, const detector::DetectorConfig& d) {
  for (int k = 0; k < 4; ++k) {
    const Vector3 x = line.at(d.straw.z[k]);
    if (rad(x.x - d.straw.holeCentreX[k], x.y) <= d.straw.holeRadius || rad(x.x, x.y) >= d.straw.outerRadius)
      return false;
  }
  return true;
}

bool richAccepts(const TrackLine& line, const detector::DetectorConfig& d) {
  const Vector3 rf = line.at(d.rich.zFront), rb = line.at(d.rich.zBack);
  const double r1 = rad(rf.x - d.rich.frontHoleCentreX, rf.y), r2 = rad(rb.x - d.rich.backHoleCentreX, rb.y);
  return r1 > d.rich.holeRadius && r2 > d.rich.holeRadius && r1 < d.rich.outerRadius && r2 < d.rich.outerRadius;
}

bool chodAccepts(const TrackLine& line, const detector::DetectorConfig& d) {
  const Vector3 ch = line.at(d.chod.zChod);
  const double rc = rad(ch.x, ch.y);
  return rc > d.chod.chodRMin && rc < d.chod.chodRMax;
}

bool newChodAccepts(const TrackLine& line, const detector::DetectorConfig& d) {
  const Vector3 nc = line.at(d.chod.zNewChod);
  const double rn = rad(nc.x, nc.y);
  return rn > d.chod.newChodRMin && rn < d.chod.newChodRMax;
}

// inside the LAV crystal rings downstream of the vertex (a track through a LAV is lost):
// per run of planes (see detail::LavRuns) its first plane with z >= vertex z and its last
bool lavAccepts(const TrackLine& line, double vertexZ, const detail::LavRuns& lav) {
  for (int k = 0; k < lav.nRuns; ++k) {
    const auto& run = lav.runs[k];
    int i = run.first;
    while (i <= run.last && lav.z[i] < vertexZ) ++i;
    if (i > run.last) continue;
    const Vector3 x = line.at(lav.z[i]);
    if (rad(x.x, x.y) >= run.rInner) return false;
    if (i < run.last) {
      const Vector3 y = line.at(lav.z[run.last]);
      if (rad(y.x, y.y) >= run.rInner) return false;
    }
  }
  return true;
}

bool lkrAccepts(const TrackLine& line, const detector::DetectorConfig& d) {
  const Vector3 lk = line.at(d.lkr.zFront);
  const double ax = std::abs(lk.x), ay = std::abs(lk.y);
  return rad(lk.x, lk.y) > d.lkr.rInner && ax < d.lkr.apothem && ay < d.lkr.apothem &&
         ax + ay < std::sqrt(2.0) * d.lkr.apothem;
}

bool muv3Accepts(const TrackLine& line, const detector::DetectorConfig& d) {
  const Vector3 m3 = line.at(d.muv.zMuv3);
  return rad(m3.x, m3.y) > d.muv.muv3RInner && std::abs(m3.x) < d.muv.muv3HalfSide &&
         std::abs(m3.y) < d.muv.muv3HalfSide;
}

bool lineInAcceptance(const TrackLine& line, double vertexZ, const detector::DetectorConfig& d,
                      const detail::LavRuns& lav, unsigned mask = Reconstruction::kAllDetectors) {
  using R = Reconstruction;
  return (!(mask & R::kStraw) || strawAccepts(line, d)) && (!(mask & R::kRich) || richAccepts(line, d)) &&
         (!(mask & R::kChod) || chodAccepts(line, d)) && (!(mask & R::kNewChod) || newChodAccepts(line, d)) &&
         (!(mask & R::kLav) || lavAccepts(line, vertexZ, lav)) && (!(mask & R::kLkr) || lkrAccepts(line, d)) &&
         (!(mask & R::kMuv3) || muv3Accepts(line, d));
}
}  // namespace

Cda closestApproach(const Vector3& p1, const Vector3& d1, const Vector3& p2, const Vector3& d2) {
  const Vector3 w0 = p1 - p2;
  const double a = d1.dot(d1), b = d1.dot(d2), c = d2.dot(d2), d = d1.dot(w0), e = d2.dot(w0);
  const double den = a * c - b * b;
  double s = 0, t = 0;
  if (den > 1e-300 * a * c && den > 0) {
    s = (b * e - c * d) / den;
    t = (a * e - b * d) / den;
  } else {  // parallel
    t = e / c;
  }
  const Vector3 c1 = p1 + d1 * s, c2 = p2 + d2 * t;
  return {(c1 - c2).mag(), (c1 + c2) * 0.5};
}

double missingMass2(const Vector3& pK, const Vector3& p, double m) {
  static const double mK = mass(pdg::kKPlus);
  const FourVector k = FourVector::fromMass(pK, mK);
  const FourVector x = FourVector::fromMass(p, m);
  return (k - x).m2();
}

namespace {
// integral_0^x a exp(-t^2 / 2 s^2) dt
double gaussIntegral(double a, double s, double x) {
  return a * s * std::sqrt(std::numbers::pi / 2.0) * std::erf(x / (s * std::numbers::sqrt2));
}
double kaonCdaIntegral(double x) {  // MatchingRG fCDA, x in mm (its fit: mm)
  return gaussIntegral(0.0702, 1.47, x) + gaussIntegral(0.0229, 2.6, x) + 0.0145 / -0.319 * (std::exp(-0.319 * x) - 1.0) +
         0.000033 * x - 0.0000016 * 0.5 * x * x;
}
double pileupCdaIntegral(double x) { return gaussIntegral(0.0122, 5.95, x) + gaussIntegral(0.0235, 13.87, x); }
double dtKtagIntegral(double t) { return gaussIntegral(0.027, 0.13, t) + gaussIntegral(0.0017, 0.23, t); }
double dtRichIntegral(double t) { return gaussIntegral(0.026, 0.141, t) + gaussIntegral(0.001, 0.279, t); }
constexpr double kCdaRange = 25.0;  // mm: the PDFs are set to 0 beyond (MatchingRG)
constexpr double kDtRange = 1.0;    // ns
// the normalisations, computed once at load (namespace-scope constants of this file)
const double kKaonCdaNorm = kaonCdaIntegral(kCdaRange), kPileupCdaNorm = pileupCdaIntegral(kCdaRange),
             kDtKtagNorm = dtKtagIntegral(kDtRange), kDtRichNorm = dtRichIntegral(kDtRange);
}  // namespace

double Reconstruction::na62KaonCdaCdf(double cda) {
  return kaonCdaIntegral(std::clamp(cda / units::mm, 0.0, kCdaRange)) / kKaonCdaNorm;
}
double Reconstruction::na62KaonDtKtagCdf(double dt) {
  return dtKtagIntegral(std::min(std::abs(dt) / units::ns, kDtRange)) / kDtKtagNorm;
}
double Reconstruction::na62KaonDtRichCdf(double dt) {
  return dtRichIntegral(std::min(std::abs(dt) / units::ns, kDtRange)) / kDtRichNorm;
}
double Reconstruction::na62PileupCdaCdf(double cda) {
  return pileupCdaIntegral(std::clamp(cda / units::mm, 0.0, kCdaRange)) / kPileupCdaNorm;
}

double Reconstruction::cdaSigma2(double p, double zVertex) const {
  const auto& s = det_.straw;
  const auto& g = det_.gtk;
  // STRAW angular resolution per projection, as simulated (FastSimulation::strawSigmaAngle)
  const double aS = std::hypot(s.sigmaAngleConstant, s.sigmaAngleMsGeV / (p / units::GeV));
  const double lS = std::max(zStraw1_ - zVertex, 0.0), lG = std::max(zVertex - zGtk3_, 0.0);
  const double eS = aS * lS, eG = g.sigmaAngle * lG;
  return s.sigmaPosition * s.sigmaPosition + eS * eS + g.sigmaPosition * g.sigmaPosition + eG * eG +
         cfg_.sigmaCdaExtra * cfg_.sigmaCdaExtra;
}

Reconstruction::Reconstruction(const Config& cfg, const detector::DetectorConfig& det) : cfg_(cfg), det_(det) {
  det.validate();
  auto require = [](bool ok, const char* field, const char* what) {
    if (!ok) throw ConfigError(fmt::format("reco.{}: {}", field, what));
  };
  require(cfg_.sigmaCdaExtra >= 0, "sigma_cda_extra_mm", "must be >= 0");
  require(cfg_.sigmaTimeGtk > 0 && cfg_.sigmaTimeRich > 0 && cfg_.sigmaTimeChod > 0 && cfg_.sigmaTimeStraw > 0,
          "sigma_time_ns", "time resolutions must be > 0");
  require(cfg_.gtkTimeWindow > 0, "gtk_time_window_ns", "must be > 0");
  require(cfg_.beamMomentum > 0, "beam_momentum_GeV", "must be > 0");
  require(cfg_.lkrWindowEnergy1 <= cfg_.lkrWindowEnergy2 && cfg_.lkrWindowEnergy2 <= cfg_.lkrWindowEnergy4 &&
              cfg_.lkrWindowSigmas1 >= 0 && cfg_.lkrWindowSigmas2 >= 0 && cfg_.lkrWindowSigmas3 >= 0 &&
              cfg_.lkrSideSlotWindow >= 0 && cfg_.lkrSideSlotOffset >= 0 && cfg_.lkrWindowEnergy1 > 0,
          "lkr_window", "LKr photon-veto window energies must increase (> 0) and the widths be >= 0");
  require(cfg_.lavWindow >= 0 && cfg_.ircSacWindow >= 0 && cfg_.lkrWindowLowE >= 0 &&
              cfg_.chantiWindow >= 0 && cfg_.muv3Window >= 0 && cfg_.chodWindow >= 0,
          "windows", "veto windows must be >= 0");
  require(cfg_.lkrTrackDistance >= 0 && cfg_.lkrAssociationDistance >= 0, "lkr_track_distance_mm", "must be >= 0");
  require(cfg_.segmentVertexError > 0 && cfg_.segmentHitError > 0 && cfg_.segmentMaxSlope >= 0 &&
              cfg_.segmentMinDistance >= 0 && cfg_.segmentMaxPositiveP >= 0 && cfg_.segmentMaxNegativeP >= 0 &&
              cfg_.segmentTimeB12 >= 0 && cfg_.segmentTimeB34 >= 0,
          "straw_segment", "STRAW segment errors must be > 0, the other parameters >= 0");
  require(cfg_.newChodChodWindow >= 0 && cfg_.richChodWindow >= 0 && cfg_.lkrChodMaxDistance >= 0 &&
              cfg_.lkrAssociationWindow >= 0,
          "association", "best-track association windows and distance must be >= 0");
  require(cfg_.newChodWindow >= 0 && cfg_.maxExtraChodSlabs >= 0 && cfg_.chodNewChodMaxDx >= 0 &&
              cfg_.chodNewChodMaxDy >= 0 && cfg_.chodNewChodMaxDt >= 0 && cfg_.chodLkrMaxDistance >= 0 &&
              cfg_.chodLkrMaxDt >= 0 && cfg_.newChodLkrMaxDx >= 0 && cfg_.newChodLkrMaxDy >= 0 &&
              cfg_.lkrExtraMinDistance >= 0 && cfg_.lkrExtraMinEnergy >= 0 &&
              cfg_.lkrExtraLowEnergy >= cfg_.lkrExtraMinEnergy && cfg_.lkrExtraHighEnergy >= cfg_.lkrExtraLowEnergy &&
              cfg_.lkrExtraWindowLowE >= 0 && cfg_.lkrExtraEarlyMidE >= 0 && cfg_.lkrExtraLateMidE >= 0 &&
              cfg_.lkrExtraWindowHighE >= 0 && cfg_.mergedLikeMinDistance >= 0 &&
              cfg_.mergedLikeMaxDistance >= cfg_.mergedLikeMinDistance && cfg_.mergedLikeWindow >= 0,
          "multiplicity", "multiplicity-veto windows, distances and slab count must be >= 0 (energies increasing)");
  for (double m : cfg_.threeTrackMasses) require(m >= 0, "three_track_masses", "must be >= 0");
  zStraw1_ = det.straw.z[0];
  zGtk3_ = det.gtk.z[2];
  zMagnet_ = det.magnet.zCentre;
  zLkr_ = det.lkr.zFront;
  ptKick_ = det.magnet.ptKick;
  kickSign_ = det.magnet.kickSignForPositive;
  indexMinusOne_ = det.rich.indexMinusOne;
  focalLength_ = det.rich.focalLength;
  mK_ = mass(pdg::kKPlus);
  mPi_ = mass(pdg::kPiPlus);
  mMu_ = mass(pdg::kMuon);
  mE_ = mass(pdg::kElectron);
  int n = 0;
  for (const auto& s : det.lav.stations) {
    for (double z : {s.zFront, s.zBack}) {
      lavRuns_.z[n] = z;
      auto& runs = lavRuns_.runs;
      int& nr = lavRuns_.nRuns;
      if (nr > 0 && runs[nr - 1].rInner == s.rInner && (lavRuns_.z[runs[nr - 1].last] <= zMagnet_) == (z <= zMagnet_) &&
          lavRuns_.z[runs[nr - 1].last] <= z)
        runs[nr - 1].last = n;
      else
        runs[nr++] = {s.rInner, n, n};
      ++n;
    }
  }
}

Vector3 Reconstruction::extrapolate(const RecoTrack& t, double z) const {
  const Vector3& p = t.momentum;
  const Vector3& x0 = t.positionStraw1;
  if (z <= zMagnet_) return {x0.x + p.x / p.z * (z - x0.z), x0.y + p.y / p.z * (z - x0.z), z};
  double x = x0.x + p.x / p.z * (zMagnet_ - x0.z);
  double y = x0.y + p.y / p.z * (zMagnet_ - x0.z);
  const double pm = p.mag();
  const double px = p.x + t.charge * kickSign_ * ptKick_;
  const double pz = std::sqrt(std::max(pm * pm - px * px - p.y * p.y, 1e-12));
  x += px / pz * (z - zMagnet_);
  y += p.y / pz * (z - zMagnet_);
  return {x, y, z};
}

bool Reconstruction::associated(const detector::StrawTrack& s, const detector::DetectorEvent& in,
                                const Vector3& imp) const {
  // na62fw BestTrackSelection.cc: CHOD, then NewCHOD within 5 ns of it, the RICH ring within
  // 2 ns of the CHOD (the ring itself is required by the pi+ identification), then the LKr
  // cluster nearest to the track impact within 100 mm, with E > 0 and within 6 ns of the CHOD
  if (!s.hasChod || !s.hasNewChod || std::abs(s.newChodTime - s.chodTime) >= cfg_.newChodChodWindow) return false;
  if (s.hasRing && std::abs(s.ringTime - s.chodTime) >= cfg_.richChodWindow) return false;
  double best2 = cfg_.lkrChodMaxDistance * cfg_.lkrChodMaxDistance;
  const detector::LkrCluster* nearest = nullptr;
  for (std::size_t c = 0; c < in.nLkr; ++c) {
    const double dx = in.lkr[c].x - imp.x, dy = in.lkr[c].y - imp.y, d2 = dx * dx + dy * dy;
    if (d2 <= best2) {
      best2 = d2;
      nearest = &in.lkr[c];
    }
  }
  return nearest && nearest->energy > 0 && std::abs(nearest->time - s.chodTime) < cfg_.lkrAssociationWindow;
}

void Reconstruction::strawSegmentVeto(const detector::DetectorEvent& in, RecoEvent& out) const {
  if (out.best < 0 || in.nSegments == 0) return;
  const RecoTrack& t = out.tracks[static_cast<std::size_t>(out.best)];
  const TrackLine line(t, zMagnet_, kickSign_, ptKick_);
  const Vector3& v = t.vertex;
  // weighted straight-line fit of u(z) through (z_v, u_v), (z1, u1), (z2, u2): slope and chi2
  const double wv = 1.0 / (cfg_.segmentVertexError * cfg_.segmentVertexError),
               wh = 1.0 / (cfg_.segmentHitError * cfg_.segmentHitError);
  auto fit = [&](double zv, double uv, double z1, double u1, double z2, double u2, double& slope) {
    const double sw = wv + 2 * wh, sz = wv * zv + wh * (z1 + z2), su = wv * uv + wh * (u1 + u2);
    const double szz = wv * zv * zv + wh * (z1 * z1 + z2 * z2), szu = wv * zv * uv + wh * (z1 * u1 + z2 * u2);
    slope = (sw * szu - sz * su) / (sw * szz - sz * sz);
    const double icpt = (su - slope * sz) / sw;
    auto r2 = [&](double z, double u) { return (u - icpt - slope * z) * (u - icpt - slope * z); };
    return wv * r2(zv, uv) + wh * (r2(z1, u1) + r2(z2, u2));
  };
  for (std::size_t k = 0; k < in.nSegments && !out.strawSegment; ++k) {
    const auto& g = in.segments[k];
    const bool first = g.firstChamber == 1;
    double sx = 0, sy = 0;
    const double chi2x = first ? fit(v.z, v.x, g.first.z, g.first.x, g.second.z, g.second.x, sx) : 0.0;
    if (first && std::abs(sx) > cfg_.segmentMaxSlope) continue;
    const double chi2y = fit(v.z, v.y, g.first.z, g.first.y, g.second.z, g.second.y, sy);
    if (std::abs(sy) > cfg_.segmentMaxSlope) continue;
    const Vector3 a = line.at(g.first.z), b = line.at(g.second.z);
    const double d2 = 0.5 * (std::pow(a.x - g.first.x, 2) + std::pow(a.y - g.first.y, 2) +
                             std::pow(b.x - g.second.x, 2) + std::pow(b.y - g.second.y, 2));
    if (d2 < cfg_.segmentMinDistance * cfg_.segmentMinDistance) continue;
    if (!first) {
      // NA62's bending estimate: the slope change between the vertex-to-magnet line and the
      // 3-4 segment, p = p_T kick / dtheta, signed like the charge
      const double after = (g.second.x - g.first.x) / (g.second.z - g.first.z);
      const double xMag = g.first.x + after * (zMagnet_ - g.first.z);
      const double before = (v.x - xMag) / (v.z - zMagnet_);
      const double dTheta = before - after;
      const double pExp = dTheta != 0 ? -kickSign_ * ptKick_ / dTheta : std::numeric_limits<double>::infinity();
      if (pExp > cfg_.segmentMaxPositiveP || pExp < -cfg_.segmentMaxNegativeP) continue;
    }
    const double chi2 = chi2x + chi2y;
    const double dt = 0.0;  // same decay: in time
    out.strawSegment = first ? dt < cfg_.segmentTimeA12 - cfg_.segmentTimeB12 * chi2
                             : dt < cfg_.segmentTimeA34 - cfg_.segmentTimeB34 * chi2;
  }
}

bool Reconstruction::inAcceptance(const RecoTrack& t, unsigned detectors) const {
  return lineInAcceptance(TrackLine(t, zMagnet_, kickSign_, ptKick_), t.vertex.z, det_, lavRuns_, detectors);
}

// theta = atan(radius / f): 1 / cos(theta) = sqrt(1 + (radius / f)^2) (closed form, no atan/cos)
double Reconstruction::richMass(double radius, double p) const {
  const double u = radius / focalLength_;
  const double beta = std::sqrt(1.0 + u * u) / (1.0 + indexMinusOne_);
  const double m2 = p * p * (1.0 / (beta * beta) - 1.0);
  return m2 >= 0 ? std::sqrt(m2) : -std::sqrt(-m2);
}

double Reconstruction::richMomentum(double radius, double m) const {
  const double u = radius / focalLength_;
  const double beta = std::sqrt(1.0 + u * u) / (1.0 + indexMinusOne_);
  if (beta >= 1.0) return 0.0;
  return m * beta / std::sqrt(1.0 - beta * beta);
}

double Reconstruction::richExpectedRadius(double p, double m) const {
  // cos(theta_c) = 1 / (n beta), r = F tan(theta_c) (the fast simulation's ring model)
  const double cosTheta = std::sqrt(p * p + m * m) / ((1.0 + indexMinusOne_) * p);
  if (cosTheta >= 1.0) return 0.0;
  return focalLength_ * std::sqrt((1.0 - cosTheta) * (1.0 + cosTheta)) / cosTheta;
}

std::array<double, 3> Reconstruction::richExpectedRadii(double p) const {
  return {richExpectedRadius(p, mE_), richExpectedRadius(p, mMu_), richExpectedRadius(p, mPi_)};
}

std::array<double, 3> Reconstruction::richProbabilities(double radius, int hits, double p) const {
  return richProbabilities(radius, hits, richExpectedRadii(p));
}

std::array<double, 3> Reconstruction::richProbabilities(double radius, int hits,
                                                        const std::array<double, 3>& expected) const {
  // RICH likelihoods per mass hypothesis; the pnn selection requires the non-pion ones to be
  // small (na62-detector.md §4.3: "RICH likelihood < 0.05 for non-pion hypotheses",
  // PnnFunctions.cc). Hit-level likelihoods of NA62 are replaced by the ring radius.
  const double sigma = det_.rich.sigmaRadiusPerHit / std::sqrt(std::max(hits, 1));
  std::array<double, 3> l{};
  double sum = 0;
  std::size_t closest = 2;
  double dmin = std::numeric_limits<double>::infinity();
  for (std::size_t h = 0; h < 3; ++h) {
    const double r = expected[h];
    if (r <= 0) continue;  // below threshold
    const double z = (radius - r) / sigma;
    l[h] = std::exp(-0.5 * z * z);
    sum += l[h];
    if (std::abs(radius - r) < dmin) dmin = std::abs(radius - r), closest = h;
  }
  if (sum <= 0) {
    // far from every hypothesis: the closest radius takes it all
    l = {};
    l[closest] = 1.0;
    return l;
  }
  for (double& x : l) x /= sum;
  return l;
}

double Reconstruction::threeTrackMass(const RecoEvent& ev, const std::array<int, 3>& idx,
                                      const std::array<double, 3>& masses) {
  FourVector s;
  for (int k = 0; k < 3; ++k) s += FourVector::fromMass(ev.tracks[idx[k]].momentum, masses[k]);
  return s.m();
}

void Reconstruction::chi2Match(const DetectorEvent& in, RecoTrack& t, const Vector3& dir, double sigmaT) const {
  // D = (dt/sigma_t)^2 + (CDA/sigma_CDA)^2 over the GTK tracks in the time window; smallest wins
  const double st2 = sigmaT * sigmaT + cfg_.sigmaTimeGtk * cfg_.sigmaTimeGtk;
  double bestTrack = std::numeric_limits<double>::infinity();
  for (std::size_t g = 0; g < in.nGtk; ++g) {
    const auto& k = in.gtk[g];
    const double dt = t.time - k.time;
    if (std::abs(dt) > cfg_.gtkTimeWindow + 3.0 * sigmaT) continue;
    const double dTime = dt * dt / st2;
    if (!(dTime < bestTrack)) continue;  // d = dTime + (CDA term >= 0) cannot beat the best: skip the CDA
    const Cda c = closestApproach(t.positionStraw1, dir, k.position, k.momentum / k.momentum.z);
    const double d = dTime + c.distance * c.distance / cdaSigma2(t.p, c.midpoint.z);
    if (d < bestTrack) {
      bestTrack = d;
      t.gtkIndex = static_cast<int>(g);
      t.gtkTrueKaon = k.trueKaon;
      t.cda = c.distance;
      t.vertex = c.midpoint;
      t.dtGtk = dt;
      t.discriminant = d;
    }
  }
}

void Reconstruction::na62Match(const DetectorEvent& in, RecoTrack& t, const Vector3& dir) const {
  // MatchingRG (Config "na62Matching"): candidates kept in decreasing D1
  struct Candidate {
    int g;
    double d1, cdaPart, dtPart, cda, dt, dt1;
    bool scored;  // |dt2| <= matchMaxDt: the probabilities were evaluated (else D = 0)
    Vector3 vertex;
  };
  std::array<Candidate, DetectorEvent::kMaxGtk> cand{};
  std::size_t n = 0;
  int inTime = 0;
  const double tKtag = in.ktag.time;
  auto sq = [](double x) { return x * x; };
  for (std::size_t g = 0; g < in.nGtk; ++g) {
    const auto& k = in.gtk[g];
    if (!(std::abs(k.time - tKtag) < cfg_.matchKtagWindow)) continue;
    const double pm = k.momentum.mag(), sx = k.momentum.x / k.momentum.z, sy = k.momentum.y / k.momentum.z;
    const double chi2Beam = sq((pm - cfg_.matchBeamMomentum) / cfg_.matchBeamMomentumSigma) +
                            sq((sx - cfg_.matchBeamSlopeX) / cfg_.matchBeamSlopeXSigma) +
                            sq((sy - cfg_.matchBeamSlopeY) / cfg_.matchBeamSlopeYSigma);
    if (!(chi2Beam < cfg_.matchMaxChi2Beam)) continue;
    ++inTime;
    const Cda c = closestApproach(t.positionStraw1, dir, k.position, k.momentum / k.momentum.z);
    if (c.midpoint.z < zGtk3_ || c.midpoint.z > zStraw1_) continue;
    const double dt1 = tKtag - k.time, dt2 = t.time - k.time;
    if (c.distance > cfg_.matchMaxCda || std::abs(dt1) > cfg_.matchMaxDt) continue;
    Candidate x{static_cast<int>(g), 0, 0, 0, c.distance, dt2, dt1, false, c.midpoint};
    if (std::abs(dt2) <= cfg_.matchMaxDt) {  // MatchingRG leaves all probabilities at 1 (D = 0) otherwise
      // D1 orders the candidates; D2 (best candidate) and the pile-up parts (pile-up
      // treatment) are evaluated where they are used
      x.scored = true;
      x.cdaPart = 1.0 - na62KaonCdaCdf(c.distance);
      x.dtPart = 1.0 - na62KaonDtKtagCdf(dt1);
      x.d1 = x.cdaPart * x.dtPart;
    }
    std::size_t j = n++;
    for (; j > 0 && cand[j - 1].d1 < x.d1; --j) cand[j] = cand[j - 1];  // insertion by D1
    cand[j] = x;
  }
  if (n == 0) return;
  const Candidate& best = cand[0];
  const double bestD2 = best.scored ? best.cdaPart * (1.0 - na62KaonDtRichCdf(best.dt)) : 0.0;
  // the pile-up likelihood parts of a candidate
  auto cdaPileup = [](const Candidate& c) { return c.scored ? 1.0 - na62PileupCdaCdf(c.cda) : 0.0; };
  auto dtPileup = [](const Candidate& c) { return c.scored ? 1.0 - std::min(std::abs(c.dt1) / units::ns, 1.0) : 0.0; };
  bool match = true;
  // pile-up treatment: candidates whose D1 is within matchDeltaD1 of the best
  std::size_t nClose = 0;
  for (std::size_t i = 0; i < n; ++i) nClose += cand[i].d1 > 0 && best.d1 - cand[i].d1 < cfg_.matchDeltaD1;
  if (inTime > 2 && nClose > 1) {
    // the two most pile-up-like of them (largest Dp = product of the pile-up parts)
    std::size_t p1 = n, p2 = n;
    double q1 = -1, q2 = -1;
    std::array<double, DetectorEvent::kMaxGtk> cdaP{}, dtP{};
    for (std::size_t i = 0; i < nClose; ++i) {
      cdaP[i] = cdaPileup(cand[i]);
      dtP[i] = dtPileup(cand[i]);
      const double q = cdaP[i] * dtP[i];
      if (q > q1) {
        p2 = p1, q2 = q1;
        p1 = i, q1 = q;
      } else if (q > q2) {
        p2 = i, q2 = q;
      }
    }
    auto ratio = [](double a, double b) { return b > 0 ? a / b : std::numeric_limits<double>::infinity(); };
    const Candidate& o = cand[p2];
    const double rrDt = ratio(ratio(best.dtPart, dtP[0]), ratio(o.dtPart, dtP[p2]));
    const double rrCda = ratio(ratio(best.cdaPart, cdaP[0]), ratio(o.cdaPart, cdaP[p2]));
    if (p1 != 0 || rrDt < cfg_.matchSimilarRatio || rrCda < cfg_.matchSimilarRatio) match = false;
  }
  if (inTime > cfg_.matchMaxInTime ||
      !((best.d1 > cfg_.matchMinD || bestD2 > cfg_.matchMinD) && best.d1 > cfg_.matchMinD1 && bestD2 > cfg_.matchMinD2))
    match = false;
  if (!match) return;
  // every candidate's vertex (NA62's matchedGTKVertices): the additional-vertex veto (vii)
  double zMin = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) zMin = std::min(zMin, cand[i].vertex.z);
  t.gtkCandidateVertexZMin = zMin;
  t.gtkIndex = best.g;
  t.gtkTrueKaon = in.gtk[static_cast<std::size_t>(best.g)].trueKaon;
  t.cda = best.cda;
  t.vertex = best.vertex;
  t.dtGtk = best.dt;
  t.discriminant = 1.0 - best.d1;  // smaller is better, as for the kaonlab discriminant
}

void Reconstruction::multiplicityVeto(const DetectorEvent& in, RecoEvent& out, double tRef) const {
  // NA62 MultiplicitySelection.cc (see Config): the extra CHOD/NewCHOD hits are those of
  // charged particles without a STRAW track (the tracks' own CHOD signals are in StrawTrack)
  // and those of the tracks other than the best one (NA62 selects one track and treats the
  // rest of the event as extra activity), at their extrapolated CHOD/NewCHOD positions
  std::array<const detector::ChodHit*, DetectorEvent::kMaxChod + 2 * RecoEvent::kMaxTracks> chod{}, newChod{};
  std::array<detector::ChodHit, 2 * RecoEvent::kMaxTracks> otherTracks{};
  std::size_t nC = 0, nN = 0, nOther = 0;
  for (std::size_t k = 0; k < out.nTracks; ++k) {
    if (static_cast<int>(k) == out.best) continue;
    const RecoTrack& t = out.tracks[k];
    const auto& s = in.straw[static_cast<std::size_t>(t.strawIndex)];
    const TrackLine line(t, zMagnet_, kickSign_, ptKick_);
    if (s.hasChod && std::abs(s.chodTime - tRef) < cfg_.chodWindow) {
      const Vector3 x = line.at(det_.chod.zChod);
      otherTracks[nOther] = {x.x, x.y, s.chodTime, false, t.truthIndex};
      chod[nC++] = &otherTracks[nOther++];
    }
    if (s.hasNewChod && std::abs(s.newChodTime - tRef) < cfg_.newChodWindow) {
      const Vector3 x = line.at(det_.chod.zNewChod);
      otherTracks[nOther] = {x.x, x.y, s.newChodTime, true, t.truthIndex};
      newChod[nN++] = &otherTracks[nOther++];
    }
  }
  for (std::size_t h = 0; h < in.nChod; ++h) {
    const auto& c = in.chod[h];
    if (c.newChod) {
      if (std::abs(c.time - tRef) < cfg_.newChodWindow) newChod[nN++] = &c;
    } else if (std::abs(c.time - tRef) < cfg_.chodWindow) {
      chod[nC++] = &c;
    }
  }
  out.nChodExtra = static_cast<int>(nC + nN);
  out.nChodExtraChod = static_cast<int>(nC);
  // one CHOD hit is one horizontal + one vertical slab
  bool veto = 2 * static_cast<int>(nC) > cfg_.maxExtraChodSlabs;
  for (std::size_t i = 0; i < nC && !veto; ++i)
    for (std::size_t j = 0; j < nN && !veto; ++j)
      veto = std::abs(chod[i]->x - newChod[j]->x) < cfg_.chodNewChodMaxDx &&
             std::abs(chod[i]->y - newChod[j]->y) < cfg_.chodNewChodMaxDy &&
             std::abs(chod[i]->time - newChod[j]->time) < cfg_.chodNewChodMaxDt;
  if (!veto && nC + nN > 0) {
    for (std::size_t c = 0; c < in.nLkr && !veto; ++c) {
      const auto& cl = in.lkr[c];
      if (!isExtraLkrCluster(cl, tRef, out)) continue;
      for (std::size_t i = 0; i < nC && !veto; ++i)
        veto = std::hypot(chod[i]->x - cl.x, chod[i]->y - cl.y) < cfg_.chodLkrMaxDistance &&
               std::abs(chod[i]->time - cl.time) < cfg_.chodLkrMaxDt;
      for (std::size_t j = 0; j < nN && !veto; ++j)
        veto = std::abs(newChod[j]->x - cl.x) < cfg_.newChodLkrMaxDx && std::abs(newChod[j]->y - cl.y) < cfg_.newChodLkrMaxDy;
    }
  }
  out.chodVeto = veto;
}

void Reconstruction::reconstruct(const DetectorEvent& in, RecoEvent& out) const {
  out.clear();
  out.index = in.index;
  out.nGtk = static_cast<int>(in.nGtk);
  out.ktagTagged = in.ktag.tagged;
  out.ktagSectors = in.ktag.nSectors;
  out.ktagTime = in.ktag.time;
  const Vector3 beamP = Vector3(cfg_.beamSlopeX, cfg_.beamSlopeY, 1.0) *
                        (cfg_.beamMomentum / std::sqrt(1.0 + cfg_.beamSlopeX * cfg_.beamSlopeX +
                                                       cfg_.beamSlopeY * cfg_.beamSlopeY));
  double bestD = std::numeric_limits<double>::infinity();
  bool bestAssociated = false;
  std::array<Vector3, RecoEvent::kMaxTracks> impact{};

  for (std::size_t i = 0; i < in.nStraw && out.nTracks < RecoEvent::kMaxTracks; ++i) {
    const auto& s = in.straw[i];
    RecoTrack& t = out.tracks[out.nTracks];
    t = RecoTrack{};
    t.strawIndex = static_cast<int>(i);
    t.charge = s.charge;
    t.momentum = s.momentum;
    t.p = s.momentum.mag();
    t.positionStraw1 = s.position;
    t.nChambers = s.nChambers;
    t.chi2 = s.chi2;
    t.truthIndex = s.truthIndex;
    double sigmaT = cfg_.sigmaTimeStraw;
    t.time = s.time;
    if (s.hasRing) {
      t.time = s.ringTime;
      t.timeSource = TimeSource::Rich;
      sigmaT = cfg_.sigmaTimeRich;
    } else if (s.hasChod || s.hasNewChod) {
      t.time = s.hasChod ? s.chodTime : s.newChodTime;
      t.timeSource = TimeSource::Chod;
      sigmaT = cfg_.sigmaTimeChod;
    }
    t.hasChod = s.hasChod;
    t.hasNewChod = s.hasNewChod;
    t.dtKtag = t.time - in.ktag.time;
    // GTK matching
    const Vector3 dir = t.momentum / t.momentum.z;
    if (cfg_.na62Matching)
      na62Match(in, t, dir);
    else
      chi2Match(in, t, dir, sigmaT);
    if (t.gtkIndex >= 0) {
      t.kaonMomentum = in.gtk[t.gtkIndex].momentum;
      t.m2miss = missingMass2(t.kaonMomentum, t.momentum, mPi_);
    } else {
      t.kaonMomentum = beamP;  // vertex with the nominal beam line through (0, 0) at the GTK3 plane
      const Cda c = closestApproach(t.positionStraw1, dir, Vector3(0, 0, zGtk3_), beamP / beamP.z);
      t.cda = c.distance;
      t.vertex = c.midpoint;
      t.m2miss = missingMass2(beamP, t.momentum, mPi_);
    }
    t.m2missBeam = missingMass2(beamP, t.momentum, mPi_);
    {  // nearest GTK3 hit to the straight back-extrapolation (no field in the decay tank)
      const double dz = zGtk3_ - t.positionStraw1.z;
      const double x = t.positionStraw1.x + dir.x * dz, y = t.positionStraw1.y + dir.y * dz;
      for (std::size_t h = 0; h < in.nGtk3Hits; ++h)
        if (in.gtk3Hits[h].station == 3)
          t.gtk3HitDistance = std::min(t.gtk3HitDistance, std::hypot(in.gtk3Hits[h].x - x, in.gtk3Hits[h].y - y));
    }
    // RICH
    if (s.hasRing) {
      t.hasRing = true;
      t.ringRadius = s.ringRadius;
      t.ringHits = s.ringHits;
      t.richMass = richMass(s.ringRadius, t.p);
      t.pRich = richMomentum(s.ringRadius, mPi_);
      const auto pr = richProbabilities(s.ringRadius, s.ringHits, t.p);
      t.richProbElectron = pr[0];
      t.richProbMuon = pr[1];
      t.richProbPion = pr[2];
      if (t.pRich > 0) {
        const Vector3 pr = t.momentum * (t.pRich / t.p);
        t.m2missRich = missingMass2(t.gtkIndex >= 0 ? in.gtk[t.gtkIndex].momentum : beamP, pr, mPi_);
      }
    }
    // LKr association
    const TrackLine line(t, zMagnet_, kickSign_, ptKick_);
    const Vector3 imp = line.at(zLkr_);
    impact[out.nTracks] = imp;
    t.lkrX = imp.x;
    t.inAcceptance = lineInAcceptance(line, t.vertex.z, det_, lavRuns_);
    t.lkrY = imp.y;
    // Calorimetric energy of the track: the associated (nearest, within the association
    // distance) cluster whatever its time, plus every other in-time cluster within the
    // track-distance circle, i.e. the region the LKr photon veto leaves to the track (§4.3:
    // clusters > 100 mm from the track are photon candidates). A photon shower next to the
    // pi+ therefore raises E/p instead of escaping both the veto and the pi+ identification.
    double best2 = cfg_.lkrAssociationDistance * cfg_.lkrAssociationDistance;
    const double near2 = cfg_.lkrTrackDistance * cfg_.lkrTrackDistance;
    double eNear = 0;
    bool bestInTime = false;
    for (std::size_t c = 0; c < in.nLkr; ++c) {
      const auto& cl = in.lkr[c];
      const double dx = cl.x - imp.x, dy = cl.y - imp.y, d2 = dx * dx + dy * dy;
      if (d2 >= near2 && d2 >= best2) continue;
      const bool inTime = std::abs(cl.time - t.time) < cfg_.lkrAssociationWindow;
      if (d2 < near2 && inTime) eNear += cl.energy;
      if (d2 < best2) {
        best2 = d2;
        t.lkrIndex = static_cast<int>(c);
        bestInTime = inTime && d2 < near2;
      }
    }
    t.lkrEnergy = eNear + (t.lkrIndex >= 0 && !bestInTime ? in.lkr[t.lkrIndex].energy : 0.0);
    t.associated = associated(s, in, imp);
    t.eOverP = t.lkrEnergy / t.p;
    t.muv1Energy = s.muv1Energy;
    t.muv2Energy = s.muv2Energy;
    if (s.muv3Hit) {
      t.dtMuv3 = s.muv3Time - t.time;
      t.muv3 = std::abs(t.dtMuv3) < cfg_.muv3Window;
    }
    // the best track: NA62's best-track association first (BestTrackSelection), then the
    // K+ match (smallest discriminant); with one track this is the track (or none matched)
    if (t.gtkIndex >= 0 && (t.associated > bestAssociated || (t.associated == bestAssociated && t.discriminant < bestD))) {
      bestD = t.discriminant;
      bestAssociated = t.associated;
      out.best = static_cast<int>(out.nTracks);
    }
    ++out.nTracks;
  }
  if (out.best < 0 && out.nTracks > 0) out.best = 0;

  // ---- vetoes, relative to the best track's time
  const double tRef = out.best >= 0 ? out.tracks[out.best].time : in.ktag.time;
  for (std::size_t h = 0; h < in.nVeto; ++h) {
    const auto& v = in.veto[h];
    const double dt = std::abs(v.time - tRef);
    switch (v.detector) {
      case detector::VetoDetector::LAV: out.lavVeto |= dt < cfg_.lavWindow; break;
      case detector::VetoDetector::IRC: out.ircVeto |= dt < cfg_.ircSacWindow; break;
      case detector::VetoDetector::SAC: out.sacVeto |= dt < cfg_.ircSacWindow; break;
    }
  }
  for (std::size_t c = 0; c < in.nLkr; ++c) {
    const auto& cl = in.lkr[c];
    if (cl.energy < cfg_.lkrMinEnergy) continue;
    // the best track's own cluster and the clusters within 100 mm of its impact belong to it;
    // every other cluster, another track's included, is a photon candidate (na62fw
    // PhotonRejectionLKr.cc: only the selected track's clusters are skipped)
    if (out.best >= 0) {
      const auto kb = static_cast<std::size_t>(out.best);
      const double near2 = cfg_.lkrTrackDistance * cfg_.lkrTrackDistance;
      const double dx = cl.x - impact[kb].x, dy = cl.y - impact[kb].y;
      if (out.tracks[kb].lkrIndex == static_cast<int>(c) || dx * dx + dy * dy < near2) continue;
    }
    if (lkrVetoInTime(cl.energy, cl.time - tRef)) {
      out.lkrVeto = true;
      ++out.nLkrExtra;
    }
  }
  // merged-like cluster (NA62 MultiplicitySelection::MergedLikeLKrCluster): another cluster
  // 40-100 mm from the best track's impact, in time, when that track has its own cluster; a
  // photon there would otherwise only add to E/p (kept with the photon veto: its weighted
  // estimate treats such photons, docs/analysis-pnn.md)
  if (out.best >= 0 && out.tracks[out.best].lkrIndex >= 0) {
    const auto& tb = out.tracks[out.best];
    const Vector3& ib = impact[static_cast<std::size_t>(out.best)];
    const double dMin2 = cfg_.mergedLikeMinDistance * cfg_.mergedLikeMinDistance,
                 dMax2 = cfg_.mergedLikeMaxDistance * cfg_.mergedLikeMaxDistance;
    for (std::size_t c = 0; c < in.nLkr && !out.lkrMergedVeto; ++c) {
      if (static_cast<int>(c) == tb.lkrIndex) continue;
      const auto& cl = in.lkr[c];
      const double dx = cl.x - ib.x, dy = cl.y - ib.y, d2 = dx * dx + dy * dy;
      out.lkrMergedVeto = d2 > dMin2 && d2 < dMax2 && std::abs(cl.time - tb.time) < cfg_.mergedLikeWindow;
    }
  }
  out.photonVeto = out.lavVeto || out.ircVeto || out.sacVeto || out.lkrVeto || out.lkrMergedVeto;
  for (std::size_t h = 0; h < in.nChanti; ++h)
    if (std::abs(in.chanti[h].time - tRef) < cfg_.chantiWindow) out.chantiVeto = true;
  multiplicityVeto(in, out, tRef);
  strawSegmentVeto(in, out);

  // ---- best three-track vertex
  if (out.nTracks >= 3) {
    double bestQ = cfg_.maxThreeTrackQuality;
    const int n = static_cast<int>(out.nTracks);
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j)
        for (int k = j + 1; k < n; ++k) {
          const RecoTrack *a = &out.tracks[i], *b = &out.tracks[j], *c = &out.tracks[k];
          const Vector3 da = a->momentum / a->momentum.z, db = b->momentum / b->momentum.z,
                        dc = c->momentum / c->momentum.z;
          const Cda ab = closestApproach(a->positionStraw1, da, b->positionStraw1, db);
          const Cda ac = closestApproach(a->positionStraw1, da, c->positionStraw1, dc);
          const Cda bc = closestApproach(b->positionStraw1, db, c->positionStraw1, dc);
          const double q = std::sqrt(ab.distance * ab.distance + ac.distance * ac.distance + bc.distance * bc.distance);
          if (q < bestQ) {
            bestQ = q;
            out.hasVertex3 = true;
            out.vertex3Tracks = {i, j, k};
            out.vertex3 = (ab.midpoint + ac.midpoint + bc.midpoint) / 3.0;
            out.vertex3Quality = q;
          }
        }
    if (out.hasVertex3) {
      const auto& idx = out.vertex3Tracks;
      out.vertex3Charge = out.tracks[idx[0]].charge + out.tracks[idx[1]].charge + out.tracks[idx[2]].charge;
      out.vertex3Momentum = out.tracks[idx[0]].momentum + out.tracks[idx[1]].momentum + out.tracks[idx[2]].momentum;
      out.vertex3Mass = threeTrackMass(out, idx, cfg_.threeTrackMasses);
    }
  }
}

}  // namespace kaonlab::reco
