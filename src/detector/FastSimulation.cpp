#include "kaonlab/detector/FastSimulation.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/PhaseSpace.hpp"

namespace kaonlab::detector {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Electric charge without a table lookup for the particles the transport meets.
int chargeOf(int pdg) {
  switch (pdg) {
    case 211: case 321: case 2212: case -11: case -13: return 1;
    case -211: case -321: case -2212: case 11: case 13: return -1;
    case 22: case 111: case 12: case -12: case 14: case -14: case 16: case -16: return 0;
    default: return charge(pdg);
  }
}

bool isNeutrino(int pdg) {
  const int a = std::abs(pdg);
  return a == 12 || a == 14 || a == 16;
}

/// Poisson with mean mu; expMinusMu = exp(-mu) (precomputed by the caller where mu is
/// fixed). mu < 30: inversion with one 32-bit uniform (sequential search from k = 0);
/// above: Gaussian approximation.
int poisson(double mu, double expMinusMu, RandomStream& rng) {
  if (!(mu > 0)) return 0;
  if (mu < 30) {
    const double u = rng.uniform32();
    double p = expMinusMu, cdf = p;
    int k = 0;
    // k < 400: guards against a cdf that rounds to just below u (P(k > 400) ~ 0 for mu < 30)
    while (u > cdf && k < 400) {
      ++k;
      p *= mu / k;
      cdf += p;
    }
    return k;
  }
  return std::max(0, static_cast<int>(std::lround(mu + std::sqrt(mu) * rng.gaussian())));
}
int poisson(double mu, RandomStream& rng) { return poisson(mu, mu > 0 && mu < 30 ? std::exp(-mu) : 0.0, rng); }

inline double rad(double x, double y) { return std::sqrt(x * x + y * y); }  // faster than std::hypot
double quad(double a, double b) { return std::sqrt(a * a + b * b); }
double quad(double a, double b, double c) { return std::sqrt(a * a + b * b + c * c); }

bool insideOctagon(double x, double y, double apothem) {
  const double ax = std::abs(x), ay = std::abs(y);
  return ax < apothem && ay < apothem && ax + ay < std::sqrt(2.0) * apothem;
}

}  // namespace

FastSimulation::FastSimulation(const DetectorConfig& cfg, const generator::BeamConfig& beam)
    : cfg_(cfg), beam_(beam) {
  cfg_.validate();
  mPi_ = mass(pdg::kPiPlus);
  mMu_ = mass(pdg::kMuon);
  mE_ = mass(pdg::kElectron);
  ctauPi_ = particleData(pdg::kPiPlus).ctau;
  ctauMu_ = particleData(pdg::kMuon).ctau;
  const double n = 1.0 + cfg_.rich.indexMinusOne;
  thetaMax_ = std::acos(1.0 / n);
  sin2ThetaMax_ = std::sin(thetaMax_) * std::sin(thetaMax_);
  strawTail_ = SingleScatteringTail(cfg_.straw.material);
  gtk3Tail_ = SingleScatteringTail(cfg_.gtk.gtk3Material);

  auto add = [&](double z, Element e, int station) { planes_.push_back({z, e, station}); };
  add(cfg_.tank.zStep1, Element::TankWall, 1);
  add(cfg_.tank.zStep2, Element::TankWall, 2);
  add(cfg_.tank.zEnd, Element::TankWall, 3);
  for (int i = 0; i < 12; ++i) {
    add(cfg_.lav.stations[i].zFront, Element::Lav, i + 1);
    add(cfg_.lav.stations[i].zBack, Element::Lav, i + 1);
  }
  for (int i = 0; i < 4; ++i) add(cfg_.straw.z[i], Element::Straw, i + 1);
  add(cfg_.magnet.zCentre, Element::Magnet, 0);
  add(cfg_.rich.zFront, Element::Rich, 0);
  add(cfg_.chod.zNewChod, Element::NewChod, 0);
  add(cfg_.chod.zChod, Element::Chod, 0);
  add(cfg_.irc.z, Element::Irc, 0);
  add(cfg_.lkr.zFront, Element::Lkr, 0);
  add(cfg_.muv.zMuv1, Element::Muv1, 0);
  add(cfg_.muv.zMuv2, Element::Muv2, 0);
  add(cfg_.muv.zIronFront, Element::Iron, 0);
  add(cfg_.muv.zMuv3, Element::Muv3, 0);
  add(cfg_.sac.z, Element::Sac, 0);
  std::stable_sort(planes_.begin(), planes_.end(), [](const Plane& a, const Plane& b) { return a.z < b.z; });

  // per-plane constants; neutral particles (photons) only interact with the tank wall,
  // the LAV, IRC, LKr, iron wall and SAC, so the other planes outside the tank are skipped
  for (const Plane& pl : planes_) {
    PlaneInfo pi{pl.z, pl.element, pl.station, kInf};
    if (pl.z >= cfg_.tank.zStart && pl.z <= cfg_.tank.zEnd)
      pi.tankRadius = pl.element == Element::TankWall ? cfg_.tank.radius[pl.station - 1] : tankRadius(pl.z);
    if (pl.element == Element::Lav) pi.a = cfg_.lav.stations[pl.station - 1].rInner;
    if (pl.element == Element::Straw) pi.a = cfg_.straw.holeCentreX[pl.station - 1];
    chargedPlanes_.push_back(pi);
    const bool neutralInteracts = pl.element == Element::TankWall || pl.element == Element::Lav ||
                                  pl.element == Element::Irc || pl.element == Element::Lkr ||
                                  pl.element == Element::Iron || pl.element == Element::Sac;
    if (neutralInteracts || pi.tankRadius < kInf) neutralPlanes_.push_back(pi);
  }
  buildGroups(chargedPlanes_, false);
  buildGroups(neutralPlanes_, true);

  pionInteractionProbability_ = 1.0 - std::exp(-cfg_.lkr.pionInteractionLengths);
  {  // cumulative Binomial(nSectors, sectorProbability) for the KTAG sector count
    const int ns = cfg_.ktag.nSectors;
    const double ps = cfg_.ktag.sectorProbability;
    double cdf = 0;
    for (int k = 0; k <= ns; ++k) {
      double c = 1;  // binomial coefficient
      for (int j = 1; j <= k; ++j) c = c * (ns - k + j) / j;
      cdf += c * std::pow(ps, k) * std::pow(1.0 - ps, ns - k);
      ktagCdf_.push_back(cdf);
    }
    ktagCdf_.back() = 1.0;
  }
  const double w = cfg_.accidentals.window;
  muGtk_ = beam_.config().rate * 2.0 * cfg_.gtk.accidentalWindow;
  muLav_ = cfg_.lav.accidentalRatePerNs * 2.0 * w;
  muIrc_ = cfg_.irc.accidentalRatePerNs * 2.0 * w;
  muSac_ = cfg_.sac.accidentalRatePerNs * 2.0 * w;
  muLkr_ = cfg_.lkr.accidentalRatePerNs * 2.0 * w;
  muChanti_ = cfg_.chanti.accidentalRatePerNs * 2.0 * w;
  expMuGtk_ = std::exp(-muGtk_);
  expMuLav_ = std::exp(-muLav_);
  expMuIrc_ = std::exp(-muIrc_);
  expMuSac_ = std::exp(-muSac_);
  expMuLkr_ = std::exp(-muLkr_);
  expMuChanti_ = std::exp(-muChanti_);
  // all random hits as one Poisson process split over the detectors (see accidentals())
  const double muR[5] = {muLav_, muIrc_, muSac_, muLkr_, muChanti_};
  muRandom_ = 0;
  for (int d = 0; d < 5; ++d) {
    muRandom_ += muR[d];
    if (d < 4) randomCdf_[d] = muRandom_;
  }
  expMuRandom_ = std::exp(-muRandom_);
  // pile-up GTK tracks: species cdf and the measured-track Gaussians (see accidentals())
  const auto& bc = beam_.config();
  const double ftot = bc.fractionKaon + bc.fractionPion + bc.fractionProton;
  speciesCdf_[0] = bc.fractionKaon / ftot;
  speciesCdf_[1] = (bc.fractionKaon + bc.fractionPion) / ftot;
  gtkSigmaP_ = quad(bc.momentum * bc.momentumSpread, cfg_.gtk.sigmaMomentum);
  gtkDz_ = cfg_.gtk.z[2] - bc.referenceZ;
  // measured slope s = s_true + sigmaAngle g2, position offset d = s_true dz + sigmaPos g3
  // with s_true = mean + divergence g1: Var s = A^2, Var d = B^2, Cov = C; Cholesky
  // s = mean + A a, d = mean dz + (C / A) a + sqrt(B^2 - C^2 / A^2) b
  const double div2 = bc.divergence * bc.divergence;
  gtkSlopeSigma_ = std::sqrt(div2 + cfg_.gtk.sigmaAngle * cfg_.gtk.sigmaAngle);
  const double c = div2 * gtkDz_;
  const double b2 = div2 * gtkDz_ * gtkDz_ + cfg_.gtk.sigmaPosition * cfg_.gtk.sigmaPosition;
  gtkPosCorr_ = gtkSlopeSigma_ > 0 ? c / gtkSlopeSigma_ : 0.0;
  gtkPosSigma_ = std::sqrt(std::max(0.0, b2 - gtkPosCorr_ * gtkPosCorr_));
}

