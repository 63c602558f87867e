#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include "IoTestSupport.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/io/RecoNtuple.hpp"

using namespace kaonlab;
using kaonlab::iotest::ScratchDir;
using kaonlab::reco::RecoEvent;
using kaonlab::reco::RecoTrack;

namespace {

/// A synthetic reco event with every field set to something non-default (values are not
/// physical; only the record structure matters). 0 .. kMaxTracks tracks.
RecoEvent makeRecoEvent(std::uint64_t index, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_int_distribution<int> i8(-1, 7);
  const auto b = [&] { return (rng() & 1u) != 0; };
  RecoEvent ev;
  ev.index = index;
  ev.nTracks = rng() % (RecoEvent::kMaxTracks + 1);
  for (std::size_t k = 0; k < ev.nTracks; ++k) {
    RecoTrack& t = ev.tracks[k];
    t.strawIndex = static_cast<int>(k);
    t.charge = b() ? 1 : -1;
    t.momentum = {u(rng) * 0.1, u(rng) * 0.1, 15 + 20 * u(rng)};
    t.p = t.momentum.mag();
    t.positionStraw1 = {u(rng) * 500, u(rng) * 500, 183311.0};
    t.nChambers = 3 + static_cast<int>(rng() % 2);
    t.inAcceptance = b();
    t.time = u(rng) * 5;
    t.timeSource = static_cast<reco::TimeSource>(rng() % 3);
    t.gtkIndex = i8(rng);
    t.gtkTrueKaon = b();
    t.cda = std::abs(u(rng)) * 20;
    t.vertex = {u(rng) * 50, u(rng) * 30, 105000 + 60000 * std::abs(u(rng))};
    t.dtGtk = u(rng) * 0.5;
    t.discriminant = std::abs(u(rng)) * 30;
    t.dtKtag = u(rng) * 0.5;
    t.m2miss = u(rng) * 0.02;
    t.m2missBeam = u(rng) * 0.02;
    t.m2missRich = u(rng) * 0.02;
    t.hasRing = b();
    t.ringRadius = 150 + 40 * u(rng);
    t.ringHits = static_cast<int>(rng() % 30);
    t.richMass = u(rng) * 0.2;
    t.pRich = 15 + 20 * u(rng);
    t.lkrIndex = i8(rng);
    t.lkrEnergy = std::abs(u(rng)) * 30;
    t.eOverP = std::abs(u(rng));
    t.lkrX = u(rng) * 1000;
    t.lkrY = u(rng) * 1000;
    t.muv1Energy = std::abs(u(rng)) * 10;
    t.muv2Energy = std::abs(u(rng)) * 5;
    t.muv3 = b();
    t.dtMuv3 = u(rng);
    t.hasChod = b();
    t.hasNewChod = b();
    t.associated = b();
    t.truthIndex = i8(rng);
  }
  ev.best = ev.nTracks ? static_cast<int>(rng() % ev.nTracks) : -1;
  ev.nGtk = static_cast<int>(rng() % 4);
  ev.ktagTagged = b();
  ev.ktagSectors = static_cast<int>(rng() % 9);
  ev.ktagTime = u(rng) * 10;
  ev.strawSegment = b();
  ev.lavVeto = b();
  ev.ircVeto = b();
  ev.sacVeto = b();
  ev.lkrVeto = b();
  ev.photonVeto = ev.lavVeto || ev.ircVeto || ev.sacVeto || ev.lkrVeto;
  ev.nLkrExtra = static_cast<int>(rng() % 3);
  ev.chantiVeto = b();
  ev.hasVertex3 = ev.nTracks >= 3 && b();
  if (ev.hasVertex3) {
    ev.vertex3Tracks = {0, 1, 2};
    ev.vertex3 = {u(rng) * 50, u(rng) * 30, 105000 + 60000 * std::abs(u(rng))};
    ev.vertex3Quality = std::abs(u(rng)) * 10;
    ev.vertex3Charge = b() ? 1 : -1;
    ev.vertex3Momentum = {u(rng) * 0.1, u(rng) * 0.1, 75 + u(rng)};
    ev.vertex3Mass = 0.4937 + 0.01 * u(rng);
  }
  return ev;
}

std::vector<RecoEvent> sampleEvents(std::size_t n) {
  std::mt19937_64 rng(77);
  std::vector<RecoEvent> evs;
  evs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) evs.push_back(makeRecoEvent(5000 + i, rng));
  // edge values survive bit for bit
  if (n > 0 && evs[0].nTracks > 0) {
    evs[0].tracks[0].m2miss = -0.0;
    evs[0].tracks[0].richMass = std::numeric_limits<double>::denorm_min();
    evs[0].tracks[0].dtMuv3 = std::numeric_limits<double>::infinity();
  }
  return evs;
}

