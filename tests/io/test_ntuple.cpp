#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "IoTestSupport.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/io/ColumnTable.hpp"
#include "kaonlab/io/TruthNtuple.hpp"

using namespace kaonlab;
using kaonlab::generator::TruthEvent;
using kaonlab::iotest::ScratchDir;

namespace {

std::vector<TruthEvent> sampleEvents(std::size_t n, std::uint64_t firstIndex = 0) {
  std::mt19937_64 rng(2024);
  std::vector<TruthEvent> evs;
  evs.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    evs.push_back(iotest::makeEvent(firstIndex + i, static_cast<int>((i * 7) % 4), rng));
  return evs;
}

bool sameVector(const FourVector& a, const FourVector& b) {
  return a.px == b.px && a.py == b.py && a.pz == b.pz && a.e == b.e;
}

void expectIdentical(const TruthEvent& a, const TruthEvent& b) {
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.weight, b.weight);
  EXPECT_EQ(a.beamPdgId, b.beamPdgId);
  EXPECT_TRUE(sameVector(a.beamMomentum, b.beamMomentum));
  EXPECT_TRUE(sameVector(a.beamOrigin, b.beamOrigin));
  EXPECT_TRUE(sameVector(a.decayVertex, b.decayVertex));
  ASSERT_EQ(a.nParticles, b.nParticles);
  for (std::size_t i = 0; i < a.nParticles; ++i) {
    EXPECT_EQ(a.particles[i].pdgId, b.particles[i].pdgId);
    EXPECT_EQ(a.particles[i].parent, b.particles[i].parent);
    EXPECT_EQ(a.particles[i].status, b.particles[i].status);
    EXPECT_TRUE(sameVector(a.particles[i].p, b.particles[i].p));
  }
}

std::filesystem::path writeSample(const ScratchDir& dir, const std::vector<TruthEvent>& evs,
                                  const std::string& name = "truth.h5") {
  const auto file = dir / name;
  io::TruthNtupleWriter w(file, "0.1.0-test", iotest::modeNames(),
                          {{"run_card", "[run]\nevents = 10\nseed = 12345\n"}, {"seed", "12345"}});
  for (const auto& e : evs) w.write(e);
  w.close();
  return file;
}

}  // namespace

TEST(TruthNtuple, RoundTripIsExactAcrossBlocks) {
  ScratchDir dir;
  // more than one 64k block so that block appends and chunk boundaries are exercised
  const auto evs = sampleEvents(io::TruthNtupleWriter::kDefaultBlockRows + 1234, 1000);
  const auto file = writeSample(dir, evs);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"truth.h5"});

  const io::TruthNtuple nt = io::readTruthNtuple(file);
  ASSERT_EQ(nt.size(), evs.size());
  std::size_t nParticles = 0;
  for (const auto& e : evs) nParticles += e.nParticles;
  EXPECT_EQ(nt.particles.event.size(), nParticles);
  for (std::size_t k = 0; k < evs.size(); ++k) {
    expectIdentical(nt.event(k), evs[k]);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "first mismatch at row " << k;
      break;
    }
  }
  // the particle table refers back to its event
  EXPECT_EQ(nt.particles.event[static_cast<std::size_t>(nt.events.first_particle.back())], evs.back().index);
}

TEST(TruthNtuple, MetadataAttributesAndModeNames) {
  ScratchDir dir;
  const auto file = writeSample(dir, sampleEvents(10));
  const io::TruthNtuple nt = io::readTruthNtuple(file);
  EXPECT_EQ(nt.modeNames, iotest::modeNames());
  EXPECT_EQ(nt.attributes.at("kaonlab_version"), "0.1.0-test");
  EXPECT_EQ(nt.attributes.at("units"), "GeV, mm, ns");
  EXPECT_EQ(nt.attributes.at("format"), "kaonlab-truth-ntuple");
  EXPECT_EQ(nt.attributes.at("seed"), "12345");
  EXPECT_EQ(nt.attributes.at("run_card"), "[run]\nevents = 10\nseed = 12345\n");
  EXPECT_NE(nt.attributes.at("mode_names").find("K+ -> mu+ nu_mu"), std::string::npos);
}

TEST(TruthNtuple, EmptyFileIsValid) {
  ScratchDir dir;
  const auto file = writeSample(dir, {});
  const io::TruthNtuple nt = io::readTruthNtuple(file);
  EXPECT_EQ(nt.size(), 0u);
  EXPECT_TRUE(nt.particles.pdg.empty());
}

TEST(TruthNtuple, WriterDestroyedWithoutCloseLeavesNothing) {
  ScratchDir dir;
  const auto evs = sampleEvents(io::TruthNtupleWriter::kDefaultBlockRows + 10);  // one block already on disk
  try {
    io::TruthNtupleWriter w(dir / "aborted.h5", "v", iotest::modeNames());
    for (const auto& e : evs) w.write(e);
    EXPECT_FALSE(dir.entries().empty());
    throw std::runtime_error("simulated failure");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(TruthNtuple, UnwritablePathThrowsWithPath) {
  ScratchDir dir;
  const auto file = dir / "missing" / "truth.h5";
  try {
    io::TruthNtupleWriter w(file, "v", iotest::modeNames());
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(TruthNtuple, ReservedAttributeNameIsAConfigError) {
  ScratchDir dir;
  EXPECT_THROW(io::TruthNtupleWriter(dir / "x.h5", "v", iotest::modeNames(), {{"units", "furlongs"}}),
               ConfigError);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(TruthNtuple, ReadingGarbageNamesTheFile) {
  ScratchDir dir;
  const auto file = dir / "not-hdf5.h5";
  std::ofstream(file) << "this is not an HDF5 file\n";
  try {
    io::readTruthNtuple(file);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
}

// Cross-check with the Python tools people will use: h5py (and pandas when present).
TEST(TruthNtuple, ReadableWithH5py) {
  const std::string python = iotest::pythonWithH5py();
  if (python.empty()) GTEST_SKIP() << "no python3 with h5py";

  ScratchDir dir;
  const auto evs = sampleEvents(500);
  std::size_t nParticles = 0;
  for (const auto& e : evs) nParticles += e.nParticles;
  const auto file = writeSample(dir, evs);
  const std::string script = std::string(KAONLAB_IO_TEST_DIR) + "/read_ntuple.py";
  const std::string cmd = python + " '" + script + "' '" + file.string() + "' " + std::to_string(evs.size()) +
                          " " + std::to_string(nParticles) + " 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(TruthNtuple, IdenticalWritesGiveByteIdenticalFilesWithColumnUnits) {
  ScratchDir dir;
  const auto evs = sampleEvents(2000);
  const auto a = writeSample(dir, evs, "a.h5");
  const auto b = writeSample(dir, evs, "b.h5");
  const auto bytes = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  EXPECT_TRUE(bytes(a) == bytes(b)) << "files differ";
  const io::ColumnTableData events = io::H5InputFile(a).table("events");
  EXPECT_EQ(events.column("beam_px").unit, "GeV");
  EXPECT_EQ(events.column("vertex_t").unit, "ns");
  EXPECT_FALSE(events.column("first_particle").description.empty());
}
