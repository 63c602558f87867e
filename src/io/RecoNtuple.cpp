#include "kaonlab/io/RecoNtuple.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <utility>

namespace kaonlab::io {

namespace fs = std::filesystem;
using reco::RecoEvent;
using reco::RecoTrack;

namespace {

constexpr const char* kFormat = "kaonlab-reco-ntuple";
/// 2: track columns track_chi2, kaon_px/py/pz, gtk3_hit_distance (session 5); 3: has_newchod,
/// associated (session 8), straw_segment (session 9); 4: gtk_candidate_vertex_z_min (session 11)
constexpr const char* kFormatVersion = "4";

/// Per-event values that are not RecoEvent fields.
struct EventExtra {
  std::int32_t truthMode = -1;
  double weight = 1.0;
  std::int64_t firstTrack = 0;
};

/// Per-track key columns.
struct TrackKey {
  std::uint64_t event = 0;
  std::int32_t track = 0;
};

// ---- THE column mappings: one line per column (name, unit, meaning, field) ------------------
// Used to declare the columns, to write a row (const fields) and to read one back (mutable
// fields). Adding a RecoEvent/RecoTrack field = adding one line here (and to docs/io.md).
// Fields of another C++ type than their column go through as<column type>(field).

template <class Col, class Ev, class Extra>
void eventColumns(Col&& col, Ev& e, Extra& x) {
  col("index", "", "event index in the run (join key with the truth ntuple's /events/index)", e.index);
  col("truth_mode", "", "generated decay mode id (row of /modes/name), -1 = none", x.truthMode);
  col("weight", "", "event weight", x.weight);
  col("n_tracks", "", "number of reconstructed tracks (rows of this event in /tracks)", as<std::int32_t>(e.nTracks));
  col("first_track", "", "row of its first track in /tracks", x.firstTrack);
  col("best", "", "track with the best K+ match (smallest discriminant), index within the event; -1 none", e.best);
  col("n_gtk", "", "number of GTK (beam) tracks", e.nGtk);
  col("ktag_tagged", "", "KTAG kaon tag", e.ktagTagged);
  col("ktag_sectors", "", "number of KTAG sectors with a signal", e.ktagSectors);
  col("ktag_time", "ns", "KTAG time", e.ktagTime);
  col("lav_veto", "", "LAV veto (w.r.t. the best track time, or the KTAG time without a track)", e.lavVeto);
  col("irc_veto", "", "IRC veto (same time reference)", e.ircVeto);
  col("sac_veto", "", "SAC veto (same time reference)", e.sacVeto);
  col("lkr_veto", "", "LKr veto: in-time LKr cluster not the best track's (another track's included, NA62)", e.lkrVeto);
  col("photon_veto", "", "any photon veto: lav_veto or irc_veto or sac_veto or lkr_veto, or a merged-like LKr cluster (in time, 40-100 mm from the best track, NA62 MultiplicitySelection)", e.photonVeto);
  col("n_lkr_extra", "", "in-time LKr clusters not the best track's (another track's included, NA62)", e.nLkrExtra);
  col("chanti_veto", "", "CHANTI veto (same time reference)", e.chantiVeto);
  col("n_chod_extra", "", "in-time CHOD/NewCHOD hits of charged particles without a STRAW track and of the tracks other than the best one", e.nChodExtra);
  col("chod_veto", "", "multiplicity veto (NA62 MultiplicitySelection: > 3 extra CHOD slabs or CHOD/NewCHOD/LKr extra activity in coincidence)", e.chodVeto);
  col("straw_segment", "", "NA62 STRAW segment veto: an untracked particle's chamber 1-2 or 3-4 segment points to the best track's vertex", e.strawSegment);
  col("has_vertex3", "", "a three-track vertex was found", e.hasVertex3);
  col("vertex3_track0", "", "first track of the three-track vertex (index within the event; -1 none)", e.vertex3Tracks[0]);
  col("vertex3_track1", "", "second track of the three-track vertex (-1 none)", e.vertex3Tracks[1]);
  col("vertex3_track2", "", "third track of the three-track vertex (-1 none)", e.vertex3Tracks[2]);
  col("vertex3_x", "mm", "three-track vertex position, x", e.vertex3.x);
  col("vertex3_y", "mm", "three-track vertex position, y", e.vertex3.y);
  col("vertex3_z", "mm", "three-track vertex position, z", e.vertex3.z);
  col("vertex3_quality", "mm", "sqrt(sum of the three pairwise CDA^2)", e.vertex3Quality);
  col("vertex3_charge", "", "total charge of the three tracks", e.vertex3Charge);
  col("vertex3_px", "GeV", "total momentum of the three tracks, x", e.vertex3Momentum.x);
  col("vertex3_py", "GeV", "total momentum of the three tracks, y", e.vertex3Momentum.y);
  col("vertex3_pz", "GeV", "total momentum of the three tracks, z", e.vertex3Momentum.z);
  col("vertex3_mass", "GeV", "invariant mass with Reconstruction::Config::threeTrackMasses", e.vertex3Mass);
}

template <class Col, class Tr, class Key>
void trackColumns(Col&& col, Tr& t, Key& k) {
  col("event", "", "index of the event it belongs to (join key with /events/index)", k.event);
  col("track", "", "index of the track within its event (what best and vertex3_track* refer to)", k.track);
  col("straw_index", "", "index in DetectorEvent::straw", t.strawIndex);
  col("charge", "", "charge (units of e)", t.charge);
  col("momentum_x", "GeV", "momentum at STRAW1, before the magnet, x", t.momentum.x);
  col("momentum_y", "GeV", "momentum at STRAW1, before the magnet, y", t.momentum.y);
  col("momentum_z", "GeV", "momentum at STRAW1, before the magnet, z", t.momentum.z);
  col("p", "GeV", "|momentum|", t.p);
  col("position_straw1_x", "mm", "position at STRAW1, x", t.positionStraw1.x);
  col("position_straw1_y", "mm", "position at STRAW1, y", t.positionStraw1.y);
  col("position_straw1_z", "mm", "position at STRAW1, z", t.positionStraw1.z);
  col("n_chambers", "", "number of STRAW chambers used", t.nChambers);
  col("track_chi2", "", "STRAW track-fit chi2 (ndf 3 for 4 chambers)", t.chi2);
  col("in_acceptance", "", "geometric acceptance STRAW1-4, RICH, CHOD, NewCHOD, LKr, MUV3", t.inAcceptance);
  col("time", "ns", "best downstream time: RICH ring, else CHOD, else STRAW", t.time);
  col("time_source", "", "detector giving time: 0 = STRAW, 1 = CHOD, 2 = RICH", as<std::int32_t>(t.timeSource));
  col("gtk_index", "", "best GTK track (-1: none)", t.gtkIndex);
  col("gtk_true_kaon", "", "truth: the matched GTK track is the decaying K+", t.gtkTrueKaon);
  col("cda", "mm", "closest distance of approach GTK-STRAW", t.cda);
  col("vertex_x", "mm", "midpoint of the CDA segment, x", t.vertex.x);
  col("vertex_y", "mm", "midpoint of the CDA segment, y", t.vertex.y);
  col("vertex_z", "mm", "midpoint of the CDA segment, z", t.vertex.z);
  col("dt_gtk", "ns", "t(track) - t(GTK)", t.dtGtk);
  col("discriminant", "", "(dt/sigma_t)^2 + (cda/sigma_cda)^2 of the best GTK match", t.discriminant);
  col("kaon_px", "GeV", "matched GTK track momentum (nominal beam without a match), x", t.kaonMomentum.x);
  col("kaon_py", "GeV", "matched GTK track momentum, y", t.kaonMomentum.y);
  col("kaon_pz", "GeV", "matched GTK track momentum, z", t.kaonMomentum.z);
  col("gtk3_hit_distance", "mm", "distance at GTK3 from the back-extrapolated track to the nearest GTK3 hit (inf: none)", t.gtk3HitDistance);
  col("gtk_candidate_vertex_z_min", "mm", "smallest vertex z of the NA62 K-pi matching candidates of a matched track (inf: none)", t.gtkCandidateVertexZMin);
  col("dt_ktag", "ns", "t(track) - t(KTAG)", t.dtKtag);
  col("m2miss", "GeV^2", "(P_K(GTK) - P_pi(STRAW))^2, pi+ mass hypothesis", t.m2miss);
  col("m2miss_beam", "GeV^2", "m2miss with the nominal beam instead of the GTK track", t.m2missBeam);
  col("m2miss_rich", "GeV^2", "GTK kaon, pi+ momentum from the RICH ring (0 if no ring)", t.m2missRich);
  col("has_ring", "", "RICH ring associated", t.hasRing);
  col("ring_radius", "mm", "RICH ring radius", t.ringRadius);
  col("ring_hits", "", "RICH ring hits", t.ringHits);
  col("rich_mass", "GeV", "mass from ring radius + STRAW momentum (< 0: beta > 1/n cos)", t.richMass);
  col("p_rich", "GeV", "momentum from the ring radius under the pi+ hypothesis (0 = none)", t.pRich);
  col("rich_prob_e", "", "RICH likelihood of the e+ hypothesis, normalised over e+, mu+, pi+ (0 = no ring)", t.richProbElectron);
  col("rich_prob_mu", "", "RICH likelihood of the mu+ hypothesis, normalised", t.richProbMuon);
  col("rich_prob_pi", "", "RICH likelihood of the pi+ hypothesis, normalised", t.richProbPion);
  col("lkr_index", "", "associated LKr cluster (-1: none)", t.lkrIndex);
  col("lkr_energy", "GeV", "LKr energy of the track: associated cluster + in-time clusters within lkr_track_distance", t.lkrEnergy);
  col("e_over_p", "", "LKr energy / track momentum", t.eOverP);
  col("lkr_x", "mm", "track impact on the LKr front plane (extrapolated), x", t.lkrX);
  col("lkr_y", "mm", "track impact on the LKr front plane (extrapolated), y", t.lkrY);
  col("muv1_energy", "GeV", "MUV1 energy associated with the track", t.muv1Energy);
  col("muv2_energy", "GeV", "MUV2 energy associated with the track", t.muv2Energy);
  col("muv3", "", "MUV3 hit associated with the track", t.muv3);
  col("dt_muv3", "ns", "t(track) - t(MUV3)", t.dtMuv3);
  col("has_chod", "", "CHOD hit associated with the track", t.hasChod);
  col("has_newchod", "", "NewCHOD hit associated with the track", t.hasNewChod);
  col("associated", "", "NA62 best-track association: CHOD + NewCHOD within 5 ns, RICH within 2 ns, LKr within 100 mm / 6 ns of the CHOD", t.associated);
  col("truth_index", "", "truth link of the STRAW track (particle index in the truth event; -1 none)", t.truthIndex);
}

}  // namespace

// ---- writer -------------------------------------------------------------------------------

struct RecoNtupleWriter::Impl {
  H5OutputFile file;
  ColumnTable* events = nullptr;
  ColumnTable* tracks = nullptr;