int modeOf(std::size_t i) { return static_cast<int>(i % 5) - 1; }  // -1 .. 3
double weightOf(std::size_t i) { return 0.5 + 1e-3 * static_cast<double>(i); }

std::filesystem::path writeSample(const ScratchDir& dir, const std::vector<RecoEvent>& evs,
                                  const std::string& name = "reco.h5") {
  const auto file = dir / name;
  io::RecoNtupleWriter w(file, "0.1.0-test", iotest::modeNames(), {{"seed", "12345"}, {"detector", "nominal"}});
  for (std::size_t i = 0; i < evs.size(); ++i) w.write(evs[i], modeOf(i), weightOf(i));
  w.close();
  return file;
}

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }  // bit-exact (-0.0, inf)
bool same(const Vector3& a, const Vector3& b) { return same(a.x, b.x) && same(a.y, b.y) && same(a.z, b.z); }

void expectIdentical(const RecoTrack& a, const RecoTrack& b) {
  EXPECT_EQ(a.strawIndex, b.strawIndex);
  EXPECT_EQ(a.charge, b.charge);
  EXPECT_TRUE(same(a.momentum, b.momentum));
  EXPECT_TRUE(same(a.p, b.p));
  EXPECT_TRUE(same(a.positionStraw1, b.positionStraw1));
  EXPECT_EQ(a.nChambers, b.nChambers);
  EXPECT_EQ(a.inAcceptance, b.inAcceptance);
  EXPECT_TRUE(same(a.time, b.time));
  EXPECT_EQ(a.timeSource, b.timeSource);
  EXPECT_EQ(a.gtkIndex, b.gtkIndex);
  EXPECT_EQ(a.gtkTrueKaon, b.gtkTrueKaon);
  EXPECT_TRUE(same(a.cda, b.cda));
  EXPECT_TRUE(same(a.vertex, b.vertex));
  EXPECT_TRUE(same(a.dtGtk, b.dtGtk));
  EXPECT_TRUE(same(a.discriminant, b.discriminant));
  EXPECT_TRUE(same(a.dtKtag, b.dtKtag));
  EXPECT_TRUE(same(a.m2miss, b.m2miss));
  EXPECT_TRUE(same(a.m2missBeam, b.m2missBeam));
  EXPECT_TRUE(same(a.m2missRich, b.m2missRich));
  EXPECT_EQ(a.hasRing, b.hasRing);
  EXPECT_TRUE(same(a.ringRadius, b.ringRadius));
  EXPECT_EQ(a.ringHits, b.ringHits);
  EXPECT_TRUE(same(a.richMass, b.richMass));
  EXPECT_TRUE(same(a.pRich, b.pRich));
  EXPECT_EQ(a.lkrIndex, b.lkrIndex);
  EXPECT_TRUE(same(a.lkrEnergy, b.lkrEnergy));
  EXPECT_TRUE(same(a.eOverP, b.eOverP));
  EXPECT_TRUE(same(a.lkrX, b.lkrX));
  EXPECT_TRUE(same(a.lkrY, b.lkrY));
  EXPECT_TRUE(same(a.muv1Energy, b.muv1Energy));
  EXPECT_TRUE(same(a.muv2Energy, b.muv2Energy));
  EXPECT_EQ(a.muv3, b.muv3);
  EXPECT_TRUE(same(a.dtMuv3, b.dtMuv3));
  EXPECT_EQ(a.hasChod, b.hasChod);
  EXPECT_EQ(a.hasNewChod, b.hasNewChod);
  EXPECT_EQ(a.associated, b.associated);
  EXPECT_EQ(a.truthIndex, b.truthIndex);
}

