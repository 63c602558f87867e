// Run-card validation: every error names the file, the line and the key.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "kaonlab/app/Card.hpp"
#include "kaonlab/app/RunOptions.hpp"
#include "kaonlab/core/Error.hpp"

using namespace kaonlab;
using namespace kaonlab::app;

namespace {
ConfigError expectError(const std::string& text) {
  try {
    parseRunCard(text, "card.toml");
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return ConfigError("none");
}
}  // namespace

TEST(RunCard, DefaultCardParsesToDefaults) {
  const RunCard c = parseRunCard(defaultCardText(), "default.toml");
  EXPECT_EQ(c.events, 10000u);
  EXPECT_EQ(c.generator.modes, std::vector<std::string>{"all"});
  EXPECT_DOUBLE_EQ(c.generator.beam.momentum, 75.0 * units::GeV);
  EXPECT_DOUBLE_EQ(c.generator.fiducial.zMin, 105.0 * units::m);
  EXPECT_DOUBLE_EQ(c.generator.catalogue.pimumu.aPlus, -0.575);
}

TEST(RunCard, ValuesAndUnitsAreApplied) {
  const RunCard c = parseRunCard(
      "[run]\nseed = 7\nevents = 123\n[beam]\nmomentum_GeV = 74.6\ndivergence_mrad = 0.05\n"
      "[generate]\nmodes = [\"k2pi\", \"pinunu\"]\nselection = \"uniform\"\n[modes.pinunu]\nbr = 8.4e-11\n",
      "x.toml");
  EXPECT_EQ(c.generator.seed, 7u);
  EXPECT_EQ(c.events, 123u);
  EXPECT_DOUBLE_EQ(c.generator.beam.momentum, 74.6);
  EXPECT_DOUBLE_EQ(c.generator.beam.divergence, 0.05e-3);
  EXPECT_EQ(c.generator.selection, generator::ModeSelection::Uniform);
  ASSERT_EQ(c.generator.catalogue.brOverrides.size(), 1u);
  EXPECT_EQ(c.generator.catalogue.brOverrides[0].first, "pinunu");
}

TEST(RunCard, UnknownKeyNamesFileLineAndKey) {
  const auto e = expectError("[run]\nseed = 1\nevnts = 10\n");
  EXPECT_EQ(e.file(), "card.toml");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "run.evnts");
  EXPECT_NE(std::string(e.what()).find("unknown key"), std::string::npos);
}

TEST(RunCard, FirstEventSetsTheJobsRangeAndIsValidated) {
  const RunCard c = parseRunCard("[run]\nevents = 500\nfirst_event = 1000\n", "shard.toml");
  EXPECT_EQ(c.firstEvent, 1000u);
  EXPECT_EQ(c.events, 500u);
  EXPECT_EQ(parseRunCard("", "defaults").firstEvent, 0u);
  EXPECT_EQ(expectError("[run]\nfirst_event = -1\n").key(), "run.first_event");
  EXPECT_EQ(expectError("[run]\nevents = 10\nfirst_event = 9223372036854775800\n").key(), "run.first_event");
}

TEST(RunCard, ShardOptionIsKOverN) {
  EXPECT_EQ(parseShard("3/10").index, 3u);
  EXPECT_EQ(parseShard("3/10").count, 10u);
  EXPECT_EQ(parseShard("0/1").count, 1u);
  EXPECT_EQ(parseShard("4294967295/4294967296").count, kMaxShards);
  for (const char* bad : {"10/10", "1/0", "-1/3", "a/3", "3", "/3", "3/", "1/2/3", " 1/2", "0/4294967297"})
    EXPECT_THROW(parseShard(bad), kaonlab::ConfigError) << bad;
}

