#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "IoTestSupport.hpp"
#include "kaonlab/core/Units.hpp"
#include "kaonlab/io/HepMC3Writer.hpp"

using namespace kaonlab;
using kaonlab::generator::TruthEvent;
using kaonlab::iotest::ScratchDir;

namespace {

void expectClose(double a, double b, double rel, const char* what) {
  EXPECT_LE(std::abs(a - b), rel * std::max(1.0, std::abs(b))) << what << ": " << a << " vs " << b;
}
void expectClose(const FourVector& a, const FourVector& b, double rel, const char* what) {
  const double scale = std::max({1.0, std::abs(b.px), std::abs(b.py), std::abs(b.pz), std::abs(b.e)});
  EXPECT_LE(std::abs(a.px - b.px), rel * scale) << what << " x";
  EXPECT_LE(std::abs(a.py - b.py), rel * scale) << what << " y";
  EXPECT_LE(std::abs(a.pz - b.pz), rel * scale) << what << " z";
  EXPECT_LE(std::abs(a.e - b.e), rel * scale) << what << " t/e";
}

std::vector<TruthEvent> sampleEvents(std::size_t n) {
  std::mt19937_64 rng(42);
  std::vector<TruthEvent> evs;
  for (std::size_t i = 0; i < n; ++i) evs.push_back(iotest::makeEvent(i, static_cast<int>(i % 4), rng));
  return evs;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(HepMC3, RoundTripKeepsEverything) {
  ScratchDir dir;
  const auto file = dir / "events.hepmc3";
  const auto evs = sampleEvents(200);
  {
    io::HepMC3Writer w(file, "0.1.0-test", iotest::modeNames());
    for (const auto& e : evs) w.write(e);
    EXPECT_EQ(w.eventsWritten(), evs.size());
    w.close();
  }
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"events.hepmc3"});

  std::vector<TruthEvent> back;
  const auto n = io::readHepMC3(file, [&](const TruthEvent& e) { back.push_back(e); });
  ASSERT_EQ(n, evs.size());
  ASSERT_EQ(back.size(), evs.size());
  for (std::size_t k = 0; k < evs.size(); ++k) {
    const TruthEvent& a = back[k];
    const TruthEvent& b = evs[k];
    SCOPED_TRACE("event " + std::to_string(k));
    EXPECT_EQ(a.index, b.index);
    EXPECT_EQ(a.mode, b.mode);
    EXPECT_EQ(a.beamPdgId, b.beamPdgId);
    expectClose(a.weight, b.weight, 1e-12, "weight");
    expectClose(a.beamMomentum, b.beamMomentum, 1e-9, "beam momentum");
    expectClose(a.beamOrigin, b.beamOrigin, 1e-9, "beam origin");
    expectClose(a.decayVertex, b.decayVertex, 1e-9, "decay vertex");
    ASSERT_EQ(a.nParticles, b.nParticles);
    for (std::size_t i = 0; i < b.nParticles; ++i) {
      EXPECT_EQ(a.particles[i].pdgId, b.particles[i].pdgId);
      EXPECT_EQ(a.particles[i].parent, b.particles[i].parent);
      EXPECT_EQ(a.particles[i].status, b.particles[i].status);
      expectClose(a.particles[i].p, b.particles[i].p, 1e-9, "particle momentum");
    }
  }
}

TEST(HepMC3, FileFollowsTheDocumentedConventions) {
  ScratchDir dir;
  const auto file = dir / "conv.hepmc3";
  std::mt19937_64 rng(7);
  auto ev = iotest::makeEvent(5, 0, rng);
  ev.decayVertex = {1.0, 2.0, 150000.0, 10.0};  // t = 10 ns -> c*t = 2997.92458 mm
  {
    io::HepMC3Writer w(file, "9.9.9", iotest::modeNames());
    w.write(ev);
    w.close();
  }
  const std::string text = slurp(file);
  EXPECT_NE(text.find("HepMC::Asciiv3-START_EVENT_LISTING"), std::string::npos);
  EXPECT_NE(text.find("HepMC::Asciiv3-END_EVENT_LISTING"), std::string::npos);
  EXPECT_NE(text.find("T kaonlab\\|9.9.9"), std::string::npos) << text;
  EXPECT_NE(text.find("W default"), std::string::npos) << text;
  EXPECT_NE(text.find("U GEV MM"), std::string::npos) << text;
  EXPECT_NE(text.find("E 5 "), std::string::npos) << text;
  EXPECT_NE(text.find("A 0 mode 0"), std::string::npos) << text;
  EXPECT_NE(text.find("A 0 mode_name K+ -> pi+ pi0"), std::string::npos) << text;
  // the decay vertex: V -2 0 [2] @ x y z c*t, with c*t in mm
  const auto v = text.find("V -2 0 [2] @ ");
  ASSERT_NE(v, std::string::npos) << text;
  std::istringstream line(text.substr(v + 13, text.find('\n', v) - v - 13));
  double x = 0, y = 0, z = 0, ct = 0;
  line >> x >> y >> z >> ct;
  EXPECT_DOUBLE_EQ(x, 1.0);
  EXPECT_DOUBLE_EQ(z, 150000.0);
  EXPECT_NEAR(ct, 10.0 * 299.792458, 1e-9);
  // beam K+ (status 4) and decaying K+ (status 2)
  EXPECT_NE(text.find(" 321 "), std::string::npos);
}