void expectIdentical(const RecoEvent& a, const RecoEvent& b) {
  EXPECT_EQ(a.index, b.index);
  ASSERT_EQ(a.nTracks, b.nTracks);
  for (std::size_t i = 0; i < a.nTracks; ++i) expectIdentical(a.tracks[i], b.tracks[i]);
  EXPECT_EQ(a.best, b.best);
  EXPECT_EQ(a.nGtk, b.nGtk);
  EXPECT_EQ(a.ktagTagged, b.ktagTagged);
  EXPECT_EQ(a.ktagSectors, b.ktagSectors);
  EXPECT_TRUE(same(a.ktagTime, b.ktagTime));
  EXPECT_EQ(a.strawSegment, b.strawSegment);
  EXPECT_EQ(a.lavVeto, b.lavVeto);
  EXPECT_EQ(a.ircVeto, b.ircVeto);
  EXPECT_EQ(a.sacVeto, b.sacVeto);
  EXPECT_EQ(a.lkrVeto, b.lkrVeto);
  EXPECT_EQ(a.photonVeto, b.photonVeto);
  EXPECT_EQ(a.nLkrExtra, b.nLkrExtra);
  EXPECT_EQ(a.chantiVeto, b.chantiVeto);
  EXPECT_EQ(a.hasVertex3, b.hasVertex3);
  EXPECT_EQ(a.vertex3Tracks, b.vertex3Tracks);
  EXPECT_TRUE(same(a.vertex3, b.vertex3));
  EXPECT_TRUE(same(a.vertex3Quality, b.vertex3Quality));
  EXPECT_EQ(a.vertex3Charge, b.vertex3Charge);
  EXPECT_TRUE(same(a.vertex3Momentum, b.vertex3Momentum));
  EXPECT_TRUE(same(a.vertex3Mass, b.vertex3Mass));
}

std::string fileBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(RecoNtuple, RoundTripIsExactAcrossBlocks) {
  ScratchDir dir;
  // more than one 64k block so that block appends are exercised
  const auto evs = sampleEvents(io::RecoNtupleWriter::kDefaultBlockRows + 321);
  const auto file = writeSample(dir, evs);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"reco.h5"});

  const io::RecoNtuple nt = io::readRecoNtuple(file);
  ASSERT_EQ(nt.size(), evs.size());
  std::size_t nTracks = 0;
  for (const auto& e : evs) nTracks += e.nTracks;
  EXPECT_EQ(nt.tracks.rows(), nTracks);
  for (std::size_t k = 0; k < evs.size(); ++k) {
    expectIdentical(nt.event(k), evs[k]);
    EXPECT_EQ(nt.truthMode(k), modeOf(k));
    EXPECT_EQ(nt.weight(k), weightOf(k));
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "first mismatch at row " << k;
      break;
    }
  }
  // flattened columns, spot checks against the source fields
  const auto& px = nt.tracks.get<double>("momentum_x");
  const auto& src = nt.tracks.get<std::int32_t>("time_source");
  const auto& trackInEvent = nt.tracks.get<std::int32_t>("track");
  const auto& first = nt.events.get<std::int64_t>("first_track");
  for (std::size_t k = 0; k < 50; ++k)
    for (std::size_t i = 0; i < evs[k].nTracks; ++i) {
      const auto row = static_cast<std::size_t>(first[k]) + i;
      EXPECT_TRUE(same(px[row], evs[k].tracks[i].momentum.x));
      EXPECT_EQ(src[row], static_cast<int>(evs[k].tracks[i].timeSource));
      EXPECT_EQ(trackInEvent[row], static_cast<int>(i));
    }
}

