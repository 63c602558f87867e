// End-to-end: the kaonlab executable's exit codes, outputs and determinism.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "kaonlab/analysis/PiMuMuAnalysis.hpp"
#include "kaonlab/app/Card.hpp"
#include "kaonlab/detector/FastSimulation.hpp"
#include "kaonlab/io/ColumnTable.hpp"
#include "kaonlab/io/HistogramTable.hpp"
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {
fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("kaonlab-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
int run(const std::string& args) {
  const std::string cmd = std::string(KAONLAB_EXE) + " " + args + " > /dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
}  // namespace

TEST(Cli, BadCardExitsWithStatus2AndWritesNothing) {
  const fs::path d = scratch("bad");
  write(d / "bad.toml", "[run]\nevents = 100\ncolour = \"red\"\n[output]\nprefix = \"" + (d / "out").string() + "\"\n");
  EXPECT_EQ(run("generate --card " + (d / "bad.toml").string()), 2);
  EXPECT_EQ(run("generate --card " + (d / "missing.toml").string()), 2);
  EXPECT_EQ(run("generate --events 0 -o " + (d / "out").string()), 2);
  EXPECT_EQ(run("generate --no-such-option"), 2);
  // nothing written, not even temporaries
  EXPECT_EQ(std::distance(fs::directory_iterator(d), fs::directory_iterator()), 1);
  fs::remove_all(d);
}

TEST(Cli, GenerateIsByteIdenticalForOneAndTwoThreads) {
  const fs::path d = scratch("det");
  write(d / "run.toml", "[run]\nseed = 5\nevents = 3000\n[generate]\nmodes = [\"all\", \"pimumu\"]\n");
  ASSERT_EQ(run("generate -q --card " + (d / "run.toml").string() + " -j 1 -o " + (d / "a").string()), 0);
  ASSERT_EQ(run("generate -q --card " + (d / "run.toml").string() + " -j 2 -o " + (d / "b").string()), 0);
  for (const char* ext : {".hepmc3", ".h5"}) {
    const std::string a = slurp(d / (std::string("a") + ext)), b = slurp(d / (std::string("b") + ext));
    EXPECT_GT(a.size(), 1000u) << ext;
    EXPECT_TRUE(a == b) << ext << " differs between 1 and 2 threads";
  }
  const std::string json = slurp(d / "a.json");
  EXPECT_NE(json.find("\"events\": 3000"), std::string::npos);
  EXPECT_NE(json.find("\"seed\": 5"), std::string::npos);
  fs::remove_all(d);
}

TEST(Cli, SimulateWritesRecoNtupleAndRejectsBadDetectorKeys) {
  const fs::path d = scratch("sim");
  write(d / "sim.toml", "[run]\nseed = 3\nevents = 2000\n[generate]\nmodes = [\"k2pi\"]\n[detector.straw]\nsigma_p_constant = 0.003\n");
  ASSERT_EQ(run("simulate -q --card " + (d / "sim.toml").string() + " -o " + (d / "s").string()), 0);
  EXPECT_GT(fs::file_size(d / "s.reco.h5"), 1000u);
  EXPECT_NE(slurp(d / "s.json").find("\"events\": 2000"), std::string::npos);
  write(d / "bad.toml", "[detector.straw]\nsigma_p_constant = 0.003\nresolution = 1\n");
  EXPECT_EQ(run("simulate -q --card " + (d / "bad.toml").string() + " -o " + (d / "b").string()), 2);
  EXPECT_FALSE(fs::exists(d / "b.reco.h5"));
  EXPECT_EQ(run("simulate -q -i " + (d / "missing.hepmc3").string() + " -o " + (d / "c").string()), 2);
  fs::remove_all(d);
}

TEST(Cli, AnalysePiMuMuOnARecoNtupleEqualsTheLibrarySelection) {
  // `kaonlab analyse --analysis pimumu` on a simulated reco ntuple (detector rebuilt from the
  // run card stored in it) selects exactly the events that selectPiMuMu / selectK3pi select on
  // the same events simulated in memory: the ntuple keeps every three-track quantity they use
  const fs::path d = scratch("analyse-pimumu");
  const std::string cardText =
      "[run]\nseed = 4\nevents = 6000\n[generate]\nmodes = [\"pimumu\", \"k3pi\"]\nselection = \"uniform\"\n"
      "[detector.straw]\nsigma_p_constant = 0.0025\n[output]\nhepmc3 = false\nhdf5 = false\n";
  write(d / "sim.toml", cardText);
  ASSERT_EQ(run("simulate -q --card " + (d / "sim.toml").string() + " -o " + (d / "s").string()), 0);
  ASSERT_EQ(run("analyse -q -a pimumu -i " + (d / "s.reco.h5").string() + " -o " + (d / "a").string()), 0);
  const auto j = nlohmann::json::parse(slurp(d / "a.json"));
  const auto card = kaonlab::app::parseRunCard(cardText, "sim.toml");
  const kaonlab::generator::Generator gen(card.generator);
  kaonlab::detector::DetectorConfig det = card.detector;
  det.seed = card.generator.seed;
  const kaonlab::detector::FastSimulation sim(det, card.generator.beam);
  const kaonlab::reco::Reconstruction rec(card.reco, det);
  const kaonlab::analysis::PiMuMuSelectionConfig cfg;
  kaonlab::generator::TruthEvent truth;
  auto detEvent = std::make_unique<kaonlab::detector::DetectorEvent>();
  kaonlab::reco::RecoEvent reco;
  std::uint64_t nPiMuMu = 0, nK3pi = 0;
  for (std::uint64_t i = 0; i < card.events; ++i) {
    gen.generate(i, truth);
    sim.simulate(truth, *detEvent);
    rec.reconstruct(*detEvent, reco);
    const std::string mode = gen.catalogue().mode(static_cast<std::size_t>(truth.mode)).key;
    if (kaonlab::analysis::selectPiMuMu(reco, rec, cfg).selected && mode == "pimumu") ++nPiMuMu;
    if (kaonlab::analysis::selectK3pi(reco, rec, cfg) && mode == "k3pi") ++nK3pi;
  }
  EXPECT_GT(nPiMuMu, 300u);
  EXPECT_EQ(j["selected"]["pimumu"]["pimumu"]["events"].get<std::uint64_t>(), nPiMuMu);
  EXPECT_EQ(j["selected"]["k3pi"]["k3pi"]["events"].get<std::uint64_t>(), nK3pi);
  double inBins = 0;
  for (double c : j["pimumu_z_counts"]) inBins += c;
  EXPECT_EQ(inBins, static_cast<double>(nPiMuMu));
  // the [pnn] card and --selection belong to --analysis pnn
  EXPECT_EQ(run("analyse -q -a pimumu --selection 2016-17 -i " + (d / "s.reco.h5").string() + " -o " +
                (d / "b").string()),
            2);
  fs::remove_all(d);
}

TEST(Cli, AnalyseAppliesThePnnSelectionToARecoNtuple) {
  // simulate K+ -> pi+ nu nubar, then `kaonlab analyse`: the cut flow starts at the number of
  // events and never rises; every listed candidate is in R1/R2 inside the momentum window; the
  // 2016-17 selection (15-35 GeV/c) keeps a subset; the selected fraction x the calorimetric BDT
  // working point (0.75) / eps_RV (0.764, the standard run's figure, docs/validation.md) is the 2018 acceptance
  // A_pnn = 0.064 (JHEP 06 (2021) 093, memory) within 15%.
  const fs::path d = scratch("analyse");
  write(d / "sim.toml", "[run]\nseed = 8\nevents = 20000\n[generate]\nmodes = [\"pinunu\"]\n[output]\nhepmc3 = false\nhdf5 = false\n");
  ASSERT_EQ(run("simulate -q --card " + (d / "sim.toml").string() + " -o " + (d / "s").string()), 0);
  const std::string ntuple = (d / "s.reco.h5").string();
  ASSERT_EQ(run("analyse -q -i " + ntuple + " -o " + (d / "a18").string()), 0);
  ASSERT_EQ(run("analyse -q -i " + ntuple + " --selection 2016-17 -o " + (d / "a16").string()), 0);
  auto parse = [&](const char* name) { return nlohmann::json::parse(slurp(d / name)); };
  const auto a18 = parse("a18.json"), a16 = parse("a16.json");
  std::uint64_t previous = 20000;
  for (const auto& c : a18["cut_flow"]) {
    EXPECT_LE(c["events"].get<std::uint64_t>(), previous) << c["cut"];
    previous = c["events"].get<std::uint64_t>();
  }
  EXPECT_EQ(a18["cut_flow"][0]["events"].get<std::uint64_t>(), 20000u);
  {  // the per-event table: one row per event, `selected` agrees with the JSON count
    const kaonlab::io::H5InputFile h5(d / "a18.h5");
    const auto ev = h5.table("events");
    ASSERT_EQ(ev.rows(), 20000u);
    const std::vector<double> sel = ev.asDouble("selected");
    EXPECT_EQ(static_cast<std::uint64_t>(std::count(sel.begin(), sel.end(), 1.0)),
              a18["selected"]["pinunu"]["events"].get<std::uint64_t>());
    EXPECT_EQ(h5.strings("cuts/name").size(), a18["cut_flow"].size() - 1);
  }
  const std::uint64_t n18 = a18["selected"]["pinunu"]["events"], n16 = a16["selected"]["pinunu"]["events"];
  EXPECT_EQ(a18["cut_flow"].back()["events"].get<std::uint64_t>(), n18);
  EXPECT_LT(n16, n18);
  ASSERT_EQ(a16["candidates"].size(), n16);  // fewer than the listing cap (1000)
  for (const auto& c : a16["candidates"]) {
    EXPECT_TRUE(c["region"] == "R1" || c["region"] == "R2");
    EXPECT_GE(c["p_GeV"].get<double>(), 15.0);
    EXPECT_LE(c["p_GeV"].get<double>(), 35.0);
  }
  const double acceptance = static_cast<double>(n18) / 20000.0 * 0.75 / 0.764;
  EXPECT_NEAR(acceptance, 0.064, 0.15 * 0.064);
  // an analysis card: the printed default card reproduces the default selection; a card with
  // p_max_GeV = 25 keeps only candidates below 25 GeV/c; a bad key or value is rejected (exit 2)
  ASSERT_EQ(std::system((std::string(KAONLAB_EXE) + " analyse --print-card > " + (d / "card.toml").string()).c_str()), 0);
  ASSERT_EQ(run("analyse -q -i " + ntuple + " -c " + (d / "card.toml").string() + " -o " + (d / "ac").string()), 0);
  EXPECT_EQ(parse("ac.json")["selected"]["pinunu"]["events"].get<std::uint64_t>(), n18);
  write(d / "p25.toml", "[pnn]\nbase = \"2018\"\np_max_GeV = 25\n");
  ASSERT_EQ(run("analyse -q -i " + ntuple + " -c " + (d / "p25.toml").string() + " -o " + (d / "a25").string()), 0);
  const auto a25 = parse("a25.json");
  EXPECT_LT(a25["selected"]["pinunu"]["events"].get<std::uint64_t>(), n16);
  for (const auto& c : a25["candidates"]) EXPECT_LE(c["p_GeV"].get<double>(), 25.0);
  write(d / "bad.toml", "[pnn]\np_max_GeV = \"high\"\n");
  EXPECT_EQ(run("analyse -q -i " + ntuple + " -c " + (d / "bad.toml").string() + " -o " + (d / "b").string()), 2);
  write(d / "bad2.toml", "[pnn]\nradius = 3\n");
  EXPECT_EQ(run("analyse -q -i " + ntuple + " -c " + (d / "bad2.toml").string() + " -o " + (d / "b").string()), 2);
  write(d / "bad3.toml", "[pnn]\np_min_GeV = 40\np_max_GeV = 30\n");
  EXPECT_EQ(run("analyse -q -i " + ntuple + " -c " + (d / "bad3.toml").string() + " -o " + (d / "b").string()), 2);
  EXPECT_FALSE(fs::exists(d / "b.json"));
  // bad input: a missing file (exit 2) and a file that is not a reco ntuple (error, nothing written)
  EXPECT_EQ(run("analyse -q -i " + (d / "missing.h5").string() + " -o " + (d / "m").string()), 2);
  EXPECT_NE(run("analyse -q -i " + (d / "sim.toml").string() + " -o " + (d / "t").string()), 0);
  EXPECT_FALSE(fs::exists(d / "t.json"));
  fs::remove_all(d);
}

TEST(Cli, ShardsOfARunConcatenateAndMergeToTheSingleJob) {
  // batch arrays: --shard K/N runs part K of N of the card's events; event i's random numbers
  // depend only on (seed, stream, i), so the parts of one run, concatenated, are the single
  // job, column by column; `kaonlab analyse` takes the parts as one sample and refuses inputs
  // that are not parts of one run
  const fs::path d = scratch("shard");
  write(d / "run.toml", "[run]\nseed = 11\nevents = 5000\n[generate]\nmodes = [\"pinunu\", \"k2pi\"]\nselection = \"uniform\"\n"
                       "[output]\nhepmc3 = false\n");
  const std::string card = " --card " + (d / "run.toml").string();
  ASSERT_EQ(run("simulate -q" + card + " -o " + (d / "full").string()), 0);
  for (int k = 0; k < 3; ++k)
    ASSERT_EQ(run("simulate -q" + card + " --shard " + std::to_string(k) + "/3 -o " + (d / "part").string()), 0);
  auto shard = [&](int k, const char* ext) { return d / ("part.shard-" + std::to_string(k) + "-of-3" + ext); };
  // --shard auto under an MPI launcher (OpenMPI's variables): the same part as --shard 1/3
  ::setenv("OMPI_COMM_WORLD_RANK", "1", 1);
  ::setenv("OMPI_COMM_WORLD_SIZE", "3", 1);
  ASSERT_EQ(run("simulate -q" + card + " --shard auto -o " + (d / "mpi").string()), 0);
  ::unsetenv("OMPI_COMM_WORLD_RANK");
  ::unsetenv("OMPI_COMM_WORLD_SIZE");
  EXPECT_TRUE(slurp(d / "mpi.shard-1-of-3.reco.h5") == slurp(shard(1, ".reco.h5")));
  // 5000 = 1666 + 1667 + 1667 events: floor(K E / N) boundaries
  EXPECT_EQ(nlohmann::json::parse(slurp(shard(0, ".json")))["events"].get<std::uint64_t>(), 1666u);
  EXPECT_EQ(nlohmann::json::parse(slurp(shard(2, ".json")))["first_event"].get<std::uint64_t>(), 3333u);
  // every table of the truth and reco ntuples (first_track / first_particle: the row in the
  // file's own /tracks, /particles)
  int compared = 0;
  for (const auto& [ext, group] : {std::pair{".h5", "events"}, {".h5", "particles"}, {".reco.h5", "events"},
                                   {".reco.h5", "tracks"}}) {
    const kaonlab::io::H5InputFile fullFile(d / (std::string("full") + ext));
    ASSERT_TRUE(fullFile.exists(group)) << ext << " /" << group;
    ++compared;
    const auto full = fullFile.table(group);
    std::vector<kaonlab::io::ColumnTableData> parts;
    for (int k = 0; k < 3; ++k) parts.push_back(kaonlab::io::H5InputFile(shard(k, ext)).table(group));
    if (std::string(group) == "events") {
      ASSERT_EQ(full.rows(), 5000u);
    }
    ASSERT_EQ(parts[0].rows() + parts[1].rows() + parts[2].rows(), full.rows()) << ext << group;
    for (const auto& name : full.names()) {
      if (name == "first_track" || name == "first_particle") continue;
      std::vector<double> joined;
      for (const auto& p : parts) {
        const auto v = p.asDouble(name);
        joined.insert(joined.end(), v.begin(), v.end());
      }
      EXPECT_TRUE(joined == full.asDouble(name)) << ext << " /" << group << " column " << name;
    }
  }
  EXPECT_EQ(compared, 4);
  const std::string parts = shard(0, ".reco.h5").string() + " " + shard(1, ".reco.h5").string() + " " +
                            shard(2, ".reco.h5").string();
  ASSERT_EQ(run("analyse -q -i " + (d / "full.reco.h5").string() + " -o " + (d / "afull").string()), 0);
  ASSERT_EQ(run("analyse -q -i " + parts + " -o " + (d / "aparts").string()), 0);
  const auto jf = nlohmann::json::parse(slurp(d / "afull.json")), jp = nlohmann::json::parse(slurp(d / "aparts.json"));
  EXPECT_GT(jf["cut_flow"].back()["events"].get<std::uint64_t>(), 0u);  // some pi nu nu events selected
  EXPECT_EQ(jf["cut_flow"], jp["cut_flow"]);
  EXPECT_EQ(jf["selected"], jp["selected"]);
  EXPECT_EQ(jp["inputs"].size(), 3u);
  // not parts of one run: the same part twice, another seed; a bad or empty --shard; --shard
  // with a HepMC3 input (exit 2, nothing written)
  EXPECT_EQ(run("analyse -q -i " + shard(0, ".reco.h5").string() + " " + shard(0, ".reco.h5").string() + " -o " +
                (d / "twice").string()),
            2);
  ASSERT_EQ(run("simulate -q" + card + " -n 100 -s 12 -o " + (d / "other").string()), 0);
  EXPECT_EQ(run("analyse -q -i " + shard(0, ".reco.h5").string() + " " + (d / "other.reco.h5").string() + " -o " +
                (d / "mixed").string()),
            2);
  // kaonlab merge: the parts, in any order, joined into the single job's file, byte for byte
  // (same rows, columns, attributes; first_track / first_particle re-counted)
  ASSERT_EQ(run("merge -q -o " + (d / "merged.reco.h5").string() + " " + shard(2, ".reco.h5").string() + " " +
                shard(0, ".reco.h5").string() + " " + shard(1, ".reco.h5").string()),
            0);
  ASSERT_EQ(run("merge -q -o " + (d / "merged.h5").string() + " " + shard(1, ".h5").string() + " " +
                shard(0, ".h5").string() + " " + shard(2, ".h5").string()),
            0);
  EXPECT_TRUE(slurp(d / "merged.reco.h5") == slurp(d / "full.reco.h5"));
  EXPECT_TRUE(slurp(d / "merged.h5") == slurp(d / "full.h5"));
  // merge refuses: a truth and a reco ntuple, a part twice, another run, a file that is not a
  // kaonlab ntuple, the output among the inputs
  EXPECT_EQ(run("merge -q -o " + (d / "m1.h5").string() + " " + shard(0, ".h5").string() + " " + shard(1, ".reco.h5").string()), 2);
  EXPECT_EQ(run("merge -q -o " + (d / "m2.h5").string() + " " + shard(0, ".h5").string() + " " + shard(0, ".h5").string()), 2);
  EXPECT_EQ(run("merge -q -o " + (d / "m3.h5").string() + " " + shard(0, ".reco.h5").string() + " " +
                (d / "other.reco.h5").string()),
            2);
  EXPECT_EQ(run("merge -q -o " + (d / "m4.h5").string() + " " + shard(0, ".json").string()), 2);
  EXPECT_EQ(run("merge -q -o " + shard(0, ".h5").string() + " " + shard(0, ".h5").string() + " " + shard(1, ".h5").string()), 2);
  for (const char* f : {"m1.h5", "m2.h5", "m3.h5", "m4.h5"}) EXPECT_FALSE(fs::exists(d / f)) << f;
  EXPECT_EQ(run("simulate -q" + card + " --shard 3/3 -o " + (d / "bad").string()), 2);
  EXPECT_EQ(run("simulate -q -n 2 --shard 0/3 -o " + (d / "bad").string()), 2);
  EXPECT_EQ(run("simulate -q --shard 1/2 -i " + shard(0, ".h5").string() + " -o " + (d / "bad").string()), 2);
  EXPECT_EQ(run("simulate -q --shard 0/2 -i " + shard(0, ".h5").string() + " -o " + (d / "bad").string()), 2);
  for (const char* f : {"twice.json", "twice.h5", "mixed.json", "mixed.h5", "bad.reco.h5", "bad.shard-1-of-2.reco.h5",
                        "bad.shard-0-of-2.reco.h5"})
    EXPECT_FALSE(fs::exists(d / f)) << f;
  fs::remove_all(d);
}

TEST(Cli, SimulateHistogramsAgreeWithTheNtupleAndPeakAtThePi0Mass) {
  // [output] histograms = true: PREFIX.hist.h5 (Boost.Histogram, weighted) — the m2miss sums
  // equal the reco ntuple's weight sum over events with a K+-matched track; K+ -> pi+ pi0
  // peaks in the bin of m_pi0^2 = 0.01822 GeV^2; every table has its flow bins; the file is
  // the same for 1 and 2 threads
  const fs::path d = scratch("hist");
  write(d / "r.toml", "[run]\nseed = 3\nevents = 20000\n[generate]\nmodes = [\"k2pi\", \"kmu2\"]\n"
                      "[output]\nhepmc3 = false\nhdf5 = false\nhistograms = true\n");
  const std::string card = " --card " + (d / "r.toml").string();
  ASSERT_EQ(run("simulate -q -j 1" + card + " -o " + (d / "a").string()), 0);
  ASSERT_EQ(run("simulate -q -j 2" + card + " -o " + (d / "b").string()), 0);
  EXPECT_TRUE(slurp(d / "a.hist.h5") == slurp(d / "b.hist.h5"));
  EXPECT_NE(slurp(d / "a.json").find("a.hist.h5"), std::string::npos);
  const kaonlab::io::H5InputFile h(d / "a.hist.h5");
  EXPECT_EQ(h.attributes().at("format"), "kaonlab-histograms");
  EXPECT_EQ(h.attributes().at("events"), "20000");
  const auto index = nlohmann::json::parse(h.attributes().at("histograms"));
  const auto ev = kaonlab::io::H5InputFile(d / "a.reco.h5").table("events");
  const auto w = ev.asDouble("weight"), best = ev.asDouble("best");
  double all = 0, matched = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    all += w[i];
    if (best[i] >= 0) matched += w[i];
  }
  ASSERT_GT(matched, 0.0);
  auto sum = [&](const std::string& name) {
    const auto t = h.table(name);
    double s = 0;
    for (double x : t.asDouble("sum_w")) s += x;
    return s;
  };
  EXPECT_NEAR(sum("n_tracks"), all, 1e-9 * all);
  for (const char* name : {"m2miss", "m2miss_vs_p", "track_p", "vertex_z", "cda", "dt_gtk"})
    EXPECT_NEAR(sum(name), matched, 1e-9 * matched) << name;
  EXPECT_NEAR(sum("m2miss_mode_k2pi") + sum("m2miss_mode_kmu2"), matched, 1e-9 * matched);
  const auto k2pi = h.table("m2miss_mode_k2pi");
  ASSERT_EQ(k2pi.rows(), 302u);  // 300 bins + underflow + overflow
  const auto lo = k2pi.asDouble("m2miss_low"), hi = k2pi.asDouble("m2miss_high"), s = k2pi.asDouble("sum_w");
  EXPECT_TRUE(std::isinf(lo.front()) && lo.front() < 0);
  EXPECT_TRUE(std::isinf(hi.back()) && hi.back() > 0);
  const auto peak = static_cast<std::size_t>(std::max_element(s.begin() + 1, s.end() - 1) - s.begin());
  EXPECT_LE(lo[peak], 0.01822);
  EXPECT_GT(hi[peak], 0.01822);
  // the index attribute lists every table written
  for (const auto& e : index) EXPECT_TRUE(h.exists(e["name"].get<std::string>())) << e["name"];
  EXPECT_GE(index.size(), 11u);  // 9 fixed + one per mode
  // two parts of the run, merged: every bin equals the single job's up to rounding
  for (int k = 0; k < 2; ++k)
    ASSERT_EQ(run("simulate -q" + card + " --shard " + std::to_string(k) + "/2 -o " + (d / "p").string()), 0);
  ASSERT_EQ(run("merge -q -o " + (d / "m.hist.h5").string() + " " + (d / "p.shard-1-of-2.hist.h5").string() + " " +
                (d / "p.shard-0-of-2.hist.h5").string()),
            0);
  const auto merged = kaonlab::io::readHistogramFile(d / "m.hist.h5"), single = kaonlab::io::readHistogramFile(d / "a.hist.h5");
  EXPECT_EQ(merged.events, 20000u);
  EXPECT_EQ(merged.attributes.at("first_event"), "0");
  EXPECT_EQ(merged.attributes.at("run_card"), single.attributes.at("run_card"));
  ASSERT_EQ(merged.histograms.size(), single.histograms.size());
  for (const auto& hs : single.histograms) {
    const auto* hm = merged.find(hs.name);
    ASSERT_NE(hm, nullptr) << hs.name;
    ASSERT_EQ(hm->sumW.size(), hs.sumW.size());
    for (std::size_t c = 0; c < hs.sumW.size(); ++c) {
      EXPECT_NEAR(hm->sumW[c], hs.sumW[c], 1e-12 * std::abs(hs.sumW[c])) << hs.name << " cell " << c;
      EXPECT_NEAR(hm->sumW2[c], hs.sumW2[c], 1e-12 * std::abs(hs.sumW2[c])) << hs.name << " cell " << c;
    }
  }
  // scripts/plot_histograms.py (matplotlib, h5py): a PNG and an SVG per histogram
  const char* src = std::getenv("KAONLAB_SOURCE_DIR");
  const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  if (src && std::system((python + " -c 'import matplotlib, h5py' > /dev/null 2>&1").c_str()) == 0) {
    const std::string cmd = python + " " + (fs::path(src) / "scripts" / "plot_histograms.py").string() + " " +
                            (d / "a.hist.h5").string() + " " + (d / "plots").string() + " > /dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    for (const auto& e : index)
      for (const char* ext : {".png", ".svg"})
        EXPECT_TRUE(fs::exists(d / "plots" / (e["name"].get<std::string>() + ext))) << e["name"] << ext;
    EXPECT_NE(std::system((python + " " + (fs::path(src) / "scripts" / "plot_histograms.py").string() + " " +
                           (d / "a.reco.h5").string() + " " + (d / "plots2").string() + " 2> /dev/null")
                              .c_str()),
              0);  // not a histogram file
  }
  // the same part twice is refused
  EXPECT_EQ(run("merge -q -o " + (d / "x.hist.h5").string() + " " + (d / "p.shard-0-of-2.hist.h5").string() + " " +
                (d / "p.shard-0-of-2.hist.h5").string()),
            2);
  fs::remove_all(d);
}