TEST(HepMC3, LargeIndexSurvives) {
  ScratchDir dir;
  const auto file = dir / "big.hepmc3";
  std::mt19937_64 rng(3);
  auto ev = iotest::makeEvent(0, 1, rng);
  ev.index = 123456789012345ULL;
  {
    io::HepMC3Writer w(file, "v", iotest::modeNames());
    w.write(ev);
    w.close();
  }
  std::uint64_t idx = 0;
  io::readHepMC3(file, [&](const TruthEvent& e) { idx = e.index; });
  EXPECT_EQ(idx, ev.index);
}

TEST(HepMC3, WriterDestroyedWithoutCloseLeavesNothing) {
  ScratchDir dir;
  const auto evs = sampleEvents(50);
  try {
    io::HepMC3Writer w(dir / "aborted.hepmc3", "v", iotest::modeNames());
    for (const auto& e : evs) w.write(e);
    EXPECT_FALSE(dir.entries().empty());  // the temporary exists meanwhile
    throw std::runtime_error("simulated failure");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(HepMC3, UnwritablePathThrowsWithPath) {
  ScratchDir dir;
  const auto file = dir / "missing" / "deeper" / "events.hepmc3";
  try {
    io::HepMC3Writer w(file, "v", iotest::modeNames());
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(HepMC3, InvalidParentIndexThrowsAndLeavesNothing) {
  ScratchDir dir;
  std::mt19937_64 rng(1);
  auto ev = iotest::makeEvent(0, 0, rng);
  ev.particles[2].parent = 9;
  {
    io::HepMC3Writer w(dir / "bad.hepmc3", "v", iotest::modeNames());
    EXPECT_THROW(w.write(ev), std::runtime_error);
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(HepMC3, ReadingAMissingFileNamesIt) {
  ScratchDir dir;
  const auto file = dir / "nope.hepmc3";
  try {
    io::readHepMC3(file, [](const TruthEvent&) {});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
}

// A file as another generator might write it: MeV and cm, no beam particle, the K+ with
// a status the generator chose (11), a pi0 whose photons hang from it without an explicit vertex,
// two weights and no kaonlab attributes.
TEST(HepMC3, ReadsForeignStructureSensibly) {
  ScratchDir dir;
  const auto file = dir / "foreign.hepmc3";
  std::ofstream(file) << R"(HepMC::Version 3.01.02
HepMC::Asciiv3-START_EVENT_LISTING
W nominal alt
E 17 3 6
U MEV CM
W 2.5 3.0
P 1 0 2212 0 0 400000 400000 938.272 4
V -1 0 [1] @ 0.1 0.2 10250 1000
P 2 -1 321 0 0 75000 75001.6 493.677 11
V -2 0 [2] @ 0.3 0.4 12000 2000
P 3 -2 211 10 20 40000 40000.3 139.57 1
P 4 -2 111 -10 -20 35000 35000.3 134.977 2
P 5 4 22 1 2 17000 17000 0 1
P 6 4 22 -11 -22 18000 18000 0 1
HepMC::Asciiv3-END_EVENT_LISTING
)";
  std::vector<TruthEvent> got;
  EXPECT_EQ(io::readHepMC3(file, [&](const TruthEvent& e) { got.push_back(e); }), 1u);
  ASSERT_EQ(got.size(), 1u);
  const TruthEvent& e = got[0];
  EXPECT_EQ(e.index, 17u);
  EXPECT_EQ(e.mode, -1);
  EXPECT_DOUBLE_EQ(e.weight, 2.5);
  EXPECT_EQ(e.beamPdgId, 321);
  EXPECT_DOUBLE_EQ(e.beamMomentum.pz, 75.0);
  EXPECT_DOUBLE_EQ(e.beamOrigin.pz, 102500.0);  // 10250 cm
  EXPECT_NEAR(e.beamOrigin.e, 10000.0 / constants::c_light, 1e-12);
  EXPECT_DOUBLE_EQ(e.decayVertex.pz, 120000.0);
  ASSERT_EQ(e.nParticles, 4u);
  EXPECT_EQ(e.particles[0].pdgId, 211);
  EXPECT_EQ(e.particles[0].parent, -1);
  EXPECT_EQ(e.particles[1].pdgId, 111);
  EXPECT_EQ(e.particles[1].status, 2);
  EXPECT_EQ(e.particles[2].pdgId, 22);
  EXPECT_EQ(e.particles[2].parent, 1);
  EXPECT_EQ(e.particles[3].parent, 1);
  EXPECT_DOUBLE_EQ(e.particles[3].p.e, 18.0);
}

TEST(HepMC3, EventWithoutKaonIsAnErrorNamingTheFile) {
  ScratchDir dir;
  const auto file = dir / "nokaon.hepmc3";
  std::ofstream(file) << R"(HepMC::Version 3.01.02
HepMC::Asciiv3-START_EVENT_LISTING
E 3 1 3
U GEV MM
P 1 0 211 0 0 10 10.001 0.13957 2
P 2 1 13 0 0 5 5.001 0.105 1
P 3 1 14 0 0 5 5 0 1
HepMC::Asciiv3-END_EVENT_LISTING
)";
  try {
    io::readHepMC3(file, [](const TruthEvent&) {});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("event 3"), std::string::npos) << e.what();
  }
}