void FastSimulation::buildGroups(std::vector<PlaneInfo>& planes, bool neutral) {
  // threshold below which a plane does nothing: the tank radius (stopped if R > it), and
  // for a LAV its inner radius (hit if R >= it); -1: the plane can act at any radius
  auto threshold = [neutral](const PlaneInfo& p) {
    if (p.element == Element::TankWall) return p.tankRadius;
    if (p.element == Element::Lav) return std::min(p.a, p.tankRadius);
    if (neutral && p.tankRadius < kInf) return p.tankRadius;  // inside the tank: only the wall
    return -1.0;
  };
  for (std::size_t i = planes.size(); i-- > 0;) {
    const double t = threshold(planes[i]);
    planes[i].groupEnd = i;
    planes[i].groupMin = t;
    if (t > 0 && i + 1 < planes.size() && threshold(planes[i + 1]) > 0) {
      planes[i].groupEnd = planes[i + 1].groupEnd;
      planes[i].groupMin = std::min(t, planes[i + 1].groupMin);
    }
  }
}

double FastSimulation::tankRadius(double z) const {
  const auto& t = cfg_.tank;
  if (z < t.zStep1) return t.radius[0];
  if (z < t.zStep2) return t.radius[1];
  return t.radius[2];
}

// ---- resolutions ------------------------------------------------------------------

double FastSimulation::strawSigmaPOverP(double p) const {
  return quad(cfg_.straw.sigmaPConstant, cfg_.straw.sigmaPSlopePerGeV * (p / GeV));
}
double FastSimulation::strawSigmaAngle(double p) const {
  return quad(cfg_.straw.sigmaAngleConstant, cfg_.straw.sigmaAngleMsGeV / (p / GeV));
}
// ---- single Coulomb scattering tail in the STRAW chambers (SingleScattering.hpp) -------
double FastSimulation::strawTailChiC2(double pBeta) const { return strawTail_.chiC2(pBeta); }
double FastSimulation::strawTailThreshold(double p, double beta) const { return strawTail_.threshold(beta * p); }
double FastSimulation::strawTailMaxAngle(double p) const { return strawTail_.maxAngle(p); }

FastSimulation::StrawKink FastSimulation::strawScatteringTail(double p, double beta, int mask,
                                                               RandomStream& rng, TailForcing* forcing) const {
  StrawKink k;
  // chambers whose hard scatter changes the measurement: 1 (the direction is measured after
  // it), 2 and 3 (the bending angle between the segments); chamber 4 is the last point
  const int relevant = mask & 0b0111;
  const int n = std::popcount(static_cast<unsigned>(relevant));
  const double pOne = strawTail_.probability();
  if (pOne <= 0 || n == 0) return k;
  // one uniform decides whether and where; it is reused for the angle (u / P is uniform)
  double u = rng.uniform();
  const double pAll = n * pOne;
  if (forcing && forcing->mode != 0) {
    forcing->applied = true;
    if (forcing->mode < 0) {  // the branch without a hard scatter
      forcing->weight *= 1.0 - pAll;
      return k;
    }
    forcing->weight *= pAll;  // the branch with one: u uniform in [0, pAll)
    u *= pAll;
  }
  if (u >= pAll) return k;
  const int which = std::min(static_cast<int>(u / pOne), n - 1);
  double v = std::clamp(u / pOne - which, 0.0, 1.0);
  if (forcing && forcing->mode > 0 && forcing->angleBoost > 1.0) {
    // mixture 1/2 natural + 1/2 natural restricted to theta > kappa x threshold
    // (v > v0 = 1 - 1/kappa^2): invert its CDF at w = v, weight = 1 / mixture density
    const double v0 = 1.0 - 1.0 / (forcing->angleBoost * forcing->angleBoost);
    const double w = v;
    if (w < 0.5 * v0) {
      v = 2.0 * w;
      forcing->weight *= 2.0;
    } else {
      const double g = 1.0 / (1.0 - v0);
      v = std::min((w + 0.5 * v0 * g) / (0.5 + 0.5 * g), 1.0);
      forcing->weight *= 1.0 / (0.5 + 0.5 * g);
    }
  }
  for (int c = 0, seen = 0; c < 3; ++c) {
    if (!(relevant & (1 << c))) continue;
    if (seen++ == which) {
      k.chamber = c + 1;
      break;
    }
  }
  const double theta = strawTail_.angle(v, p, beta);
  const double phi = 2.0 * std::numbers::pi * rng.uniform();
  if (theta <= 0) return StrawKink{};  // beyond the nuclear cut-off
  k.dSlopeX = theta * std::cos(phi);
  k.dSlopeY = theta * std::sin(phi);
  return k;
}

