#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "IoTestSupport.hpp"
#include "kaonlab/io/AtomicFile.hpp"

using namespace kaonlab;
using kaonlab::iotest::ScratchDir;

namespace {
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST(AtomicFile, TempIsInSameDirectoryAndCommitRenames) {
  ScratchDir dir;
  const auto target = dir / "out.json";
  {
    io::AtomicFile f(target);
    EXPECT_EQ(f.tempPath().parent_path(), target.parent_path());
    EXPECT_NE(f.tempPath(), target);
    std::ofstream(f.tempPath()) << "hello";
    EXPECT_FALSE(std::filesystem::exists(target));
    f.commit();
    EXPECT_TRUE(f.committed());
  }
  EXPECT_EQ(slurp(target), "hello");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.json"});
}

TEST(AtomicFile, DestructorWithoutCommitRemovesTemporary) {
  ScratchDir dir;
  {
    io::AtomicFile f(dir / "out.txt");
    std::ofstream(f.tempPath()) << "partial";
    EXPECT_TRUE(std::filesystem::exists(f.tempPath()));
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicFile, CommitReplacesExistingFileWhole) {
  ScratchDir dir;
  const auto target = dir / "summary.json";
  io::writeFileAtomically(target, "{\"old\": 1}");
  io::writeFileAtomically(target, "{\"new\": 2}");
  EXPECT_EQ(slurp(target), "{\"new\": 2}");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"summary.json"});
}

TEST(AtomicFile, MissingDirectoryErrorNamesThePath) {
  ScratchDir dir;
  const auto target = dir / "no-such-dir" / "x.json";
  try {
    io::writeFileAtomically(target, "{}");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicFile, CommitWithoutTemporaryThrows) {
  ScratchDir dir;
  io::AtomicFile f(dir / "never-written.txt");
  EXPECT_THROW(f.commit(), std::runtime_error);
  EXPECT_TRUE(dir.entries().empty());
}
