#include "kaonlab/detector/DetectorConfig.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>

#include "kaonlab/core/Error.hpp"

namespace kaonlab::detector {

double InefficiencyCurve::operator()(double e) const {
  if (n <= 0) return 0.0;
  if (e <= energy[0]) return value[0];
  if (e >= energy[n - 1]) return value[n - 1];
  int i = 1;
  while (e > energy[i]) ++i;
  const double f = std::log(e / energy[i - 1]) / std::log(energy[i] / energy[i - 1]);
  return std::exp(std::log(value[i - 1]) + f * std::log(value[i] / value[i - 1]));
}

namespace {

struct Checker {
  void require(bool ok, const std::string& field, const std::string& what) const {
    if (!ok) throw ConfigError(fmt::format("detector.{}: {}", field, what));
  }
  void positive(double v, const std::string& field) const { require(v > 0 && std::isfinite(v), field, "must be > 0"); }
  void nonNegative(double v, const std::string& field) const {
    require(v >= 0 && std::isfinite(v), field, "must be >= 0");
  }
  void probability(double v, const std::string& field) const {
    require(v >= 0 && v <= 1, field, "must be in [0, 1]");
  }
  void curve(const InefficiencyCurve& c, const std::string& field) const {
    require(c.n >= 1 && c.n <= InefficiencyCurve::kMaxPoints, field, "needs 1 to 8 points");
    for (int i = 0; i < c.n; ++i) {
      require(c.energy[i] > 0, fmt::format("{}.energy[{}]", field, i), "must be > 0");
      require(c.value[i] > 0 && c.value[i] <= 1, fmt::format("{}.value[{}]", field, i), "must be in (0, 1]");
      if (i > 0)
        require(c.energy[i] > c.energy[i - 1], fmt::format("{}.energy[{}]", field, i), "energies must increase");
    }
  }
  /// A thin scattering layer; prefix = the card key prefix ("straw.", "gtk.gtk3_").
  void scatteringLayer(const ScatteringLayer& l, const std::string& prefix) const {
    require(l.radiationLengths >= 0 && l.radiationLengths < 0.5, prefix + "radiation_lengths", "must be in [0, 0.5)");
    require(l.effectiveZ >= 1 && l.effectiveZ <= 100, prefix + "effective_z", "an atomic number in [1, 100]");
    require(l.effectiveA >= 1 && l.effectiveA <= 300, prefix + "effective_a", "a mass number in [1, 300]");
    require(l.tailThreshold >= 1 && l.tailThreshold <= 100, prefix + "tail_threshold", "a number of theta0 in [1, 100]");
  }
  template <std::size_t N>
  void increasing(const std::array<double, N>& a, const std::string& field) const {
    for (std::size_t i = 0; i < N; ++i) {
      positive(a[i], fmt::format("{}[{}]", field, i));
      if (i > 0) require(a[i] > a[i - 1], fmt::format("{}[{}]", field, i), "must be downstream of the previous one");
    }
  }
};

}  // namespace

void DetectorConfig::validate() const {
  const Checker c;
  // KTAG
  c.require(ktag.nSectors >= 1 && ktag.nSectors <= 64, "ktag.n_sectors", "must be in [1, 64]");
  c.require(ktag.minSectors >= 1 && ktag.minSectors <= ktag.nSectors, "ktag.min_sectors", "must be in [1, n_sectors]");
  c.probability(ktag.sectorProbability, "ktag.sector_probability");
  c.nonNegative(ktag.sigmaTime, "ktag.sigma_time_ns");
  // GTK
  c.increasing(gtk.z, "gtk.z");
  c.positive(gtk.halfWidthX, "gtk.half_width_x_mm");
  c.positive(gtk.halfHeightY, "gtk.half_height_y_mm");
  c.nonNegative(gtk.sigmaMomentum, "gtk.sigma_momentum_GeV");
  c.nonNegative(gtk.sigmaAngle, "gtk.sigma_angle_urad");
  c.nonNegative(gtk.sigmaTime, "gtk.sigma_time_ns");
  c.nonNegative(gtk.sigmaPosition, "gtk.sigma_position_mm");
  c.probability(gtk.trackEfficiency, "gtk.track_efficiency");
  c.nonNegative(gtk.accidentalWindow, "gtk.accidental_window_ns");
  c.scatteringLayer(gtk.gtk3Material, "gtk.gtk3_");
  // CHANTI
  c.increasing(chanti.z, "chanti.z");
  c.positive(chanti.innerHalfX, "chanti.inner_half_x_mm");
  c.positive(chanti.innerHalfY, "chanti.inner_half_y_mm");
  c.require(chanti.outerHalfSide > std::max(chanti.innerHalfX, chanti.innerHalfY), "chanti.outer_half_side_mm",
            "must exceed the inner hole");
  c.nonNegative(chanti.sigmaTime, "chanti.sigma_time_ns");
  c.nonNegative(chanti.accidentalRatePerNs, "chanti.accidental_rate");
  // upstream beam line (final collimator, TRIM5)
  // both final-collimator designs end at or before TRIM5 and have positive dimensions
  auto collimator = [&](double zFront, double zBack, const std::string& key, std::initializer_list<std::pair<double, const char*>> sizes) {
    c.require(zFront < zBack && zBack <= upstream.trim5Z, key + "_z_m", "need collimator front < back <= TRIM5");
    for (const auto& [v, name] : sizes) c.positive(v, key + name);
  };
  collimator(upstream.collimatorZFront, upstream.collimatorZBack, "upstream.collimator",
             {{upstream.collimatorInnerHalfX, "_inner_half_x_mm"}, {upstream.collimatorInnerHalfY, "_inner_half_y_mm"},
              {upstream.collimatorOuterHalfX, "_outer_half_x_mm"}, {upstream.collimatorOuterHalfY, "_outer_half_y_mm"}});
  collimator(upstream.collimator2018ZFront, upstream.collimator2018ZBack, "upstream.collimator_2018",
             {{upstream.collimator2018BoreX, "_bore_x_mm"}, {upstream.collimator2018BoreY, "_bore_y_mm"},
              {upstream.collimator2018BoreRadius, "_bore_radius_mm"}});
  c.require(upstream.collimator2018OuterHalfX > 0.5 * upstream.collimator2018BoreX + upstream.collimator2018BoreRadius &&
                upstream.collimator2018OuterHalfY > std::max(0.5 * upstream.collimator2018BoreY, upstream.collimator2018BoreRadius),
            "upstream.collimator_2018_outer_half_mm", "outer contour must enclose the bore");
  c.require(upstream.trim5Z < gtk.z[2], "upstream.trim5_z_m", "need TRIM5 < GTK3");
  c.require(upstream.collimatorDesign == 2016 || upstream.collimatorDesign == 2018, "upstream.collimator_design",
            "must be 2016 or 2018");
  for (std::size_t i = 0; i < upstream.dipoles.size(); ++i) {
    const auto& d = upstream.dipoles[i];
    c.require(d.length > 0 && d.halfX >= 0 && d.halfY >= 0 && d.zEnd <= upstream.collimatorZFront &&
                  (i == 0 || d.zStart() >= upstream.dipoles[i - 1].zEnd),
              fmt::format("upstream.dipole[{}]", i), "need length > 0, field-region half-sizes >= 0, ordered, upstream of the collimator");
  }
  c.require(upstream.scraperLength > 0 && upstream.scraperHalfX > 0 && upstream.scraperHalfY > 0 &&
                upstream.scraperZEnd < gtk.z[1] && upstream.scraperZEnd - upstream.scraperLength > gtk.z[0],
            "upstream.scraper", "need length and aperture > 0, between GTK1 and GTK2");
  c.require(gtk.z[0] < upstream.dipoles[0].zStart(), "gtk.z_m", "GTK1 must be upstream of the achromat");
  c.nonNegative(upstream.trim5Kick, "upstream.trim5_kick_GeV");
  c.positive(upstream.trim5Length, "upstream.trim5_length_mm");
  c.positive(upstream.trim5GapHalf, "upstream.trim5_gap_half_mm");
  c.require(upstream.trim5OuterHalf >= upstream.trim5GapHalf, "upstream.trim5_outer_half_mm",
            "must be >= trim5_gap_half_mm (equal: no iron)");
  c.positive(upstream.trim5FieldHalfX, "upstream.trim5_field_half_x_mm");
  c.positive(upstream.trim5FieldHalfY, "upstream.trim5_field_half_y_mm");
  c.require(upstream.trim5Z + 0.5 * upstream.trim5Length < gtk.z[2], "upstream.trim5_length_mm",
            "TRIM5 must end before GTK3");
  c.nonNegative(upstream.gtk3HitSigmaTime, "upstream.gtk3_hit_sigma_time_ns");
  c.probability(upstream.chantiEfficiency, "upstream.chanti_efficiency");
  // tank
  c.require(tank.zStart < tank.zStep1 && tank.zStep1 < tank.zStep2 && tank.zStep2 < tank.zEnd, "tank.z",
            "z_start < z_step1 < z_step2 < z_end required");
  for (int i = 0; i < 3; ++i) c.positive(tank.radius[i], fmt::format("tank.radius[{}]", i));
  c.require(tank.fiducialZMin < tank.fiducialZMax, "tank.fiducial_z_max_m", "must be > fiducial_z_min_m");
  c.require(tank.decayZEnd > tank.zEnd, "tank.decay_z_end_m", "must be downstream of the tank end");
  // LAV
  for (int i = 0; i < 12; ++i) {
    const auto& s = lav.stations[i];
    const std::string f = fmt::format("lav.stations[{}]", i);
    c.require(s.zBack > s.zFront, f + ".z_back_mm", "must be > z_front");
    c.require(s.rInner > 0 && s.rOuter > s.rInner, f + ".r_outer_mm", "must be > r_inner > 0");
    if (i > 0) c.require(s.zFront > lav.stations[i - 1].zBack, f + ".z_front_mm", "stations must be in z order");
  }
  c.nonNegative(lav.sigmaTime, "lav.sigma_time_ns");
  c.nonNegative(lav.energyResolution1GeV, "lav.energy_resolution_1GeV");
  c.nonNegative(lav.mipEnergy, "lav.mip_energy_GeV");
  c.curve(lav.inefficiency, "lav.inefficiency");
  c.nonNegative(lav.accidentalRatePerNs, "lav.accidental_rate");
  c.positive(lav.accidentalMeanEnergy, "lav.accidental_mean_energy_GeV");
  // STRAW
  c.increasing(straw.z, "straw.z");
  c.positive(straw.holeRadius, "straw.hole_radius_mm");
  c.require(straw.outerRadius > straw.holeRadius, "straw.outer_radius_mm", "must be > hole_radius_mm");
  c.scatteringLayer(straw.material, "straw.");
  c.require(straw.minChambers >= 2 && straw.minChambers <= 4, "straw.min_chambers", "must be in [2, 4]");
  c.probability(straw.trackEfficiency, "straw.track_efficiency");
  c.nonNegative(straw.sigmaPConstant, "straw.sigma_p_constant");
  c.nonNegative(straw.sigmaPSlopePerGeV, "straw.sigma_p_slope_per_GeV");
  c.nonNegative(straw.sigmaAngleConstant, "straw.sigma_angle_constant_urad");
  c.nonNegative(straw.sigmaAngleMsGeV, "straw.sigma_angle_ms_urad_GeV");
  c.nonNegative(straw.sigmaPosition, "straw.sigma_position_mm");
  c.nonNegative(straw.sigmaTime, "straw.sigma_time_ns");
  // magnet
  c.require(magnet.zCentre > straw.z[1] && magnet.zCentre < straw.z[2], "magnet.z_centre_m",
            "must lie between STRAW2 and STRAW3");
  c.positive(magnet.length, "magnet.length_m");
  c.nonNegative(magnet.ptKick, "magnet.pt_kick_GeV");
  c.require(magnet.kickSignForPositive == 1 || magnet.kickSignForPositive == -1, "magnet.kick_sign_for_positive",
            "must be +1 or -1");
  // RICH
  c.require(rich.zBack > rich.zFront && rich.zFront > straw.z[3], "rich.z_back_m", "need STRAW4 < z_front < z_back");
  c.positive(rich.holeRadius, "rich.hole_radius_mm");
  c.require(rich.outerRadius > rich.holeRadius, "rich.outer_radius_mm", "must be > hole_radius_mm");
  c.require(rich.indexMinusOne > 0 && rich.indexMinusOne < 0.1, "rich.index_minus_one", "must be in (0, 0.1)");
  c.positive(rich.focalLength, "rich.focal_length_mm");
  c.positive(rich.hitsAtSaturation, "rich.hits_at_saturation");
  c.nonNegative(rich.sigmaRadiusPerHit, "rich.sigma_radius_per_hit_mm");
  c.nonNegative(rich.sigmaTimePerHit, "rich.sigma_time_per_hit_ns");
  c.require(rich.minHits >= 1, "rich.min_hits", "must be >= 1");
  // CHOD
  c.require(chod.newChodRMax > chod.newChodRMin && chod.newChodRMin >= 0, "chod.new_chod_r_max_mm", "must be > r_min >= 0");
  c.require(chod.chodRMax > chod.chodRMin && chod.chodRMin >= 0, "chod.chod_r_max_mm", "must be > r_min >= 0");
  c.nonNegative(chod.newChodSigmaTime, "chod.new_chod_sigma_time_ns");
  c.nonNegative(chod.chodSigmaTime, "chod.chod_sigma_time_ns");
  c.probability(chod.efficiency, "chod.efficiency");
  // LKr
  c.positive(lkr.zFront, "lkr.z_front_m");
  c.require(lkr.rInner >= lkr.beamTubeRadius && lkr.beamTubeRadius > 0, "lkr.r_inner_mm", "must be >= beam_tube_radius_mm > 0");
  c.require(lkr.apothem > lkr.rInner, "lkr.apothem_mm", "must be > r_inner_mm");
  c.positive(lkr.cellSize, "lkr.cell_size_mm");
  c.nonNegative(lkr.resStochastic, "lkr.res_stochastic");
  c.nonNegative(lkr.resNoiseGeV, "lkr.res_noise_GeV");
  c.nonNegative(lkr.resConstant, "lkr.res_constant");
  c.nonNegative(lkr.posStochasticMm, "lkr.pos_stochastic_mm");
  c.nonNegative(lkr.posConstant, "lkr.pos_constant_mm");
  c.positive(lkr.mipMean, "lkr.mip_mean_GeV");
  c.nonNegative(lkr.mipSigma, "lkr.mip_sigma_GeV");
  c.nonNegative(lkr.pionInteractionLengths, "lkr.pion_interaction_lengths");
  c.nonNegative(lkr.pionEoverPSigma, "lkr.pion_e_over_p_sigma");
  c.require(lkr.pionEoverPMean > 0 && lkr.pionEoverPMean <= 1.2, "lkr.pion_e_over_p_mean", "must be in (0, 1.2]");
  c.nonNegative(lkr.mergeDistance, "lkr.merge_distance_mm");
  c.curve(lkr.inefficiency, "lkr.inefficiency");
  c.nonNegative(lkr.accidentalRatePerNs, "lkr.accidental_rate");
  c.positive(lkr.accidentalMeanEnergy, "lkr.accidental_mean_energy_GeV");
  // MUV
  c.require(muv.zMuv1 > lkr.zFront && muv.zMuv2 > muv.zMuv1 && muv.zIronFront > muv.zMuv2 &&
                muv.zIronBack > muv.zIronFront && muv.zMuv3 >= muv.zIronBack,
            "muv.z", "need LKr < MUV1 < MUV2 < iron front < iron back <= MUV3");
  c.require(muv.muv12HalfSide > muv.muv12RInner, "muv.muv12_half_side_mm", "must be > muv12_r_inner_mm");
  c.require(muv.muv3HalfSide > muv.muv3RInner, "muv.muv3_half_side_mm", "must be > muv3_r_inner_mm");
  c.nonNegative(muv.muv1Mip, "muv.muv1_mip_GeV");
  c.nonNegative(muv.muv2Mip, "muv.muv2_mip_GeV");
  c.nonNegative(muv.mipRelSigma, "muv.mip_rel_sigma");
  c.probability(muv.hadronVisibleFraction, "muv.hadron_visible_fraction");
  c.probability(muv.muv1Share, "muv.muv1_share");
  c.nonNegative(muv.hadronResStochastic, "muv.hadron_res_stochastic");
  c.nonNegative(muv.muv3SigmaTime, "muv.muv3_sigma_time_ns");
  c.nonNegative(muv.muv3MsGeVmm, "muv.muv3_ms_GeV_mm");
  c.nonNegative(muv.muonMinMomentum, "muv.muon_min_momentum_GeV");
  c.probability(muv.muv3Efficiency, "muv.muv3_efficiency");
  c.probability(muv.pionPunchThrough, "muv.pion_punch_through");
  // IRC, SAC
  c.require(irc.rOuter > irc.rInner && irc.rInner > 0, "irc.r_outer_mm", "must be > r_inner_mm > 0");
  c.nonNegative(irc.sigmaTime, "irc.sigma_time_ns");
  c.curve(irc.inefficiency, "irc.inefficiency");
  c.nonNegative(irc.accidentalRatePerNs, "irc.accidental_rate");
  c.positive(irc.accidentalMeanEnergy, "irc.accidental_mean_energy_GeV");
  c.positive(sac.halfSide, "sac.half_side_mm");
  c.require(sac.z > muv.zMuv3, "sac.z_m", "must be downstream of MUV3");
  c.nonNegative(sac.sigmaTime, "sac.sigma_time_ns");
  c.curve(sac.inefficiency, "sac.inefficiency");
  c.nonNegative(sac.accidentalRatePerNs, "sac.accidental_rate");
  c.positive(sac.accidentalMeanEnergy, "sac.accidental_mean_energy_GeV");
  // beam pipe, accidentals
  c.positive(beamPipe.radius, "beam_pipe.radius_mm");
  c.positive(beamPipe.muvRadius, "beam_pipe.muv_radius_mm");
  c.nonNegative(accidentals.window, "accidentals.window_ns");
}

bool UpstreamConfig::collimatorMaterial(int design, double x, double y) const {
  if (design == 2018) {
    if (std::abs(x) >= collimator2018OuterHalfX || std::abs(y) >= collimator2018OuterHalfY) return false;
    // stadium bore (na62fw GigaTrackerCollimator::CreateGeometry2018): central box of half-width
    // 0.502 x BoreX and half-height BoreY / 2, half-discs of radius BoreRadius on the x = +-BoreX / 2 axes
    const double ax = std::abs(x), c = 0.5 * collimator2018BoreX, r = collimator2018BoreRadius;
    const bool box = ax < 0.502 * collimator2018BoreX && std::abs(y) < 0.5 * collimator2018BoreY;
    const bool disc = ax >= c && (ax - c) * (ax - c) + y * y < r * r;
    return !(box || disc);
  }
  // Design 2016 (CreateGeometry20162017): four blocks pinwheel-wise around the hole
  const double hx = collimatorInnerHalfX, hy = collimatorInnerHalfY, ox = collimatorOuterHalfX, oy = collimatorOuterHalfY;
  const double cx[4] = {hx - ox, -hx - ox, ox - hx, hx + ox};
  const double cy[4] = {hy + oy, hy - oy, -hy - oy, oy - hy};
  for (int k = 0; k < 4; ++k)
    if (std::abs(x - cx[k]) < ox && std::abs(y - cy[k]) < oy) return true;
  return false;
}

}  // namespace kaonlab::detector