double FastSimulation::lkrSigmaE(double e) const {
  const double eg = std::max(e / GeV, 1e-3);
  const auto& l = cfg_.lkr;
  return e * quad(l.resStochastic / std::sqrt(eg), l.resNoiseGeV / eg, l.resConstant);
}
double FastSimulation::lkrSigmaPosition(double e) const {
  const double eg = std::max(e / GeV, 1e-3);
  return quad(cfg_.lkr.posStochasticMm * mm / std::sqrt(eg), cfg_.lkr.posConstant);
}
double FastSimulation::lkrSigmaTime(double e) const {
  const double eg = std::max(e / GeV, 0.1);
  const auto& l = cfg_.lkr;
  return std::max(0.05, l.timeT0 + l.timeT1 / eg + l.timeT2 / std::sqrt(eg)) * ns;
}
double FastSimulation::cherenkovAngle(double p, double m) const {
  const double beta = p / std::sqrt(p * p + m * m);
  const double c = 1.0 / ((1.0 + cfg_.rich.indexMinusOne) * beta);
  return c < 1.0 ? std::acos(c) : 0.0;
}
double FastSimulation::ringRadius(double p, double m) const {
  return cfg_.rich.focalLength * std::tan(cherenkovAngle(p, m));
}
double FastSimulation::expectedRingHits(double p, double m) const {
  const double s = std::sin(cherenkovAngle(p, m)), s0 = std::sin(thetaMax_);
  return cfg_.rich.hitsAtSaturation * s * s / (s0 * s0);
}

double FastSimulation::photonInefficiency(PhotonDetector d, double e) const {
  switch (d) {
    case PhotonDetector::LAV: return cfg_.lav.inefficiency(e);
    case PhotonDetector::LKr: return cfg_.lkr.inefficiency(e);
    case PhotonDetector::IRC: return cfg_.irc.inefficiency(e);
    case PhotonDetector::SAC: return cfg_.sac.inefficiency(e);
    default: return 1.0;
  }
}

// ---- transport ----------------------------------------------------------------------