TEST(RunCard, ShardAutoReadsTheLaunchersEnvironment) {
  auto from = [](std::map<std::string, std::string> env) {
    return shardFromEnvironment([env](const char* k) -> const char* {
      const auto it = env.find(k);
      return it == env.end() ? nullptr : it->second.c_str();
    });
  };
  auto is = [](Shard s, std::uint64_t k, std::uint64_t n) { return s.index == k && s.count == n; };
  EXPECT_TRUE(is(from({{"OMPI_COMM_WORLD_RANK", "2"}, {"OMPI_COMM_WORLD_SIZE", "8"}}), 2, 8));
  EXPECT_TRUE(is(from({{"PMI_RANK", "0"}, {"PMI_SIZE", "4"}}), 0, 4));
  // a SLURM array 1-10: task 3 is part 2 of 10
  EXPECT_TRUE(is(from({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "10"}}), 2, 10));
  EXPECT_TRUE(is(from({{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "6"}}), 5, 6));
  // MPI wins over the SLURM variables of the allocation it runs in
  EXPECT_TRUE(is(from({{"OMPI_COMM_WORLD_RANK", "1"}, {"OMPI_COMM_WORLD_SIZE", "2"}, {"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}}), 1, 2));
  EXPECT_THROW(from({}), kaonlab::ConfigError);
  EXPECT_THROW(from({{"OMPI_COMM_WORLD_RANK", "4"}, {"OMPI_COMM_WORLD_SIZE", "4"}}), kaonlab::ConfigError);
  EXPECT_THROW(from({{"PMI_RANK", "x"}, {"PMI_SIZE", "4"}}), kaonlab::ConfigError);
  EXPECT_THROW(from({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "10"}}),
               kaonlab::ConfigError);
}

TEST(RunCard, UnknownTableIsRejected) {
  const auto e = expectError("[detektor]\nx = 1\n");
  EXPECT_EQ(e.key(), "detektor");
  EXPECT_EQ(e.line(), 1);
}

TEST(RunCard, WrongTypeSaysWhatWasExpected) {
  const auto e = expectError("[run]\n\nevents = \"many\"\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "run.events");
  EXPECT_NE(std::string(e.what()).find("expected an integer"), std::string::npos);
}

TEST(RunCard, NegativeCountIsRejected) {
  const auto e = expectError("[run]\nevents = -5\n");
  EXPECT_EQ(e.key(), "run.events");
  EXPECT_NE(std::string(e.what()).find("outside the allowed range"), std::string::npos);
}

TEST(RunCard, UnknownModeIsRejectedWithKnownList) {
  const auto e = expectError("[generate]\nmodes = [\"k2pi\", \"kfoo\"]\n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.key(), "generate.modes");
  EXPECT_NE(std::string(e.what()).find("kfoo"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("pinunu"), std::string::npos);
  const auto e2 = expectError("[modes.kbar]\nbr = 1e-3\n");
  EXPECT_EQ(e2.key(), "modes.kbar");
}

TEST(RunCard, BadEnumAndSyntaxErrors) {
  EXPECT_NE(std::string(expectError("[generate]\nselection = \"random\"\n").what()).find("\"uniform\""),
            std::string::npos);
  const auto e = expectError("[run]\nseed = = 3\n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(std::string(e.what()).find("TOML syntax error"), std::string::npos);
}

TEST(RunCard, PhysicsValidation) {
  const auto e = expectError("[fiducial]\nz_min_m = 170\nz_max_m = 165\n");
  EXPECT_EQ(e.file(), "card.toml");
  EXPECT_NE(std::string(e.what()).find("z_min"), std::string::npos);
  expectError("[beam]\nfraction_kaon = 0.5\nfraction_pion = 0.6\n");
}

TEST(RunCard, UnreadableFile) {
  try {
    readRunCard("/nonexistent/dir/card.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/card.toml"), std::string::npos);
  }
}

TEST(RunCard, DetectorTablesAreStrictAndApplied) {
  const RunCard c = parseRunCard("[detector.rich]\nindex_minus_one = 6.0e-5\n[detector.gtk]\nz_m = [79.6, 92.8, 102.4]\n"
                                 "[detector.lav]\ninefficiency_energy_GeV = [0.05, 0.2]\ninefficiency = [0.1, 1e-4]\n",
                                 "det.toml");
  EXPECT_DOUBLE_EQ(c.detector.rich.indexMinusOne, 6.0e-5);
  EXPECT_DOUBLE_EQ(c.detector.gtk.z[2], 102.4 * units::m);
  EXPECT_EQ(c.detector.lav.inefficiency.n, 2);
  const auto e = expectError("[detector.straw]\nz_m = [183.5, 194.1]\n");
  EXPECT_EQ(e.key(), "detector.straw.z_m");
  EXPECT_NE(std::string(e.what()).find("expected 4 numbers"), std::string::npos);
  EXPECT_EQ(expectError("[detector.lkr]\nbogus = 1\n").key(), "detector.lkr.bogus");
  EXPECT_EQ(expectError("[detector.warp]\nx = 1\n").key(), "detector.warp");
  // the upstream beam line (final collimator, TRIM5)
  const RunCard u = parseRunCard("[detector.upstream]\ntrim5_kick_GeV = 0.1\ncollimator_inner_half_x_mm = 20\n"
                                 "trim5_outer_half_mm = 250\ntrim5_field_half_y_mm = 45\ncollimator_2018_bore_radius_mm = 18\n",
                                 "up.toml");
  EXPECT_DOUBLE_EQ(u.detector.upstream.trim5Kick, 0.1 * units::GeV);
  EXPECT_DOUBLE_EQ(u.detector.upstream.trim5OuterHalf, 250.0 * units::mm);
  EXPECT_DOUBLE_EQ(u.detector.upstream.trim5FieldHalfY, 45.0 * units::mm);
  EXPECT_DOUBLE_EQ(u.detector.upstream.collimator2018BoreRadius, 18.0 * units::mm);
  // cross-checked after reading (the validation names the key in the message)
  EXPECT_NE(std::string(expectError("[detector.upstream]\ntrim5_outer_half_mm = 20\n").what()).find("trim5_outer_half_mm"),
            std::string::npos);
  EXPECT_DOUBLE_EQ(u.detector.upstream.collimatorInnerHalfX, 20.0 * units::mm);
  EXPECT_EQ(expectError("[detector.upstream]\ncollimator_width = 1\n").key(), "detector.upstream.collimator_width");
  // the second achromat and the 2018 S2 collimator (session 4)
  const RunCard a = parseRunCard("[detector.upstream]\ncollimator_design = 2018\ndipole_half_x_mm = 50\n"
                                 "dipole_kick_GeV = 1.0\nscraper_half_y_mm = 25\ncollimator_2018_outer_half_y_mm = 500\n",
                                 "ach.toml");
  EXPECT_EQ(a.detector.upstream.collimatorDesign, 2018);
  for (const auto& d : a.detector.upstream.dipoles) {
    EXPECT_DOUBLE_EQ(d.halfX, 50.0 * units::mm);
    EXPECT_DOUBLE_EQ(std::abs(d.kickY), 1.0 * units::GeV);
  }
  EXPECT_LT(a.detector.upstream.dipoles[0].kickY, 0.0);  // BEND 4A keeps its sign
  EXPECT_DOUBLE_EQ(a.detector.upstream.scraperHalfY, 25.0 * units::mm);
  EXPECT_DOUBLE_EQ(a.detector.upstream.collimator2018OuterHalfY, 500.0 * units::mm);
  EXPECT_EQ(expectError("[detector.upstream]\ncollimator_design = 2019\n").key(), "detector.upstream.collimator_design");
  EXPECT_EQ(expectError("[detector.upstream]\ncollimator_design = 2018.5\n").key(), "detector.upstream.collimator_design");
  // the best-track association windows (NA62 BestTrackSelection) in [reco]
  const RunCard r = parseRunCard("[reco]\nnewchod_chod_window_ns = 3\nrich_chod_window_ns = 1.5\n"
                                 "lkr_association_window_ns = 4\nlkr_association_max_distance_mm = 80\n",
                                 "assoc.toml");
  EXPECT_DOUBLE_EQ(r.reco.newChodChodWindow, 3.0 * units::ns);
  EXPECT_DOUBLE_EQ(r.reco.richChodWindow, 1.5 * units::ns);
  EXPECT_DOUBLE_EQ(r.reco.lkrAssociationWindow, 4.0 * units::ns);
  EXPECT_DOUBLE_EQ(r.reco.lkrChodMaxDistance, 80.0 * units::mm);
  EXPECT_EQ(expectError("[reco]\nrich_chod_window_ns = -1\n").key(), "reco.rich_chod_window_ns");
  // the STRAW segment parameters (NA62 StrawSegmentAlgorithm) in [reco]
  const RunCard g = parseRunCard("[reco]\nsegment_max_slope = 0.03\nsegment_min_distance_mm = 20\n"
                                 "segment_max_negative_p_gev = 60\nsegment_hit_error_mm = 1.5\n",
                                 "segment.toml");
  EXPECT_DOUBLE_EQ(g.reco.segmentMaxSlope, 0.03);
  EXPECT_DOUBLE_EQ(g.reco.segmentMinDistance, 20.0 * units::mm);
  EXPECT_DOUBLE_EQ(g.reco.segmentMaxNegativeP, 60.0 * units::GeV);
  EXPECT_DOUBLE_EQ(g.reco.segmentHitError, 1.5 * units::mm);
  EXPECT_EQ(expectError("[reco]\nsegment_hit_error_mm = 0\n").key(), "reco.segment_hit_error_mm");
}