TEST(RecoNtuple, LayoutTypesUnitsAndDescriptions) {
  ScratchDir dir;
  const io::RecoNtuple nt = io::readRecoNtuple(writeSample(dir, sampleEvents(20)));
  const auto names = nt.events.names();
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(names[0], "index");
  for (const char* c : {"n_tracks", "best", "n_gtk", "ktag_tagged", "ktag_sectors", "ktag_time", "lav_veto", "irc_veto",
                        "sac_veto", "lkr_veto", "photon_veto", "n_lkr_extra", "chanti_veto", "vertex3_x", "vertex3_y",
                        "vertex3_z", "vertex3_px", "vertex3_py", "vertex3_pz", "vertex3_mass", "vertex3_quality",
                        "vertex3_charge", "has_vertex3", "truth_mode", "weight", "first_track"})
    EXPECT_TRUE(nt.events.has(c)) << c;
  for (const char* c : {"event", "track", "momentum_x", "momentum_y", "momentum_z", "p", "position_straw1_z",
                        "time_source", "m2miss", "m2miss_rich", "truth_index", "lkr_x", "muv3"})
    EXPECT_TRUE(nt.tracks.has(c)) << c;
  for (const auto* table : {&nt.events, &nt.tracks})
    for (const auto& c : table->columns) EXPECT_FALSE(c.description.empty()) << c.name;

  using io::ColumnType;
  EXPECT_EQ(nt.events.column("index").type, ColumnType::UInt64);
  EXPECT_EQ(nt.events.column("truth_mode").type, ColumnType::Int32);
  EXPECT_EQ(nt.events.column("first_track").type, ColumnType::Int64);
  EXPECT_EQ(nt.events.column("ktag_tagged").type, ColumnType::Bool);
  EXPECT_EQ(nt.events.column("weight").type, ColumnType::Double);
  EXPECT_EQ(nt.tracks.column("time_source").type, ColumnType::Int32);
  EXPECT_EQ(nt.tracks.column("event").type, ColumnType::UInt64);
  EXPECT_EQ(nt.events.column("ktag_time").unit, "ns");
  EXPECT_EQ(nt.events.column("vertex3_x").unit, "mm");
  EXPECT_EQ(nt.events.column("vertex3_mass").unit, "GeV");
  EXPECT_EQ(nt.tracks.column("m2miss").unit, "GeV^2");
  EXPECT_EQ(nt.tracks.column("momentum_z").unit, "GeV");
  EXPECT_EQ(nt.tracks.column("position_straw1_x").unit, "mm");
  EXPECT_EQ(nt.tracks.column("dt_gtk").unit, "ns");

  EXPECT_EQ(nt.modeNames, iotest::modeNames());
  EXPECT_EQ(nt.attributes.at("format"), "kaonlab-reco-ntuple");
  EXPECT_EQ(nt.attributes.at("kaonlab_version"), "0.1.0-test");
  EXPECT_EQ(nt.attributes.at("units"), "GeV, mm, ns");
  EXPECT_EQ(nt.attributes.at("seed"), "12345");
  EXPECT_EQ(nt.attributes.at("detector"), "nominal");
  EXPECT_NE(nt.attributes.at("mode_names").find("K+ -> mu+ nu_mu"), std::string::npos);
}

TEST(RecoNtuple, IdenticalWritesGiveByteIdenticalFiles) {
  ScratchDir dir;
  const auto evs = sampleEvents(3000);
  const auto a = writeSample(dir, evs, "a.h5");
  const auto b = writeSample(dir, evs, "b.h5");
  const std::string ba = fileBytes(a), bb = fileBytes(b);
  EXPECT_GT(ba.size(), 1000u);
  EXPECT_TRUE(ba == bb) << "files differ";
}