void FastSimulation::transport(int pdgId, const FourVector& p4, const Vector3& start, RandomStream& rng,
                               Trajectory& traj, const TransportOptions& opt) const {
  traj.n = 0;
  traj.stopped = false;
  traj.stoppedIn = Element::TankWall;
  traj.firstDecayZ = 0;
  int pdg = pdgId;
  int q = chargeOf(pdg);
  Vector3 x = start;
  Vector3 p = p4.vec();
  double tx = 0, ty = 0;  // slopes p.x / p.z, p.y / p.z of the current momentum (p.z > 0)

  // z of the next decay in flight of the current particle (infinity: none before the end)
  auto sampleDecay = [&]() -> double {
    if (!opt.decays || p.z <= 0) return kInf;
    const int a = std::abs(pdg);
    double m, ctau;
    if (a == pdg::kPiPlus) {
      m = mPi_;
      ctau = ctauPi_;
    } else if (a == pdg::kMuon) {
      m = mMu_;
      ctau = ctauMu_;
    } else {
      return kInf;
    }
    const double lz = p.z / m * ctau;  // decay length projected on z
    const double z = x.z + lz * rng.exponential();
    return z < cfg_.tank.decayZEnd ? z : kInf;
  };
  auto setSlopes = [&] {
    tx = p.x / p.z;
    ty = p.y / p.z;
  };
  auto moveTo = [&](double z) {
    const double dz = z - x.z;
    x.x += tx * dz;
    x.y += ty * dz;
    x.z = z;
  };
  auto stop = [&](Element e) {
    traj.stopped = true;
    traj.stoppedIn = e;
    traj.finalPdgId = pdg;
  };
  auto record = [&](Element e, int station, bool active) { traj.add({e, station, active, pdg, x, p}); };

  if (p.z <= 0) {
    traj.finalPdgId = pdg;
    return;
  }
  setSlopes();
  // only pi and mu decay, and they stay charged (pi -> mu -> e): a neutral particle never
  // changes species, so it can use the reduced plane list
  const std::vector<PlaneInfo>& planeList = q != 0 ? chargedPlanes_ : neutralPlanes_;
  // the list as pointer + count (kept in registers: the Trajectory stores in the loop would
  // otherwise make the compiler reload the vector's bounds at every plane), starting at the
  // first plane downstream of the start (the list is sorted by z)
  const PlaneInfo* const planes = planeList.data();
  const std::size_t nPlanes = planeList.size();
  const std::size_t firstPlane = static_cast<std::size_t>(
      std::partition_point(planes, planes + nPlanes, [&](const PlaneInfo& pl) { return pl.z <= x.z; }) - planes);
  double zDecay = sampleDecay();
  bool absorbing = false;  // pion entered the LKr: hadronic absorption, no later decay

  for (std::size_t ip = firstPlane; ip < nPlanes; ++ip) {
    const PlaneInfo& plane = planes[ip];
    if (plane.z <= x.z) continue;
    while (zDecay <= plane.z) {
      moveTo(zDecay);
      if (traj.firstDecayZ == 0) traj.firstDecayZ = zDecay;
      const double mParent = std::abs(pdg) == pdg::kPiPlus ? mPi_ : mMu_;
      const FourVector parent = FourVector::fromMass(p, mParent);
      const Vector3 beta = parent.beta();
      FourVector d;
      if (std::abs(pdg) == pdg::kPiPlus) {  // pi -> mu nu (BR 99.99%)
        FourVector nu;
        generator::twoBody(mPi_, mMu_, 0.0, rng, d, nu);
        pdg = pdg > 0 ? -pdg::kMuon : pdg::kMuon;
      } else {  // mu -> e nu nu: Michel spectrum x^2 (3 - 2x), unpolarised (isotropic)
        const double w = (mMu_ * mMu_ + mE_ * mE_) / (2.0 * mMu_);
        double xm;
        do {
          xm = rng.uniform();
        } while (rng.uniform() > xm * xm * (3.0 - 2.0 * xm) || xm * w < mE_);
        const double e = xm * w;
        d = FourVector(rng.isotropic() * std::sqrt(e * e - mE_ * mE_), e);
        pdg = pdg > 0 ? pdg::kElectron : -pdg::kElectron;
      }
      p = d.boosted(beta).vec();
      q = chargeOf(pdg);
      record(Element::Decay, 0, true);
      if (p.z <= 0) {
        traj.finalPdgId = pdg;
        return;
      }
      setSlopes();
      zDecay = sampleDecay();
    }
    moveTo(plane.z);
    const double r = rad(x.x, x.y);
    if (plane.groupEnd > ip + 1 && r < plane.groupMin) {
      // a run of passive planes: cross it in one step if R stays below its threshold at
      // the far end too and the particle does not decay before
      const double zLast = planes[plane.groupEnd].z;
      if (zDecay > zLast) {
        const double dz = zLast - x.z;
        const double xe = x.x + tx * dz, ye = x.y + ty * dz;
        if (rad(xe, ye) < plane.groupMin) {
          x = {xe, ye, zLast};
          ip = plane.groupEnd;
          continue;
        }
      }
    }
    if (r > plane.tankRadius) {  // +inf outside the vacuum tank
      record(Element::TankWall, 0, true);
      stop(Element::TankWall);
      return;
    }
    switch (plane.element) {
      case Element::TankWall:
        break;
      case Element::Lav:
        if (r >= plane.a) {
          // muons cross the lead glass (MIP signal); everything else is absorbed
          if (std::abs(pdg) == pdg::kMuon) {
            if (!traj.find(Element::Lav, plane.station)) record(Element::Lav, plane.station, true);
            break;
          }
          record(Element::Lav, plane.station, true);
          stop(Element::Lav);
          return;
        }
        break;
      case Element::Straw: {
        if (q == 0) break;
        const double rh = rad(x.x - plane.a, x.y);
        const bool active = rh > cfg_.straw.holeRadius && r < cfg_.straw.outerRadius;
        record(Element::Straw, plane.station, active);
        if (active && opt.multipleScattering && cfg_.straw.material.radiationLengths > 0) {
          // Highland (PDG): theta0 = 13.6 MeV / (beta c p) z sqrt(x/X0) (1 + 0.038 ln(x/X0))
          const double pm = p.mag();
          const double m = std::abs(pdg) == pdg::kElectron ? mE_ : (std::abs(pdg) == pdg::kMuon ? mMu_ : mPi_);
          const double beta = pm / std::sqrt(pm * pm + m * m);
          const double theta0 = strawTail_.theta0(beta * pm);
          const double sx = tx + theta0 * rng.gaussian();
          const double sy = ty + theta0 * rng.gaussian();
          const double pz = pm / std::sqrt(1.0 + sx * sx + sy * sy);
          p = {sx * pz, sy * pz, pz};
          setSlopes();
        }
        break;
      }
      case Element::Magnet:
        if (q != 0) {
          const double pm = p.mag();
          p.x += q * cfg_.magnet.kickSignForPositive * cfg_.magnet.ptKick;
          const double pt2 = p.x * p.x + p.y * p.y;
          if (pt2 >= pm * pm) {
            stop(Element::Magnet);
            return;
          }
          p.z = std::sqrt(pm * pm - pt2);  // a magnetic field keeps |p|
          setSlopes();
          record(Element::Magnet, 0, true);
        }
        break;
      case Element::Rich:
        if (q != 0) {
          const auto& c = cfg_.rich;
          const double dz = c.zBack - c.zFront;
          const double xb = x.x + tx * dz, yb = x.y + ty * dz;
          const double rf = rad(x.x - c.frontHoleCentreX, x.y);
          const double rb = rad(xb - c.backHoleCentreX, yb);
          const bool active = rf > c.holeRadius && rb > c.holeRadius && rf < c.outerRadius && rb < c.outerRadius;
          record(Element::Rich, 0, active);
        }
        break;
      case Element::NewChod:
        if (q != 0 && r > cfg_.chod.newChodRMin && r < cfg_.chod.newChodRMax) record(Element::NewChod, 0, true);
        break;
      case Element::Chod:
        if (q != 0 && r > cfg_.chod.chodRMin && r < cfg_.chod.chodRMax) record(Element::Chod, 0, true);
        break;
      case Element::Irc: {
        const double rh = rad(x.x - cfg_.irc.holeCentreX, x.y);
        if (rh > cfg_.irc.rInner && rh < cfg_.irc.rOuter) {
          record(Element::Irc, 0, true);
          if (std::abs(pdg) != pdg::kMuon) {
            stop(Element::Irc);
            return;
          }
        }
        break;
      }
      case Element::Lkr:
        if (r > cfg_.lkr.beamTubeRadius && insideOctagon(x.x, x.y, cfg_.lkr.apothem)) {
          record(Element::Lkr, 0, r > cfg_.lkr.rInner);
          const int a = std::abs(pdg);
          if (a == pdg::kPhoton || a == pdg::kElectron) {
            stop(Element::Lkr);
            return;
          }
          if (a == pdg::kPiPlus) {
            absorbing = true;
            zDecay = kInf;
          }
        }
        break;
      case Element::Muv1:
      case Element::Muv2:
        if (q != 0 && r > cfg_.muv.muv12RInner && std::abs(x.x) < cfg_.muv.muv12HalfSide &&
            std::abs(x.y) < cfg_.muv.muv12HalfSide)
          record(plane.element, 0, true);
        break;
      case Element::Iron:
        if (r > cfg_.beamPipe.muvRadius && std::abs(x.x) < cfg_.muv.muv3HalfSide &&
            std::abs(x.y) < cfg_.muv.muv3HalfSide) {
          const int a = std::abs(pdg);
          if (a != pdg::kMuon || p.mag() < cfg_.muv.muonMinMomentum) {
            record(Element::Iron, 0, true);
            stop(Element::Iron);
            return;
          }
        }
        break;
      case Element::Muv3:
        if (q != 0 && r > cfg_.muv.muv3RInner && std::abs(x.x) < cfg_.muv.muv3HalfSide &&
            std::abs(x.y) < cfg_.muv.muv3HalfSide)
          record(Element::Muv3, 0, true);
        break;
      case Element::Sac:
        if (std::abs(x.x) < cfg_.sac.halfSide && std::abs(x.y) < cfg_.sac.halfSide) {
          record(Element::Sac, 0, true);
          stop(Element::Sac);
          return;
        }
        break;
      case Element::Decay:
        break;
    }
  }
  (void)absorbing;
  traj.finalPdgId = pdg;
}

PhotonDetector FastSimulation::photonDestination(const FourVector& p, const Vector3& start, int* lavStation) const {
  RandomStream rng(0, 0, 0);  // photons draw no random numbers
  Trajectory t;
  transport(pdg::kPhoton, p, start, rng, t, {false, false});
  if (!t.stopped) return PhotonDetector::None;
  switch (t.stoppedIn) {
    case Element::Lav:
      if (lavStation) *lavStation = t.crossings[t.n - 1].station;
      return PhotonDetector::LAV;
    case Element::Lkr: return PhotonDetector::LKr;
    case Element::Irc: return PhotonDetector::IRC;
    case Element::Sac: return PhotonDetector::SAC;
    default: return PhotonDetector::None;
  }
}

double FastSimulation::photonVetoInefficiency(const generator::TruthEvent& truth) const {
  double ineff = 1.0;
  const Vector3 v = truth.decayVertex.vec();
  for (std::size_t i = 0; i < truth.nParticles; ++i) {
    const auto& tp = truth.particles[i];
    if (tp.status != 1 || tp.pdgId != pdg::kPhoton) continue;
    ineff *= photonInefficiency(photonDestination(tp.p, v), tp.p.e);
  }
  return ineff;
}

