// [detector.<sub-detector>] and [reco] tables of a run card: every parameter of
// detector::DetectorConfig and reco::Reconstruction::Config can be changed from the
// card (a study of an upgrade changes the card, not the code). Key names carry the unit.
#include "DetectorCard.hpp"

#include <fmt/format.h>

#include <cmath>

namespace kaonlab::app {

using units::GeV;
using units::m;
using units::mm;
using units::ns;
using units::s;
using units::urad;
using units::mrad;

namespace {
/// A rate per ns from a card value in MHz.
constexpr double MHz = 1.0e6 / units::s;

template <std::size_t N>
void numbers(CardTable& t, std::string_view key, std::array<double, N>& a, double unit) {
  auto v = t.numberArray(key, N);
  if (v.empty()) return;
  for (std::size_t i = 0; i < N; ++i) a[i] = v[i] * unit;
}

void curve(CardTable& t, detector::InefficiencyCurve& c) {
  auto e = t.numberArray("inefficiency_energy_GeV", 0);
  auto v = t.numberArray("inefficiency", 0);
  if (e.empty() && v.empty()) return;
  if (e.size() != v.size() || e.size() < 1 || e.size() > static_cast<std::size_t>(detector::InefficiencyCurve::kMaxPoints))
    t.fail("inefficiency", fmt::format("inefficiency_energy_GeV and inefficiency must have the same length (1..{})",
                                       detector::InefficiencyCurve::kMaxPoints));
  c.n = static_cast<int>(e.size());
  for (std::size_t i = 0; i < e.size(); ++i) {
    c.energy[i] = e[i] * GeV;
    c.value[i] = v[i];
  }
}
/// The material keys of a thin scattering layer (prefix + radiation_lengths, scattering_tail,
/// effective_z, effective_a, tail_threshold).
void scatteringLayer(CardTable& t, const std::string& prefix, detector::ScatteringLayer& l) {
  l.radiationLengths = t.number(prefix + "radiation_lengths", l.radiationLengths, 0, 1);
  l.scatteringTail = t.boolean(prefix + "scattering_tail", l.scatteringTail);
  l.effectiveZ = t.number(prefix + "effective_z", l.effectiveZ, 1, 100);
  l.effectiveA = t.number(prefix + "effective_a", l.effectiveA, 1, 300);
  l.tailThreshold = t.number(prefix + "tail_threshold", l.tailThreshold, 1, 100);
}
}  // namespace

void readDetectorTables(CardTable& top, detector::DetectorConfig& d, reco::Reconstruction::Config& r) {
  CardTable det = top.sub("detector");
  {
    CardTable t = det.sub("ktag");
    d.ktag.minSectors = static_cast<int>(t.integer("min_sectors", d.ktag.minSectors, 1, 8));
    d.ktag.sectorProbability = t.number("sector_probability", d.ktag.sectorProbability, 0, 1);
    d.ktag.sigmaTime = t.number("sigma_time_ns", d.ktag.sigmaTime / ns, 0, 100) * ns;
    t.finish();
  }
  {
    CardTable t = det.sub("gtk");
    numbers(t, "z_m", d.gtk.z, m);
    d.gtk.halfWidthX = t.number("half_width_x_mm", d.gtk.halfWidthX / mm, 0, 1e3) * mm;
    d.gtk.halfHeightY = t.number("half_height_y_mm", d.gtk.halfHeightY / mm, 0, 1e3) * mm;
    d.gtk.sigmaMomentum = t.number("sigma_momentum_GeV", d.gtk.sigmaMomentum / GeV, 0, 10) * GeV;
    d.gtk.sigmaAngle = t.number("sigma_angle_urad", d.gtk.sigmaAngle / urad, 0, 1e4) * urad;
    d.gtk.sigmaTime = t.number("sigma_time_ns", d.gtk.sigmaTime / ns, 0, 100) * ns;
    d.gtk.sigmaPosition = t.number("sigma_position_mm", d.gtk.sigmaPosition / mm, 0, 100) * mm;
    d.gtk.trackEfficiency = t.number("track_efficiency", d.gtk.trackEfficiency, 0, 1);
    d.gtk.accidentalWindow = t.number("accidental_window_ns", d.gtk.accidentalWindow / ns, 0, 1e3) * ns;
    scatteringLayer(t, "gtk3_", d.gtk.gtk3Material);
    t.finish();
  }
  {
    CardTable t = det.sub("chanti");
    numbers(t, "z_m", d.chanti.z, m);
    d.chanti.sigmaTime = t.number("sigma_time_ns", d.chanti.sigmaTime / ns, 0, 100) * ns;
    d.chanti.accidentalRatePerNs = t.number("accidental_rate_MHz", d.chanti.accidentalRatePerNs / MHz, 0, 1e5) * MHz;
    t.finish();
  }
  {  // beam line between the last achromat dipole and the tank (upstream decays)
    CardTable t = det.sub("upstream");
    auto& u = d.upstream;
    u.collimatorZFront = t.number("collimator_z_front_m", u.collimatorZFront / m, 0, 1e3) * m;
    u.collimatorZBack = t.number("collimator_z_back_m", u.collimatorZBack / m, 0, 1e3) * m;
    u.collimatorInnerHalfX = t.number("collimator_inner_half_x_mm", u.collimatorInnerHalfX / mm, 0, 1e4) * mm;
    u.collimatorInnerHalfY = t.number("collimator_inner_half_y_mm", u.collimatorInnerHalfY / mm, 0, 1e4) * mm;
    u.collimatorOuterHalfX = t.number("collimator_outer_half_x_mm", u.collimatorOuterHalfX / mm, 0, 1e4) * mm;
    u.collimatorOuterHalfY = t.number("collimator_outer_half_y_mm", u.collimatorOuterHalfY / mm, 0, 1e4) * mm;
    // final collimator design (2016: 2016, 2017, 2018 S1; 2018: 2018 S2) and the 2018 geometry
    u.collimatorDesign = static_cast<int>(t.integer("collimator_design", u.collimatorDesign, 2016, 2018));
    u.collimator2018ZFront = t.number("collimator_2018_z_front_m", u.collimator2018ZFront / m, 0, 1e3) * m;
    u.collimator2018ZBack = t.number("collimator_2018_z_back_m", u.collimator2018ZBack / m, 0, 1e3) * m;
    u.collimator2018BoreX = t.number("collimator_2018_bore_x_mm", u.collimator2018BoreX / mm, 0, 1e4) * mm;
    u.collimator2018BoreY = t.number("collimator_2018_bore_y_mm", u.collimator2018BoreY / mm, 0, 1e4) * mm;
    u.collimator2018BoreRadius = t.number("collimator_2018_bore_radius_mm", u.collimator2018BoreRadius / mm, 0, 1e4) * mm;
    u.collimator2018OuterHalfX = t.number("collimator_2018_outer_half_x_mm", u.collimator2018OuterHalfX / mm, 0, 1e4) * mm;
    u.collimator2018OuterHalfY = t.number("collimator_2018_outer_half_y_mm", u.collimator2018OuterHalfY / mm, 0, 1e4) * mm;
    // second achromat: one field region for the four MCB dipoles (NA62: 40 x 80 mm half-sizes;
    // 0 = field everywhere, no yoke), their kick, the scraper, GTK2
    {
      const double hx = t.number("dipole_half_x_mm", u.dipoles[0].halfX / mm, 0, 1e4) * mm;
      const double hy = t.number("dipole_half_y_mm", u.dipoles[0].halfY / mm, 0, 1e4) * mm;
      const double k = t.number("dipole_kick_GeV", std::abs(u.dipoles[0].kickY) / GeV, 0, 100) * GeV;
      for (auto& dp : u.dipoles) {
        dp.halfX = hx;
        dp.halfY = hy;
        dp.kickY = dp.kickY < 0 ? -k : k;
      }
    }
    u.scraperZEnd = t.number("scraper_z_end_m", u.scraperZEnd / m, 0, 1e3) * m;
    u.scraperLength = t.number("scraper_length_m", u.scraperLength / m, 0, 100) * m;
    u.scraperHalfX = t.number("scraper_half_x_mm", u.scraperHalfX / mm, 0, 1e4) * mm;
    u.scraperHalfY = t.number("scraper_half_y_mm", u.scraperHalfY / mm, 0, 1e4) * mm;
    u.scraperCentreY = t.number("scraper_centre_y_mm", u.scraperCentreY / mm, -1e4, 1e4) * mm;
    u.gtk2CentreY = t.number("gtk2_centre_y_mm", u.gtk2CentreY / mm, -1e4, 1e4) * mm;
    u.trim5Z = t.number("trim5_z_m", u.trim5Z / m, 0, 1e3) * m;
    u.trim5Kick = t.number("trim5_kick_GeV", u.trim5Kick / GeV, 0, 10) * GeV;
    u.trim5Length = t.number("trim5_length_mm", u.trim5Length / mm, 0, 1e4) * mm;
    u.trim5GapHalf = t.number("trim5_gap_half_mm", u.trim5GapHalf / mm, 0, 1e4) * mm;
    u.trim5OuterHalf = t.number("trim5_outer_half_mm", u.trim5OuterHalf / mm, 0, 1e4) * mm;
    u.trim5FieldHalfX = t.number("trim5_field_half_x_mm", u.trim5FieldHalfX / mm, 0, 1e5) * mm;
    u.trim5FieldHalfY = t.number("trim5_field_half_y_mm", u.trim5FieldHalfY / mm, 0, 1e5) * mm;
    u.gtk3HitSigmaTime = t.number("gtk3_hit_sigma_time_ns", u.gtk3HitSigmaTime / ns, 0, 100) * ns;
    u.chantiEfficiency = t.number("chanti_efficiency", u.chantiEfficiency, 0, 1);
    t.finish();
  }
  {
    CardTable t = det.sub("lav");
    d.lav.sigmaTime = t.number("sigma_time_ns", d.lav.sigmaTime / ns, 0, 100) * ns;
    d.lav.energyResolution1GeV = t.number("energy_resolution_1GeV", d.lav.energyResolution1GeV, 0, 10);
    curve(t, d.lav.inefficiency);
    d.lav.accidentalRatePerNs = t.number("accidental_rate_MHz", d.lav.accidentalRatePerNs / MHz, 0, 1e5) * MHz;
    d.lav.accidentalMeanEnergy = t.number("accidental_mean_energy_GeV", d.lav.accidentalMeanEnergy / GeV, 0, 1e3) * GeV;
    t.finish();
  }
  {
    CardTable t = det.sub("tank");
    d.tank.fiducialZMin = t.number("fiducial_z_min_m", d.tank.fiducialZMin / m, 0, 1e3) * m;
    d.tank.fiducialZMax = t.number("fiducial_z_max_m", d.tank.fiducialZMax / m, 0, 1e3) * m;
    d.tank.decayZEnd = t.number("decay_z_end_m", d.tank.decayZEnd / m, 0, 1e3) * m;
    t.finish();
  }
  {
    CardTable t = det.sub("straw");
    numbers(t, "z_m", d.straw.z, m);
    numbers(t, "hole_centre_x_mm", d.straw.holeCentreX, mm);
    d.straw.holeRadius = t.number("hole_radius_mm", d.straw.holeRadius / mm, 0, 1e3) * mm;
    d.straw.outerRadius = t.number("outer_radius_mm", d.straw.outerRadius / mm, 0, 1e4) * mm;
    scatteringLayer(t, "", d.straw.material);
    d.straw.minChambers = static_cast<int>(t.integer("min_chambers", d.straw.minChambers, 2, 4));
    d.straw.trackEfficiency = t.number("track_efficiency", d.straw.trackEfficiency, 0, 1);
    d.straw.sigmaPConstant = t.number("sigma_p_constant", d.straw.sigmaPConstant, 0, 1);
    d.straw.sigmaPSlopePerGeV = t.number("sigma_p_slope_per_GeV", d.straw.sigmaPSlopePerGeV, 0, 1);
    d.straw.sigmaAngleConstant = t.number("sigma_angle_constant_urad", d.straw.sigmaAngleConstant / urad, 0, 1e4) * urad;
    d.straw.sigmaAngleMsGeV = t.number("sigma_angle_ms_urad_GeV", d.straw.sigmaAngleMsGeV / urad, 0, 1e5) * urad;
    d.straw.sigmaPosition = t.number("sigma_position_mm", d.straw.sigmaPosition / mm, 0, 100) * mm;
    d.straw.sigmaTime = t.number("sigma_time_ns", d.straw.sigmaTime / ns, 0, 1e3) * ns;
    t.finish();
  }
  {
    CardTable t = det.sub("magnet");
    d.magnet.zCentre = t.number("z_centre_m", d.magnet.zCentre / m, 0, 1e3) * m;
    d.magnet.ptKick = t.number("pt_kick_GeV", d.magnet.ptKick / GeV, 0, 10) * GeV;
    t.finish();
  }
  {
    CardTable t = det.sub("rich");
    d.rich.indexMinusOne = t.number("index_minus_one", d.rich.indexMinusOne, 1e-7, 1e-2);
    d.rich.focalLength = t.number("focal_length_mm", d.rich.focalLength / mm, 1, 1e5) * mm;
    d.rich.hitsAtSaturation = t.number("hits_at_saturation", d.rich.hitsAtSaturation, 0, 1e3);
    d.rich.sigmaRadiusPerHit = t.number("sigma_radius_per_hit_mm", d.rich.sigmaRadiusPerHit / mm, 0, 100) * mm;
    d.rich.sigmaTimePerHit = t.number("sigma_time_per_hit_ns", d.rich.sigmaTimePerHit / ns, 0, 100) * ns;
    d.rich.minHits = static_cast<int>(t.integer("min_hits", d.rich.minHits, 1, 100));
    t.finish();
  }
  {
    CardTable t = det.sub("chod");
    d.chod.newChodSigmaTime = t.number("newchod_sigma_time_ns", d.chod.newChodSigmaTime / ns, 0, 100) * ns;
    d.chod.chodSigmaTime = t.number("chod_sigma_time_ns", d.chod.chodSigmaTime / ns, 0, 100) * ns;
    d.chod.efficiency = t.number("efficiency", d.chod.efficiency, 0, 1);
    t.finish();
  }
  {
    CardTable t = det.sub("lkr");
    d.lkr.resStochastic = t.number("res_stochastic", d.lkr.resStochastic, 0, 1);
    d.lkr.resNoiseGeV = t.number("res_noise_GeV", d.lkr.resNoiseGeV, 0, 10);
    d.lkr.resConstant = t.number("res_constant", d.lkr.resConstant, 0, 1);
    d.lkr.posStochasticMm = t.number("pos_stochastic_mm", d.lkr.posStochasticMm, 0, 100);
    d.lkr.posConstant = t.number("pos_constant_mm", d.lkr.posConstant / mm, 0, 100) * mm;
    d.lkr.mipMean = t.number("mip_mean_GeV", d.lkr.mipMean / GeV, 0, 10) * GeV;
    d.lkr.mipSigma = t.number("mip_sigma_GeV", d.lkr.mipSigma / GeV, 0, 10) * GeV;
    d.lkr.pionInteractionLengths = t.number("pion_interaction_lengths", d.lkr.pionInteractionLengths, 0, 100);
    d.lkr.pionEoverPMean = t.number("pion_eoverp_mean", d.lkr.pionEoverPMean, 0, 2);
    d.lkr.pionEoverPSigma = t.number("pion_eoverp_sigma", d.lkr.pionEoverPSigma, 0, 2);
    d.lkr.mergeDistance = t.number("merge_distance_mm", d.lkr.mergeDistance / mm, 0, 1e3) * mm;
    curve(t, d.lkr.inefficiency);
    d.lkr.accidentalRatePerNs = t.number("accidental_rate_MHz", d.lkr.accidentalRatePerNs / MHz, 0, 1e5) * MHz;
    t.finish();
  }
  {
    CardTable t = det.sub("muv");
    d.muv.muv3SigmaTime = t.number("muv3_sigma_time_ns", d.muv.muv3SigmaTime / ns, 0, 100) * ns;
    d.muv.muonMinMomentum = t.number("muon_min_momentum_GeV", d.muv.muonMinMomentum / GeV, 0, 100) * GeV;
    d.muv.muv3Efficiency = t.number("muv3_efficiency", d.muv.muv3Efficiency, 0, 1);
    d.muv.pionPunchThrough = t.number("pion_punch_through", d.muv.pionPunchThrough, 0, 1);
    d.muv.hadronVisibleFraction = t.number("hadron_visible_fraction", d.muv.hadronVisibleFraction, 0, 1);
    t.finish();
  }
  for (auto [name, cfg] : {std::pair<const char*, detector::InefficiencyCurve*>{"irc", &d.irc.inefficiency},
                           {"sac", &d.sac.inefficiency}}) {
    CardTable t = det.sub(name);
    curve(t, *cfg);
    double& rate = std::string_view(name) == "irc" ? d.irc.accidentalRatePerNs : d.sac.accidentalRatePerNs;
    rate = t.number("accidental_rate_MHz", rate / MHz, 0, 1e5) * MHz;
    t.finish();
  }
  {
    CardTable t = det.sub("accidentals");
    d.accidentals.enabled = t.boolean("enabled", d.accidentals.enabled);
    d.accidentals.window = t.number("window_ns", d.accidentals.window / ns, 0, 1e4) * ns;
    t.finish();
  }
  det.finish();

  CardTable rt = top.sub("reco");
  r.sigmaCdaExtra = rt.number("sigma_cda_extra_mm", r.sigmaCdaExtra / mm, 0, 1e3) * mm;
  r.gtkTimeWindow = rt.number("gtk_time_window_ns", r.gtkTimeWindow / ns, 0, 1e3) * ns;
  r.lavWindow = rt.number("lav_window_ns", r.lavWindow / ns, 0, 1e3) * ns;
  r.ircSacWindow = rt.number("irc_sac_window_ns", r.ircSacWindow / ns, 0, 1e3) * ns;
  r.lkrTrackDistance = rt.number("lkr_track_distance_mm", r.lkrTrackDistance / mm, 0, 1e4) * mm;
  r.muv3Window = rt.number("muv3_window_ns", r.muv3Window / ns, 0, 1e3) * ns;
  // multiplicity veto (NA62 MultiplicitySelection, Reconstruction::Config)
  r.chodWindow = rt.number("chod_window_ns", r.chodWindow / ns, 0, 1e3) * ns;
  r.newChodWindow = rt.number("newchod_window_ns", r.newChodWindow / ns, 0, 1e3) * ns;
  r.maxExtraChodSlabs = static_cast<int>(rt.integer("max_extra_chod_slabs", r.maxExtraChodSlabs, 0, 1000));
  r.chodLkrMaxDistance = rt.number("chod_lkr_max_distance_mm", r.chodLkrMaxDistance / mm, 0, 1e4) * mm;
  // best-track association (NA62 BestTrackSelection, RecoTrack::associated)
  r.newChodChodWindow = rt.number("newchod_chod_window_ns", r.newChodChodWindow / ns, 0, 1e3) * ns;
  r.richChodWindow = rt.number("rich_chod_window_ns", r.richChodWindow / ns, 0, 1e3) * ns;
  r.lkrAssociationWindow = rt.number("lkr_association_window_ns", r.lkrAssociationWindow / ns, 0, 1e3) * ns;
  r.lkrChodMaxDistance = rt.number("lkr_association_max_distance_mm", r.lkrChodMaxDistance / mm, 0, 1e4) * mm;
  // STRAW segments (NA62 StrawSegmentAlgorithm, RecoEvent::strawSegment)
  r.segmentVertexError = rt.number("segment_vertex_error_mm", r.segmentVertexError / mm, 1e-6, 1e3) * mm;
  r.segmentHitError = rt.number("segment_hit_error_mm", r.segmentHitError / mm, 1e-6, 1e3) * mm;
  r.segmentMaxSlope = rt.number("segment_max_slope", r.segmentMaxSlope, 0, 1);
  r.segmentMinDistance = rt.number("segment_min_distance_mm", r.segmentMinDistance / mm, 0, 1e4) * mm;
  r.segmentMaxPositiveP = rt.number("segment_max_positive_p_gev", r.segmentMaxPositiveP / GeV, 0, 1e4) * GeV;
  r.segmentMaxNegativeP = rt.number("segment_max_negative_p_gev", r.segmentMaxNegativeP / GeV, 0, 1e4) * GeV;
  rt.finish();
}

}  // namespace kaonlab::app
