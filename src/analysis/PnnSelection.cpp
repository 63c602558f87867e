#include "kaonlab/analysis/PnnSelection.hpp"

#include <fmt/format.h>

#include <cmath>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"

namespace kaonlab::analysis {

std::string_view cutName(PnnCut c) {
  switch (c) {
    case PnnCut::OneTrack: return "one track";
    case PnnCut::TrackQuality: return "track quality";
    case PnnCut::Acceptance: return "geometric acceptance";
    case PnnCut::Momentum: return "pi+ momentum";
    case PnnCut::KaonId: return "K+ ID (KTAG)";
    case PnnCut::KaonMatch: return "K+ match (GTK)";
    case PnnCut::Vertex: return "decay vertex";
    case PnnCut::UpstreamVeto: return "upstream veto";
    case PnnCut::RichPionId: return "pi+ ID (RICH)";
    case PnnCut::CaloPionId: return "pi+ ID (calorimeters)";
    case PnnCut::MuonVeto: return "muon veto (MUV3)";
    case PnnCut::PhotonVeto: return "photon veto";
    case PnnCut::SignalRegion: return "signal region R1+R2";
  }
  return "?";
}

std::string_view regionName(PnnRegion r) {
  switch (r) {
    case PnnRegion::None: return "none";
    case PnnRegion::Kmu2: return "Kmu2";
    case PnnRegion::ControlKmu2: return "control Kmu2";
    case PnnRegion::R1: return "R1";
    case PnnRegion::Control1: return "control 1";
    case PnnRegion::K2pi: return "K2pi";
    case PnnRegion::Control2: return "control 2";
    case PnnRegion::R2: return "R2";
    case PnnRegion::K3pi: return "K3pi";
    case PnnRegion::SignalBoxFail: return "R1/R2 (beam or RICH m2miss outside)";
  }
  return "?";
}

void PnnSelectionConfig::validate() const {
  auto req = [](bool ok, const char* field, const char* what) {
    if (!ok) throw ConfigError(fmt::format("pnn.{}: {}", field, what));
  };
  req(maxTracks >= 1, "max_tracks", "must be >= 1");
  req(maxTrackChi2 > 0, "max_track_chi2", "must be > 0");
  req(pMin > 0 && pMax > pMin, "p_min_GeV/p_max_GeV", "need 0 < p_min < p_max");
  req(zMax > zMin, "z_min_m/z_max_m", "need z_min < z_max");
  req(ktagWindow > 0 && gtkWindow > 0 && maxCda > 0, "windows", "timing windows and CDA must be > 0");
  req(richMassMax > richMassMin, "rich_mass", "need min < max");
  req(richMaxNonPion > 0 && richMaxNonPion <= 1, "rich_max_non_pion", "must be in (0, 1]");
  req(r1Max > r1Min && r2Max > r2Min && r1Max <= control1Max && control1Max <= k2piMax && k2piMax <= control2Max &&
          control2Max <= r2Min,
      "regions", "m2miss region edges must increase");
  req(m2Sigma > 0, "m2_sigma", "must be > 0");
  req(beamThetaCorrKick >= 0, "beam_theta_corr_kick_MeV", "must be >= 0");
}

double beamThetaCorr(const Vector3& k, const PnnSelectionConfig& c) {
  const double sx = k.x / k.z - c.beamThetaCorrKick / k.mag() - c.beamThetaCorrMeanX;
  const double sy = k.y / k.z - c.beamThetaCorrMeanY;
  return std::sqrt(sx * sx + sy * sy);
}

PnnSelection::PnnSelection(const PnnSelectionConfig& cfg) : cfg_(cfg) { cfg_.validate(); }

double PnnSelection::kmu2Peak(double p) const {
  const double mpi = mass(pdg::kPiPlus), mmu = mass(pdg::kMuon);
  return (mpi * mpi - mmu * mmu) * (1.0 - cfg_.beamEnergy / p);
}

PnnRegion PnnSelection::region(double m2, double m2Beam, double m2Rich, double p) const {
  const auto& c = cfg_;
  if (m2 > c.r1Min && m2 <= c.r1Max) {
    bool ok = true;
    if (c.useBeamM2) {
      const double lo = p <= 25.0 ? -0.005 : 0.0;  // §4.3 Region 1, nominal-beam m2miss
      ok &= m2Beam >= lo && m2Beam <= 0.0135;
    }
    if (c.useRichM2) {
      double lo = 0.0, hi = 0.010;  // §4.3 Region 1, RICH m2miss
      if (p > 20.0 && p < 25.0) hi = 0.020;
      if (p >= 25.0) lo = -0.005, hi = 0.020;
      ok &= m2Rich >= lo && m2Rich <= hi;
    }
    return ok ? PnnRegion::R1 : PnnRegion::SignalBoxFail;
  }
  if (m2 > c.r2Min && m2 <= c.r2Max) {
    bool ok = true;
    if (c.useBeamM2) ok &= m2Beam >= 0.024 && m2Beam <= 0.068;  // §4.3 Region 2
    if (c.useRichM2) ok &= m2Rich >= 0.020 && m2Rich <= 0.070;
    return ok ? PnnRegion::R2 : PnnRegion::SignalBoxFail;
  }
  if (m2 <= c.r1Min) return m2 <= kmu2Peak(p) + 3.0 * c.m2Sigma ? PnnRegion::Kmu2 : PnnRegion::ControlKmu2;
  if (m2 <= c.control1Max) return PnnRegion::Control1;
  if (m2 <= c.k2piMax) return PnnRegion::K2pi;
  if (m2 <= c.control2Max) return PnnRegion::Control2;
  return PnnRegion::K3pi;
}

bool PnnSelection::trackTopologyOk(const reco::RecoEvent& ev) const {
  const auto& c = cfg_;
  if (static_cast<int>(ev.nTracks) <= c.maxTracks) return true;
  if (!c.na62TwoTracks || ev.nTracks != 2) return false;
  const auto& a = ev.tracks[0];
  const auto& b = ev.tracks[1];
  return a.charge > 0 && b.charge > 0 && a.associated != b.associated;
}

PnnClassification PnnSelection::classify(const reco::RecoEvent& ev) const {
  const auto& c = cfg_;
  PnnClassification r;
  auto fail = [&](PnnCut cut) { r.failed |= bit(cut); };
  if (ev.nTracks == 0 || ev.best < 0) {
    r.failed = (1u << kPnnCutCount) - 1;  // nothing to select
    r.stage = 0;
    return r;
  }
  const reco::RecoTrack& t = ev.tracks[static_cast<std::size_t>(ev.best)];
  r.track = ev.best;
  r.p = t.p;
  r.m2miss = t.m2miss;

  if (!trackTopologyOk(ev) || (c.chodMultiplicityVeto && ev.chodVeto) ||
      (c.strawSegmentVeto && ev.strawSegment))
    fail(PnnCut::OneTrack);
  if (t.charge <= 0 || t.nChambers < c.minChambers || t.chi2 >= c.maxTrackChi2 || (c.requireAssociation && !t.associated))
    fail(PnnCut::TrackQuality);
  if (!t.inAcceptance) fail(PnnCut::Acceptance);
  if (t.p < c.pMin || t.p > c.pMax) fail(PnnCut::Momentum);
  if (!ev.ktagTagged || ev.ktagSectors < c.ktagMinSectors || std::abs(t.dtKtag) > c.ktagWindow) fail(PnnCut::KaonId);
  {
    bool ok = t.gtkIndex >= 0 && std::abs(t.dtGtk) < c.gtkWindow && t.cda < c.maxCda;
    if (ok && c.beamKinematics) {
      const Vector3& k = t.kaonMomentum;
      const double pk = k.mag(), sx = k.x / k.z, sy = k.y / k.z;
      ok = pk > c.beamPMin && pk < c.beamPMax && sx > c.beamSlopeXMin && sx < c.beamSlopeXMax &&
           sy > c.beamSlopeYMin && sy < c.beamSlopeYMax;
      if (ok && c.beamMaxThetaCorr > 0) ok = beamThetaCorr(k, c) < c.beamMaxThetaCorr;
    }
    if (!ok) fail(PnnCut::KaonMatch);
  }
  if (t.vertex.z < c.zMin || t.vertex.z > c.zMax) fail(PnnCut::Vertex);
  {
    bool ok = !(c.chantiVeto && ev.chantiVeto);
    // straight back-extrapolation of the pi+ track (no field in the decay tank)
    auto at = [&](double z) {
      const double dz = z - t.positionStraw1.z;
      return Vector3(t.positionStraw1.x + t.momentum.x / t.momentum.z * dz,
                     t.positionStraw1.y + t.momentum.y / t.momentum.z * dz, z);
    };
    if (c.gtk3AreaCut) {
      const Vector3 x = at(c.gtk3Z);
      if (std::abs(x.x) < c.gtk3HalfX && std::abs(x.y) < c.gtk3HalfY) ok = false;
    }
    if (c.trim5BoxCut) {
      const Vector3 x = at(c.trim5Z);
      if (std::abs(x.x) < c.trim5HalfX && std::abs(x.y) < c.trim5HalfY) ok = false;
    }
    if (c.gtk3HitCut && t.gtk3HitDistance < c.gtk3HitDistance) ok = false;
    if (c.additionalVertexCut && t.gtkCandidateVertexZMin > c.additionalVertexZMin &&
        t.gtkCandidateVertexZMin < c.additionalVertexZMax)
      ok = false;
    if (c.strawRadiusVsZCut) {
      const double r = std::hypot(t.positionStraw1.x - c.strawHoleCentreX, t.positionStraw1.y);
      if (r <= c.strawRadiusA - c.strawRadiusB * t.vertex.z) ok = false;
    }
    if (!ok) fail(PnnCut::UpstreamVeto);
  }
  if (!t.hasRing || t.richMass < c.richMassMin || t.richMass > c.richMassMax || t.richProbMuon >= c.richMaxNonPion ||
      t.richProbElectron >= c.richMaxNonPion)
    fail(PnnCut::RichPionId);
  if (t.eOverP > c.maxEOverP || (t.lkrEnergy + t.muv1Energy + t.muv2Energy) / t.p < c.minCaloEnergyOverP)
    fail(PnnCut::CaloPionId);
  if (t.muv3) fail(PnnCut::MuonVeto);
  if (ev.photonVeto) fail(PnnCut::PhotonVeto);
  r.region = region(t.m2miss, t.m2missBeam, t.hasRing && t.pRich > 0 ? t.m2missRich : -1.0, t.p);
  if (!r.inSignalRegion()) fail(PnnCut::SignalRegion);

  r.stage = kPnnCutCount;
  for (int k = 0; k < kPnnCutCount; ++k)
    if (r.failed & (1u << k)) {
      r.stage = k;
      break;
    }
  return r;
}

}  // namespace kaonlab::analysis