// ---- response -------------------------------------------------------------------------

void FastSimulation::simulate(const generator::TruthEvent& truth, DetectorEvent& out, TailForcing* forcing) const {
  out.clear();
  out.index = truth.index;
  const double t0 = truth.beamOrigin.e;
  out.eventTime = t0;
  static constexpr std::uint64_t kDetectorStream = streamId("detector");
  RandomStream rng(cfg_.seed, kDetectorStream, truth.index);
  kaonResponse(truth, rng, out);
  const Vector3 vertex = truth.decayVertex.vec();
  // one trajectory buffer per thread (2 kB: not zeroed per event); transport() resets it
  static thread_local Trajectory traj;
  for (std::size_t i = 0; i < truth.nParticles; ++i) {
    const auto& tp = truth.particles[i];
    if (tp.status != 1 || isNeutrino(tp.pdgId)) continue;
    // produced upstream of the last CHANTI station (upstream K+ decays): collimator, TRIM5,
    // GTK3, CHANTI and the tank entrance first (fiducial decays, z >= 105 m, never come here)
    if (vertex.z < cfg_.chanti.z.back()) {
      FourVector p = tp.p;
      Vector3 start = vertex;
      if (!upstreamResponse(tp.pdgId, static_cast<int>(i), t0, rng, p, start, out)) continue;
      transport(tp.pdgId, p, start, rng, traj);
      particleResponse(traj, static_cast<int>(i), t0, rng, out);
      continue;
    }
    transport(tp.pdgId, tp.p, vertex, rng, traj);
    particleResponse(traj, static_cast<int>(i), t0, rng, out,
                     forcing && forcing->truthIndex == static_cast<int>(i) ? forcing : nullptr);
  }
  if (cfg_.accidentals.enabled) {
    static constexpr std::uint64_t kAccidentalStream = streamId("accidentals");
    RandomStream acc(cfg_.seed, kAccidentalStream, truth.index);
    accidentals(truth, acc, out);
  }
  mergeClusters(out);
}

void FastSimulation::kaonResponse(const generator::TruthEvent& truth, RandomStream& rng, DetectorEvent& out) const {
  const double t0 = truth.beamOrigin.e;
  // KTAG: each sector fires with probability sectorProbability
  // (the number of firing sectors is Binomial(nSectors, p): inversion with one uniform)
  const double uk = rng.uniform32();
  int n = 0;
  while (n < cfg_.ktag.nSectors && uk > ktagCdf_[n]) ++n;
  out.ktag.nSectors = n;
  out.ktag.tagged = n >= cfg_.ktag.minSectors;
  out.ktag.time = t0 + cfg_.ktag.sigmaTime * rng.gaussian();
  // GTK track of the kaon
  const double uEff = rng.uniform32();
  const double gp = rng.gaussian(), gx = rng.gaussian(), gy = rng.gaussian(), gsx = rng.gaussian(),
               gsy = rng.gaussian(), gt = rng.gaussian();
  // a kaon that decayed upstream of GTK3 leaves no GTK3 hit, hence no GTK track
  if (uEff < cfg_.gtk.trackEfficiency && truth.decayVertex.pz >= cfg_.gtk.z[2]) {
    GtkTrack* g = DetectorEvent::push(out.gtk, out.nGtk, out.overflow);
    if (g) {
      const FourVector& k = truth.beamMomentum;
      const double zg = cfg_.gtk.z[2];
      double sx = k.px / k.pz + cfg_.gtk.sigmaAngle * gsx;
      double sy = k.py / k.pz + cfg_.gtk.sigmaAngle * gsy;
      g->trueKink = gtk3Kink(truth, rng, sx, sy);
      const double pm = k.p() + cfg_.gtk.sigmaMomentum * gp;
      const double pz = pm / std::sqrt(1 + sx * sx + sy * sy);
      const double dz = zg - truth.beamOrigin.pz;
      g->momentum = {sx * pz, sy * pz, pz};
      g->position = {truth.beamOrigin.px + k.px / k.pz * dz + cfg_.gtk.sigmaPosition * gx,
                     truth.beamOrigin.py + k.py / k.pz * dz + cfg_.gtk.sigmaPosition * gy, zg};
      g->time = t0 + cfg_.gtk.sigmaTime * gt;
      g->trueKaon = true;
      g->truePdgId = truth.beamPdgId;
    }
  }
}

double FastSimulation::gtk3Kink(const generator::TruthEvent& truth, RandomStream& rng, double& sx, double& sy) const {
  // A hard single scatter of the K+ in GTK3, after its last measured point: the generated
  // flight is the one after the scatter, so the measured slopes get the opposite kick.
  // 32-bit uniforms: u / pTail resolves 1 - v down to ~1e-8, far below the nuclear cut-off's
  // 1 - v = (threshold / maxAngle)^2 ~ 2.5e-3.
  const double pTail = gtk3Tail_.probability();
  if (pTail <= 0) return 0;
  const double u = rng.uniform32();
  if (u >= pTail) return 0;
  const FourVector& k = truth.beamMomentum;
  const double p = k.p();
  const double theta = gtk3Tail_.angle(u / pTail, p, p / k.e);
  if (theta <= 0) return 0;  // beyond the nuclear cut-off
  const double phi = 2.0 * std::numbers::pi * rng.uniform32();
  sx -= theta * std::cos(phi);
  sy -= theta * std::sin(phi);
  return theta;
}

