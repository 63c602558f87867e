// End-to-end: the kaonlab executable's exit codes, outputs and determinism.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
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