  Impl(fs::path path, std::string version, const std::map<std::string, std::string>& attributes)
      : file(std::move(path), kFormat, kFormatVersion, std::move(version), attributes, {"mode_names"}) {}
};

RecoNtupleWriter::RecoNtupleWriter(fs::path path, std::string version, std::vector<std::string> modeNames,
                                   std::map<std::string, std::string> attributes)
    : impl_(std::make_unique<Impl>(std::move(path), std::move(version), attributes)) {
  Impl& m = *impl_;
  m.file.setAttribute("mode_names", nlohmann::json(modeNames).dump());
  m.file.writeStrings("modes/name", modeNames);  // row = mode id
  m.events = &m.file.table("events", kDefaultBlockRows);
  m.tracks = &m.file.table("tracks", kDefaultBlockRows);
  m.events->declare([](auto&& col) {
    const RecoEvent e{};
    const EventExtra x{};
    eventColumns(col, e, x);
  });
  m.tracks->declare([](auto&& col) {
    const RecoTrack t{};
    const TrackKey k{};
    trackColumns(col, t, k);
  });
}

RecoNtupleWriter::~RecoNtupleWriter() = default;
RecoNtupleWriter::RecoNtupleWriter(RecoNtupleWriter&&) noexcept = default;
RecoNtupleWriter& RecoNtupleWriter::operator=(RecoNtupleWriter&&) noexcept = default;

const fs::path& RecoNtupleWriter::path() const { return impl_->file.path(); }
std::uint64_t RecoNtupleWriter::eventsWritten() const { return impl_->events->rows(); }
std::uint64_t RecoNtupleWriter::tracksWritten() const { return impl_->tracks->rows(); }

void RecoNtupleWriter::write(const RecoEvent& ev, int truthMode, double weight) {
  Impl& m = *impl_;
  if (m.file.closed()) throw std::logic_error("RecoNtupleWriter::write after close() for '" + path().string() + "'");
  if (ev.nTracks > RecoEvent::kMaxTracks)
    throw std::invalid_argument("RecoNtupleWriter::write: event " + std::to_string(ev.index) + " has nTracks = " +
                                std::to_string(ev.nTracks) + " > " + std::to_string(RecoEvent::kMaxTracks));
  const EventExtra x{truthMode, weight, static_cast<std::int64_t>(m.tracks->rows())};
  m.events->appendRow([&](auto&& col) { eventColumns(col, ev, x); });
  for (std::size_t i = 0; i < ev.nTracks; ++i) {
    const TrackKey k{ev.index, static_cast<std::int32_t>(i)};
    m.tracks->appendRow([&](auto&& col) { trackColumns(col, ev.tracks[i], k); });
  }
}

void RecoNtupleWriter::close() { impl_->file.close(); }

// ---- reader -------------------------------------------------------------------------------

RecoEvent RecoNtuple::event(std::size_t row) const {
  if (row >= size()) throw std::out_of_range("reco ntuple: event row " + std::to_string(row) + " out of range");
  RecoEvent ev;
  EventExtra x;
  events.readRow(row, [&](auto&& col) { eventColumns(col, ev, x); });
  if (ev.nTracks > RecoEvent::kMaxTracks || x.firstTrack < 0 ||
      static_cast<std::size_t>(x.firstTrack) + ev.nTracks > tracks.rows())
    throw std::out_of_range("reco ntuple: event row " + std::to_string(row) + " has a bad track range");
  for (std::size_t i = 0; i < ev.nTracks; ++i) {
    TrackKey k;
    tracks.readRow(static_cast<std::size_t>(x.firstTrack) + i, [&](auto&& col) { trackColumns(col, ev.tracks[i], k); });
  }
  return ev;
}

std::int32_t RecoNtuple::truthMode(std::size_t row) const { return events.get<std::int32_t>("truth_mode").at(row); }
double RecoNtuple::weight(std::size_t row) const { return events.get<double>("weight").at(row); }

RecoNtuple readRecoNtuple(const fs::path& path) {
  const H5InputFile in(path);
  RecoNtuple out;
  out.events = in.table("events");
  out.tracks = in.table("tracks");
  if (in.exists("modes/name")) out.modeNames = in.strings("modes/name");
  out.attributes = in.attributes("/");
  const auto format = out.attributes.find("format"), version = out.attributes.find("format_version");
  if (format == out.attributes.end() || format->second != kFormat)
    throw std::runtime_error("'" + path.string() + "' is not a kaonlab reco ntuple (root attribute format != " +
                             kFormat + ")");
  if (version == out.attributes.end() || version->second != kFormatVersion)
    throw std::runtime_error("'" + path.string() + "': reco ntuple format version " +
                             (version == out.attributes.end() ? std::string("(none)") : version->second) +
                             ", this kaonlab reads version " + kFormatVersion + " (write it again with kaonlab simulate)");
  return out;
}

}  // namespace kaonlab::io