void FastSimulation::particleResponse(const Trajectory& traj, int truthIndex, double t0, RandomStream& rng,
                                      DetectorEvent& out, TailForcing* forcing) const {
  const Crossing* straw[4] = {nullptr, nullptr, nullptr, nullptr};
  const Crossing *magnet = nullptr, *rich = nullptr, *newchod = nullptr, *chod = nullptr, *lkr = nullptr,
                 *muv1 = nullptr, *muv2 = nullptr, *iron = nullptr, *muv3 = nullptr, *vetoX = nullptr;
  int mask = 0, nCh = 0;
  for (int i = 0; i < traj.n; ++i) {
    const Crossing& c = traj.crossings[i];
    switch (c.element) {
      case Element::Straw:
        if (!straw[c.station - 1]) straw[c.station - 1] = &c;
        if (c.active) {
          mask |= 1 << (c.station - 1);
          ++nCh;
        }
        break;
      case Element::Magnet: magnet = &c; break;
      case Element::Rich: rich = &c; break;
      case Element::NewChod: newchod = &c; break;
      case Element::Chod: chod = &c; break;
      case Element::Lkr: lkr = &c; break;
      case Element::Muv1: muv1 = &c; break;
      case Element::Muv2: muv2 = &c; break;
      case Element::Iron: iron = &c; break;
      case Element::Muv3: muv3 = &c; break;
      case Element::Lav: case Element::Irc: case Element::Sac:
        if (!vetoX) vetoX = &c;
        break;
      default: break;
    }
  }

  // ---- veto detectors (the particle stopped there)
  if (vetoX) {
    const bool photon = vetoX->pdgId == pdg::kPhoton;
    const double e = std::sqrt(vetoX->momentum.mag2() + (photon ? 0.0 : mE_ * mE_));
    PhotonDetector d = PhotonDetector::LAV;
    VetoDetector vd = VetoDetector::LAV;
    double sigmaT = cfg_.lav.sigmaTime;
    if (vetoX->element == Element::Irc) {
      d = PhotonDetector::IRC;
      vd = VetoDetector::IRC;
      sigmaT = cfg_.irc.sigmaTime;
    } else if (vetoX->element == Element::Sac) {
      d = PhotonDetector::SAC;
      vd = VetoDetector::SAC;
      sigmaT = cfg_.sac.sigmaTime;
    }
    const bool showering = photon || std::abs(vetoX->pdgId) == pdg::kElectron;
    const bool detected = photon ? rng.uniform32() >= photonInefficiency(d, e) : true;
    if (detected) {
      double ev = showering ? e : cfg_.lav.mipEnergy;
      if (showering) {
        const double rel = cfg_.lav.energyResolution1GeV / std::sqrt(std::max(e / GeV, 1e-3));
        ev = std::max(0.0, e * (1.0 + rel * rng.gaussian()));
      }
      VetoHit* h = DetectorEvent::push(out.veto, out.nVeto, out.overflow);
      if (h) *h = {vd, vetoX->element == Element::Lav ? vetoX->station : 0, ev, t0 + sigmaT * rng.gaussian(), truthIndex};
    }
  }

  // ---- LKr deposit
  double lkrTrueE = 0;
  bool pionInteracted = false;
  if (lkr) {
    const int a = std::abs(lkr->pdgId);
    const double pm = lkr->momentum.mag();
    ClusterType type = ClusterType::Photon;
    double e = 0;
    bool make = true;
    if (a == pdg::kPhoton) {
      make = rng.uniform32() >= cfg_.lkr.inefficiency(pm);
      e = pm + lkrSigmaE(pm) * rng.gaussian();
    } else if (a == pdg::kElectron) {
      type = ClusterType::Electron;
      const double et = std::sqrt(pm * pm + mE_ * mE_);
      e = et + lkrSigmaE(et) * rng.gaussian();
    } else if (a == pdg::kMuon) {
      type = ClusterType::Muon;
      e = cfg_.lkr.mipMean + cfg_.lkr.mipSigma * rng.gaussian();
    } else {  // charged pion (or other hadron)
      type = ClusterType::Hadron;
      if (rng.uniform32() < pionInteractionProbability_) {
        pionInteracted = true;
        const double f = std::clamp(cfg_.lkr.pionEoverPMean + cfg_.lkr.pionEoverPSigma * rng.gaussian(), 0.05, 1.05);
        e = f * pm;
      } else {
        e = cfg_.lkr.mipMean + cfg_.lkr.mipSigma * rng.gaussian();
      }
    }
    lkrTrueE = std::max(0.0, e);
    if (make && e > 0) {
      LkrCluster* c = DetectorEvent::push(out.lkr, out.nLkr, out.overflow);
      if (c) {
        const double sp = lkrSigmaPosition(e);
        c->energy = e;
        c->x = lkr->position.x + sp * rng.gaussian();
        c->y = lkr->position.y + sp * rng.gaussian();
        c->time = t0 + lkrSigmaTime(e) * rng.gaussian();
        c->truthIndex = truthIndex;
        c->type = type;
        c->inAcceptance = lkr->active;
      }
    }
  }

  // ---- charged-track detectors
  // A charged particle without a STRAW track keeps its LKr/veto signals above and a
  // CHOD/NewCHOD hit (DetectorEvent::chod, for the multiplicity veto); no random numbers are
  // drawn for particles that cross neither (photons), so their streams are unchanged.
  auto untrackedChodHit = [&] {
    // chamber pairs 1-2 and 3-4 both crossed in their active area: a STRAW segment candidate
    for (int c0 : {0, 2}) {
      const Crossing *a = straw[c0], *b = straw[c0 + 1];
      if (!a || !b || !a->active || !b->active) continue;
      StrawSegment* g = DetectorEvent::push(out.segments, out.nSegments, out.overflow);
      if (g) *g = {c0 + 1, a->position, b->position, charge(b->pdgId) * b->momentum.mag(), truthIndex};
    }
    // (the LKr record only for a charged particle there: photons come through here too)
    if (chod || newchod || (lkr && lkr->pdgId != pdg::kPhoton && charge(lkr->pdgId) != 0)) {
      UntrackedCharged* x = DetectorEvent::push(out.untracked, out.nUntracked, out.overflow);
      if (x) {
        *x = {truthIndex, chod != nullptr, newchod != nullptr, lkr != nullptr};
        if (lkr) {
          x->lkrPdgId = lkr->pdgId;
          x->lkrX = lkr->position.x;
          x->lkrY = lkr->position.y;
          x->lkrMomentum = lkr->momentum.mag();
        }
      }
    }
    // the CHOD (an H + V slab pair) and the NewCHOD fire independently, each with the
    // efficiency: the multiplicity veto needs coincidences between them (and the LKr)
    auto hit = [&](const Crossing* c, double sigmaT, bool isNewChod) {
      if (!c || !(rng.uniform32() < cfg_.chod.efficiency)) return;
      const double t = t0 + sigmaT * rng.gaussian();
      ChodHit* h = DetectorEvent::push(out.chod, out.nChod, out.overflow);
      if (h) *h = {c->position.x, c->position.y, t, isNewChod, truthIndex};
    };
    hit(chod, cfg_.chod.chodSigmaTime, false);
    hit(newchod, cfg_.chod.newChodSigmaTime, true);
  };
  if (nCh < cfg_.straw.minChambers) {
    untrackedChodHit();
    return;
  }
  const bool reconstructed = rng.uniform32() < cfg_.straw.trackEfficiency;

  // MUV1/2 energies
  double e1 = 0, e2 = 0;
  const Crossing* hadronic = muv1 ? muv1 : muv2;
  if (hadronic) {
    const int a = std::abs(hadronic->pdgId);
    if (a == pdg::kMuon) {
      if (muv1) e1 = std::max(0.0, cfg_.muv.muv1Mip * (1.0 + cfg_.muv.mipRelSigma * rng.gaussian()));
      if (muv2) e2 = std::max(0.0, cfg_.muv.muv2Mip * (1.0 + cfg_.muv.mipRelSigma * rng.gaussian()));
    } else if (a != pdg::kElectron) {
      const double pm = hadronic->momentum.mag();
      const double rest = std::max(0.0, pm - (lkr ? lkrTrueE : 0.0));
      const double vis = rest * cfg_.muv.hadronVisibleFraction;
      auto smear = [&](double e) {
        if (e <= 0) return 0.0;
        const double rel = cfg_.muv.hadronResStochastic / std::sqrt(std::max(e / GeV, 1e-2));
        return std::max(0.0, e * (1.0 + rel * rng.gaussian()));
      };
      (void)pionInteracted;
      if (muv1) e1 = smear(vis * cfg_.muv.muv1Share);
      if (muv2) e2 = smear(vis * (1.0 - cfg_.muv.muv1Share));
    }
  }
  // MUV3
  bool m3 = false;
  double m3t = 0, m3x = 0, m3y = 0;
  const Crossing* m3c = nullptr;
  if (muv3) {
    if (rng.uniform32() < cfg_.muv.muv3Efficiency) m3c = muv3;
  } else if (iron && std::abs(iron->pdgId) == pdg::kPiPlus) {
    if (rng.uniform32() < cfg_.muv.pionPunchThrough) m3c = iron;
  }
  if (m3c) {
    const double pm = m3c->momentum.mag();
    const double dz = cfg_.muv.zMuv3 - m3c->position.z;
    const double sms = cfg_.muv.muv3MsGeVmm * mm / std::max(pm / GeV, 0.1);
    m3x = m3c->position.x + m3c->momentum.x / m3c->momentum.z * dz + sms * rng.gaussian();
    m3y = m3c->position.y + m3c->momentum.y / m3c->momentum.z * dz + sms * rng.gaussian();
    const double r = rad(m3x, m3y);
    if (r > cfg_.muv.muv3RInner && std::abs(m3x) < cfg_.muv.muv3HalfSide && std::abs(m3y) < cfg_.muv.muv3HalfSide) {
      m3 = true;
      m3t = t0 + cfg_.muv.muv3SigmaTime * rng.gaussian();
    }
  }
  if (!reconstructed) {
    untrackedChodHit();
    return;
  }

  StrawTrack* t = DetectorEvent::push(out.straw, out.nStraw, out.overflow);
  if (!t) return;
  *t = StrawTrack{};
  const Crossing* s1 = straw[0];
  if (!s1)
    for (int k = 1; k < 4 && !s1; ++k) s1 = straw[k];
  const int pdg1 = s1->pdgId;
  t->charge = chargeOf(pdg1);
  const double pTrue = magnet ? magnet->momentum.mag() : s1->momentum.mag();
  double pm = pTrue * (1.0 + strawSigmaPOverP(pTrue) * rng.gaussian());
  const double sa = strawSigmaAngle(pTrue);
  double sx = s1->momentum.x / s1->momentum.z + sa * rng.gaussian();
  double sy = s1->momentum.y / s1->momentum.z + sa * rng.gaussian();
  double lambda = 0;  // chi2 of the fit residual of a hard scatter
  if (strawTail_.probability() > 0) {
    // the Gaussian resolution above contains the multiple-scattering core; a hard single
    // scatter adds a kink: in chamber 1 to the measured direction, in chambers 2-3 to the
    // measured MNP33 bending angle alpha = p_T kick / p (momentum p' = p alpha / |alpha + dx|)
    const int a = std::abs(pdg1);
    const double m = a == pdg::kElectron ? mE_ : (a == pdg::kMuon ? mMu_ : (a == pdg::kPiPlus ? mPi_ : mass(a)));
    const double beta = pTrue / std::sqrt(pTrue * pTrue + m * m);
    const StrawKink kink = strawScatteringTail(pTrue, beta, mask, rng, forcing);
    t->kinkChamber = static_cast<std::uint8_t>(kink.chamber);
    lambda = strawKinkChi2(mask, kink.chamber, kink.dSlopeX, kink.dSlopeY, beta * pTrue);
    if (kink.chamber == 1) {
      sx += kink.dSlopeX;
      sy += kink.dSlopeY;
    } else if (kink.chamber > 1) {
      const double alpha = cfg_.magnet.ptKick / pTrue;
      pm *= alpha / std::max(std::abs(alpha + kink.dSlopeX), 1e-3 * alpha);
    }
  }
  t->chi2 = strawTrackChi2(mask, lambda, rng);
  const double pz = pm / std::sqrt(1.0 + sx * sx + sy * sy);
  t->momentum = {sx * pz, sy * pz, pz};
  const double dz1 = cfg_.straw.z[0] - s1->position.z;  // non-zero when STRAW1 was not crossed first
  t->position = {s1->position.x + s1->momentum.x / s1->momentum.z * dz1 + cfg_.straw.sigmaPosition * rng.gaussian(),
                 s1->position.y + s1->momentum.y / s1->momentum.z * dz1 + cfg_.straw.sigmaPosition * rng.gaussian(),
                 cfg_.straw.z[0]};
  t->time = t0 + cfg_.straw.sigmaTime * rng.gaussian();
  t->nChambers = nCh;
  t->chamberMask = static_cast<std::uint8_t>(mask);
  t->truthIndex = truthIndex;
  t->pdgAtStraw1 = pdg1;
  t->trueDecayZ = traj.firstDecayZ;
  // RICH
  if (rich && rich->active) {
    const int a = std::abs(rich->pdgId);
    const double m = a == pdg::kElectron ? mE_ : (a == pdg::kMuon ? mMu_ : (a == pdg::kPiPlus ? mPi_ : mass(a)));
    const double pr = rich->momentum.mag();
    // cos(theta_c) = 1 / (n beta); closed forms of expectedRingHits and ringRadius
    // (sin^2 = 1 - cos^2, tan = sin / cos) without acos/sin/tan
    const double cosTheta = std::sqrt(pr * pr + m * m) / ((1.0 + cfg_.rich.indexMinusOne) * pr);
    if (cosTheta < 1.0) {
      const double sin2 = (1.0 - cosTheta) * (1.0 + cosTheta);
      const int nh = poisson(cfg_.rich.hitsAtSaturation * sin2 / sin2ThetaMax_, rng);
      if (nh >= cfg_.rich.minHits) {
        const double sn = std::sqrt(static_cast<double>(nh));
        t->hasRing = true;
        t->ringHits = nh;
        t->ringRadius = cfg_.rich.focalLength * std::sqrt(sin2) / cosTheta +
                        cfg_.rich.sigmaRadiusPerHit / sn * rng.gaussian();
        t->ringTime = t0 + cfg_.rich.sigmaTimePerHit / sn * rng.gaussian();
      }
    }
  }
  // CHOD and NewCHOD: two independent detectors, each with its own efficiency and time
  // (the best-track association of reco needs both, Reconstruction::Config::newChodChodWindow)
  if (chod && rng.uniform32() < cfg_.chod.efficiency) {
    t->hasChod = true;
    t->chodTime = t0 + cfg_.chod.chodSigmaTime * rng.gaussian();
  }
  if (newchod && rng.uniform32() < cfg_.chod.efficiency) {
    t->hasNewChod = true;
    t->newChodTime = t0 + cfg_.chod.newChodSigmaTime * rng.gaussian();
  }
  t->muv1Energy = e1;
  t->muv2Energy = e2;
  t->muv3Hit = m3;
  t->muv3Time = m3t;
  t->muv3X = m3 ? m3x : 0;
  t->muv3Y = m3 ? m3y : 0;
}