// Every mapped field survives: reading back and writing again gives the same bytes (this
// holds for fields added to RecoEvent later too, with no change to this test).
TEST(RecoNtuple, RereadEventsRewriteToTheSameBytes) {
  ScratchDir dir;
  const auto evs = sampleEvents(500);
  const auto a = writeSample(dir, evs, "a.h5");
  const io::RecoNtuple nt = io::readRecoNtuple(a);
  std::vector<RecoEvent> again;
  for (std::size_t k = 0; k < nt.size(); ++k) again.push_back(nt.event(k));
  const auto b = writeSample(dir, again, "b.h5");
  EXPECT_TRUE(fileBytes(a) == fileBytes(b)) << "files differ";
}

TEST(RecoNtuple, EmptyFileIsValid) {
  ScratchDir dir;
  const io::RecoNtuple nt = io::readRecoNtuple(writeSample(dir, {}));
  EXPECT_EQ(nt.size(), 0u);
  EXPECT_EQ(nt.tracks.rows(), 0u);
  EXPECT_TRUE(nt.events.has("vertex3_mass"));
  EXPECT_TRUE(nt.tracks.has("m2miss"));
}

TEST(RecoNtuple, WriterDestroyedWithoutCloseLeavesNothing) {
  ScratchDir dir;
  const auto evs = sampleEvents(io::RecoNtupleWriter::kDefaultBlockRows + 10);  // one block already on disk
  try {
    io::RecoNtupleWriter w(dir / "aborted.h5", "v", iotest::modeNames());
    for (const auto& e : evs) w.write(e, 0, 1.0);
    EXPECT_FALSE(dir.entries().empty());
    throw std::runtime_error("simulated failure");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(RecoNtuple, BadInputsAreRejected) {
  ScratchDir dir;
  EXPECT_THROW(io::RecoNtupleWriter(dir / "x.h5", "v", iotest::modeNames(), {{"mode_names", "x"}}), ConfigError);
  EXPECT_TRUE(dir.entries().empty());
  io::RecoNtupleWriter w(dir / "x.h5", "v", iotest::modeNames());
  RecoEvent ev;
  ev.nTracks = RecoEvent::kMaxTracks + 1;
  EXPECT_THROW(w.write(ev, 0, 1.0), std::invalid_argument);
  w.close();
  EXPECT_THROW(w.write(RecoEvent{}, 0, 1.0), std::logic_error);
  const auto missing = dir / "missing" / "reco.h5";
  try {
    io::RecoNtupleWriter bad(missing, "v", iotest::modeNames());
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
  }
}

TEST(RecoNtuple, ReaderRefusesAnotherFormatOrVersionNamingTheFile) {
  // a file of another format, and a reco ntuple of an older format version (fewer columns)
  ScratchDir dir;
  for (const auto& [format, version] : {std::pair<std::string, std::string>{"kaonlab-truth-ntuple", "2"},
                                        std::pair<std::string, std::string>{"kaonlab-reco-ntuple", "2"}}) {
    const auto path = dir / (format + version + ".h5");
    {
      io::H5OutputFile f(path, format, version, "v");
      auto& events = f.table("events");
      events.column<std::uint64_t>("index");
      auto& tracks = f.table("tracks");
      tracks.column<std::uint64_t>("event");
      f.close();
    }
    try {
      (void)io::readRecoNtuple(path);
      FAIL() << "expected an exception for " << format << " " << version;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
  }
}

// Cross-check with the Python tools people will use: h5py (and pandas when present).
TEST(RecoNtuple, ReadableWithH5py) {
  const std::string python = iotest::pythonWithH5py();
  if (python.empty()) GTEST_SKIP() << "no python3 with h5py";

  ScratchDir dir;
  const auto evs = sampleEvents(400);
  std::size_t nTracks = 0;
  for (const auto& e : evs) nTracks += e.nTracks;
  const auto file = writeSample(dir, evs);
  const std::string script = std::string(KAONLAB_IO_TEST_DIR) + "/read_reco_ntuple.py";
  const std::string cmd = python + " '" + script + "' '" + file.string() + "' " + std::to_string(evs.size()) + " " +
                          std::to_string(nTracks) + " 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}
