#include "PnnCard.hpp"

#include <fmt/format.h>

#include <string_view>

#include "CardTable.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/Units.hpp"

namespace kaonlab::app {
namespace {

using analysis::PnnSelectionConfig;
using Cfg = PnnSelectionConfig;

constexpr double kMrad = 1.0e-3;  // slopes are dimensionless (dx/dz); the card uses mrad
constexpr double kBig = 1.0e6;

/// One key of the [pnn] table: the field, the card unit (value in the card x unit = field),
/// and the comment printed by --print-card. The one list used both to read and to print.
struct NumberKey {
  std::string_view key;
  double Cfg::*field;
  double unit;
  double lo, hi;
  std::string_view comment;
};
struct IntKey {
  std::string_view key;
  int Cfg::*field;
  int lo, hi;
  std::string_view comment;
};
struct FlagKey {
  std::string_view key;
  bool Cfg::*field;
  std::string_view comment;
};

const NumberKey kNumbers[] = {
    {"max_track_chi2", &Cfg::maxTrackChi2, 1.0, 0, kBig, "STRAW track chi2 < this"},
    {"p_min_GeV", &Cfg::pMin, units::GeV, 0, kBig, "pi+ momentum window"},
    {"p_max_GeV", &Cfg::pMax, units::GeV, 0, kBig, ""},
    {"ktag_window_ns", &Cfg::ktagWindow, units::ns, 0, kBig, "|t_KTAG - t_track|"},
    {"gtk_window_ns", &Cfg::gtkWindow, units::ns, 0, kBig, "|t_GTK - t_track|"},
    {"max_cda_mm", &Cfg::maxCda, units::mm, 0, kBig, "GTK-STRAW closest distance of approach"},
    {"beam_p_min_GeV", &Cfg::beamPMin, units::GeV, 0, kBig, "matched GTK kaon momentum window"},
    {"beam_p_max_GeV", &Cfg::beamPMax, units::GeV, 0, kBig, ""},
    {"beam_slope_x_min_mrad", &Cfg::beamSlopeXMin, kMrad, -kBig, kBig, "matched GTK kaon dx/dz window"},
    {"beam_slope_x_max_mrad", &Cfg::beamSlopeXMax, kMrad, -kBig, kBig, ""},
    {"beam_slope_y_min_mrad", &Cfg::beamSlopeYMin, kMrad, -kBig, kBig, "matched GTK kaon dy/dz window"},
    {"beam_slope_y_max_mrad", &Cfg::beamSlopeYMax, kMrad, -kBig, kBig, ""},
    {"beam_max_theta_corr_mrad", &Cfg::beamMaxThetaCorr, kMrad, -kBig, kBig,
     "matched GTK kaon angle to the beam axis before TRIM5 below this (na62fw; <= 0: off)"},
    {"beam_theta_corr_kick_MeV", &Cfg::beamThetaCorrKick, units::MeV, 0, kBig, "TRIM5 kick taken out of dx/dz"},
    {"beam_theta_corr_mean_x_mrad", &Cfg::beamThetaCorrMeanX, kMrad, -kBig, kBig, "beam axis before TRIM5"},
    {"beam_theta_corr_mean_y_mrad", &Cfg::beamThetaCorrMeanY, kMrad, -kBig, kBig, ""},
    {"z_min_m", &Cfg::zMin, units::m, 0, kBig, "decay vertex window"},
    {"z_max_m", &Cfg::zMax, units::m, 0, kBig, ""},
    {"gtk3_hit_distance_mm", &Cfg::gtk3HitDistance, units::mm, 0, kBig, "upstream veto (ii): no GTK3 hit closer"},
    {"additional_vertex_z_min_m", &Cfg::additionalVertexZMin, units::m, 0, kBig, "upstream veto (vii) window"},
    {"additional_vertex_z_max_m", &Cfg::additionalVertexZMax, units::m, 0, kBig, ""},
    {"rich_mass_min_MeV", &Cfg::richMassMin, units::MeV, 0, kBig, "RICH mass window"},
    {"rich_mass_max_MeV", &Cfg::richMassMax, units::MeV, 0, kBig, ""},
    {"rich_max_non_pion", &Cfg::richMaxNonPion, 1.0, 0, 1, "normalised e+ and mu+ RICH likelihoods below this"},
    {"max_e_over_p", &Cfg::maxEOverP, 1.0, 0, kBig, "LKr E/p below this"},
    {"min_calo_energy_over_p", &Cfg::minCaloEnergyOverP, 1.0, 0, kBig, "(E_LKr + E_MUV1 + E_MUV2)/p above this (0: off)"},
    {"r1_min_GeV2", &Cfg::r1Min, 1.0, -1, 1, "Region 1 in m2miss (GeV^2/c^4)"},
    {"r1_max_GeV2", &Cfg::r1Max, 1.0, -1, 1, ""},
    {"r2_min_GeV2", &Cfg::r2Min, 1.0, -1, 1, "Region 2"},
    {"r2_max_GeV2", &Cfg::r2Max, 1.0, -1, 1, ""},
};
const IntKey kIntegers[] = {
    {"max_tracks", &Cfg::maxTracks, 1, 100, "STRAW tracks in the event"},
    {"min_chambers", &Cfg::minChambers, 2, 4, "STRAW chambers of the track"},
    {"ktag_min_sectors", &Cfg::ktagMinSectors, 1, 8, "KTAG sectors in coincidence"},
};
const FlagKey kFlags[] = {
    {"chod_multiplicity_veto", &Cfg::chodMultiplicityVeto, "no in-time CHOD/NewCHOD hit of an untracked charged particle"},
    {"straw_segment_veto", &Cfg::strawSegmentVeto, "no STRAW segment (chambers 1-2 or 3-4) of an untracked particle"},
    {"na62_two_tracks", &Cfg::na62TwoTracks, "also two positive tracks, exactly one with the best-track association (NA62)"},
    {"require_association", &Cfg::requireAssociation, "track associated with CHOD, NewCHOD, RICH time and an LKr cluster"},
    {"beam_kinematics", &Cfg::beamKinematics, "apply the matched-kaon momentum and slope windows"},
    {"chanti_veto", &Cfg::chantiVeto, "upstream veto (iv)"},
    {"gtk3_area_cut", &Cfg::gtk3AreaCut, "upstream veto (i): track not back into the GTK3 area"},
    {"gtk3_hit_cut", &Cfg::gtk3HitCut, "upstream veto (ii)"},
    {"trim5_box_cut", &Cfg::trim5BoxCut, "upstream veto (vi): track not back into the TRIM5 box"},
    {"additional_vertex_cut", &Cfg::additionalVertexCut, "upstream veto (vii): no K-pi matching candidate vertex at 100-105 m"},
    {"straw_radius_vs_z_cut", &Cfg::strawRadiusVsZCut, "upstream veto (v): R_STRAW1 vs z_vertex"},
    {"use_beam_m2", &Cfg::useBeamM2, "signal regions also in m2miss with the nominal beam"},
    {"use_rich_m2", &Cfg::useRichM2, "signal regions also in m2miss with the RICH momentum"},
};

}  // namespace

PnnSelectionConfig parsePnnCard(const std::string& text, const std::string& name, PnnSelectionConfig cfg) {
  const toml::table root = parseCardToml(text, name);
  CardTable top(&root, "", name);
  CardTable t = top.sub("pnn");
  const std::string base = t.string("base", "", {"2018", "2016-17"});
  if (base == "2018") cfg = PnnSelectionConfig{};
  if (base == "2016-17") cfg = PnnSelectionConfig::run2016_2017();
  for (const auto& k : kIntegers) cfg.*k.field = static_cast<int>(t.integer(k.key, cfg.*k.field, k.lo, k.hi));
  for (const auto& k : kNumbers) cfg.*k.field = t.number(k.key, cfg.*k.field / k.unit, k.lo, k.hi) * k.unit;
  for (const auto& k : kFlags) cfg.*k.field = t.boolean(k.key, cfg.*k.field);
  t.finish();
  top.finish();
  try {
    cfg.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(name, top.line("pnn"), "", e.what());
  }
  return cfg;
}

PnnSelectionConfig readPnnCard(const std::filesystem::path& path, PnnSelectionConfig base) {
  return parsePnnCard(readCardFile(path, "analysis card"), path.string(), base);
}

std::string pnnCardText(const PnnSelectionConfig& cfg) {
  std::string s =
      "# kaonlab analysis card: the K+ -> pi+ nu nubar selection (docs/analysis-pnn.md). Every key is\n"
      "# optional; shown at the value of the selection printed. Units are part of the key names.\n\n"
      "[pnn]\n"
      "# base = \"2018\"   # start from the 2018 (pi+ 15-45 GeV/c) or \"2016-17\" (15-35 GeV/c) selection\n";
  auto line = [&](std::string_view key, const std::string& value, std::string_view comment) {
    s += comment.empty() ? fmt::format("{} = {}\n", key, value) : fmt::format("{:<30} # {}\n", fmt::format("{} = {}", key, value), comment);
  };
  for (const auto& k : kIntegers) line(k.key, std::to_string(cfg.*k.field), k.comment);
  for (const auto& k : kNumbers) line(k.key, fmt::format("{:.10g}", cfg.*k.field / k.unit), k.comment);
  for (const auto& k : kFlags) line(k.key, cfg.*k.field ? "true" : "false", k.comment);
  return s;
}

}  // namespace kaonlab::app