bool FastSimulation::pileupGtkTrack(double t0, RandomStream& rng, GtkTrack& g) const {
  // one pile-up beam particle of accidentals() (also used by the forced-accidental weighting
  // of the upstream background, analysis/PnnUpstream.cpp): the same draws in the same order
  const auto& bc = beam_.config();
  const double wg = cfg_.gtk.accidentalWindow;
  const double us = rng.uniform32();
  if (rng.uniform32() >= cfg_.gtk.trackEfficiency) return false;
  const int species = us < speciesCdf_[0] ? pdg::kKPlus : (us < speciesCdf_[1] ? pdg::kPiPlus : pdg::kProton);
  const double t = t0 + rng.uniform32(-wg, wg);
  const double x0 = bc.meanX + bc.halfWidthX * rng.uniform32(-1.0, 1.0);
  const double y0 = bc.meanY + bc.halfHeightY * rng.uniform32(-1.0, 1.0);
  const double pm = bc.momentum + gtkSigmaP_ * rng.gaussian();
  const double ax = rng.gaussian(), bx = rng.gaussian(), ay = rng.gaussian(), by = rng.gaussian();
  const double sx = bc.meanSlopeX + gtkSlopeSigma_ * ax;
  const double sy = bc.meanSlopeY + gtkSlopeSigma_ * ay;
  const double pz = pm / std::sqrt(1 + sx * sx + sy * sy);
  g = GtkTrack{};
  g.momentum = {sx * pz, sy * pz, pz};
  g.position = {x0 + bc.meanSlopeX * gtkDz_ + gtkPosCorr_ * ax + gtkPosSigma_ * bx,
                y0 + bc.meanSlopeY * gtkDz_ + gtkPosCorr_ * ay + gtkPosSigma_ * by, cfg_.gtk.z[2]};
  g.time = t + cfg_.gtk.sigmaTime * rng.gaussian();
  g.trueKaon = false;
  g.truePdgId = species;
  return true;
}

void FastSimulation::accidentals(const generator::TruthEvent& truth, RandomStream& rng, DetectorEvent& out) const {
  const double t0 = truth.beamOrigin.e;
  // pile-up beam tracks in the GTK. The measured track is drawn directly: the beam
  // particle's momentum spread and the GTK momentum resolution add up to one Gaussian
  // (sigma gtkSigmaP_), and per projection the measured slope and the measured position
  // (which sees the true slope over GTK3 - reference plane) are a correlated Gaussian pair
  // drawn from its Cholesky factor (gtkSlope*, gtkPos*): the same distributions as beam
  // particle + smearing, with 6 Gaussians and 5 32-bit uniforms instead of 11 + 4 64-bit.
  const int nb = poisson(muGtk_, expMuGtk_, rng);
  for (int i = 0; i < nb; ++i) {
    GtkTrack g;
    if (!pileupGtkTrack(t0, rng, g)) continue;
    GtkTrack* slot = DetectorEvent::push(out.gtk, out.nGtk, out.overflow);
    if (!slot) break;
    *slot = g;
  }
  // random hits in the vetoes, the LKr and the CHANTI in the readout window: independent
  // Poisson counts drawn as one Poisson count of the summed mean split over the detectors
  // in proportion to their means (the same joint distribution; one 32-bit uniform per hit)
  const double w = cfg_.accidentals.window;
  int count[5] = {0, 0, 0, 0, 0};  // LAV, IRC, SAC, LKr, CHANTI
  const int nr = poisson(muRandom_, expMuRandom_, rng);
  for (int i = 0; i < nr; ++i) {
    const double u = rng.uniform32() * muRandom_;
    int d = 0;
    while (d < 4 && u >= randomCdf_[d]) ++d;
    ++count[d];
  }
  auto vetoHits = [&](VetoDetector d, int n, double meanE, int nStations) {
    for (int i = 0; i < n; ++i) {
      const int station =
          nStations > 0 ? 1 + std::min(nStations - 1, static_cast<int>(rng.uniform32() * nStations)) : 0;
      const double e = meanE * rng.exponential();
      const double t = t0 + rng.uniform32(-w, w);
      VetoHit* h = DetectorEvent::push(out.veto, out.nVeto, out.overflow);
      if (h) *h = {d, station, e, t, -1};
    }
  };
  vetoHits(VetoDetector::LAV, count[0], cfg_.lav.accidentalMeanEnergy, 12);
  vetoHits(VetoDetector::IRC, count[1], cfg_.irc.accidentalMeanEnergy, 0);
  vetoHits(VetoDetector::SAC, count[2], cfg_.sac.accidentalMeanEnergy, 0);
  for (int i = 0; i < count[3]; ++i) {
    const double r1 = cfg_.lkr.rInner, r2 = cfg_.lkr.apothem;
    const double r = std::sqrt(r1 * r1 + rng.uniform32() * (r2 * r2 - r1 * r1));
    const double phi = constants::two_pi * rng.uniform32();
    const double e = cfg_.lkr.accidentalMeanEnergy * rng.exponential();
    const double t = t0 + rng.uniform32(-w, w);
    LkrCluster* c = DetectorEvent::push(out.lkr, out.nLkr, out.overflow);
    if (c) *c = {e, r * std::cos(phi), r * std::sin(phi), t, -1, ClusterType::Accidental, true};
  }
  for (int i = 0; i < count[4]; ++i) {
    const int station = 1 + std::min(5, static_cast<int>(rng.uniform32() * 6));
    const double t = t0 + rng.uniform32(-w, w);
    ChantiHit* h = DetectorEvent::push(out.chanti, out.nChanti, out.overflow);
    if (h) *h = {station, t, -1};
  }
}

void FastSimulation::mergeClusters(DetectorEvent& out) const {
  const double d2 = cfg_.lkr.mergeDistance * cfg_.lkr.mergeDistance;
  for (std::size_t i = 0; i < out.nLkr; ++i) {
    for (std::size_t j = i + 1; j < out.nLkr;) {
      LkrCluster& a = out.lkr[i];
      const LkrCluster& b = out.lkr[j];
      const double dx = a.x - b.x, dy = a.y - b.y;
      if (dx * dx + dy * dy < d2) {
        const double e = a.energy + b.energy;
        const bool bMain = b.energy > a.energy;
        a.x = (a.x * a.energy + b.x * b.energy) / e;
        a.y = (a.y * a.energy + b.y * b.energy) / e;
        if (bMain) {
          a.time = b.time;
          a.truthIndex = b.truthIndex;
        }
        a.energy = e;
        a.type = ClusterType::Merged;
        a.inAcceptance = a.inAcceptance || b.inAcceptance;
        out.lkr[j] = out.lkr[out.nLkr - 1];
        --out.nLkr;
        j = i + 1;  // the merged cluster moved: look again
      } else {
        ++j;
      }
    }
  }
}

}  // namespace kaonlab::detector
