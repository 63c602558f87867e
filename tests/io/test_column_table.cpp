#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

#include "IoTestSupport.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/io/ColumnTable.hpp"
#include "kaonlab/io/HistogramTable.hpp"

using namespace kaonlab;
using kaonlab::iotest::ScratchDir;

TEST(ColumnTable, HandlesAcrossSmallBlocksRoundTrip) {
  ScratchDir dir;
  const auto file = dir / "t.h5";
  constexpr std::size_t kRows = 7 * 5 + 3;  // several full blocks of 7 plus a partial one
  {
    io::H5OutputFile f(file, "test-format", "3", "v1", {{"note", "hello"}});
    io::ColumnTable& t = f.table("rows", 7);
    const auto u64 = t.column<std::uint64_t>("u64", "", "row number");
    const auto i64 = t.column<std::int64_t>("i64", "mm", "negative");
    const auto i32 = t.column<std::int32_t>("i32");
    const auto u8 = t.column<std::uint8_t>("u8");
    const auto flag = t.column<bool>("flag", "", "odd rows");
    const auto x = t.column<double>("x", "GeV^2", "a double");
    for (std::size_t r = 0; r < kRows; ++r) {
      t.set(u64, r);
      t.set(i64, -static_cast<std::int64_t>(r) * 1000000000000LL);
      if (r % 3 != 0) t.set(i32, static_cast<std::int32_t>(r));  // unset: 0
      t.set(u8, static_cast<std::uint8_t>(r * 7));
      t.set(flag, r % 2 == 1);
      t.set(x, 0.1 * static_cast<double>(r));
      t.endRow();
    }
    EXPECT_EQ(t.rows(), kRows);
    EXPECT_THROW(t.column<double>("late"), std::logic_error);
    f.close();
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"t.h5"});

  const io::H5InputFile in(file);
  const io::ColumnTableData d = in.table("rows");
  ASSERT_EQ(d.rows(), kRows);
  EXPECT_EQ(d.names(), (std::vector<std::string>{"u64", "i64", "i32", "u8", "flag", "x"}));
  EXPECT_EQ(d.column("i64").unit, "mm");
  EXPECT_EQ(d.column("x").unit, "GeV^2");
  EXPECT_EQ(d.column("flag").description, "odd rows");
  EXPECT_EQ(d.column("flag").type, io::ColumnType::Bool);
  EXPECT_EQ(d.column("u8").type, io::ColumnType::UInt8);
  for (std::size_t r = 0; r < kRows; ++r) {
    EXPECT_EQ(d.get<std::uint64_t>("u64")[r], r);
    EXPECT_EQ(d.get<std::int64_t>("i64")[r], -static_cast<std::int64_t>(r) * 1000000000000LL);
    EXPECT_EQ(d.get<std::int32_t>("i32")[r], r % 3 != 0 ? static_cast<std::int32_t>(r) : 0);
    EXPECT_EQ(d.get<std::uint8_t>("u8")[r], static_cast<std::uint8_t>(r * 7));
    EXPECT_EQ(d.get<bool>("flag")[r], r % 2 == 1);
    EXPECT_EQ(d.get<double>("x")[r], 0.1 * static_cast<double>(r));
  }
  EXPECT_EQ(d.asDouble("flag")[3], 1.0);
  EXPECT_EQ(d.asDouble("i64")[2], -2e12);
  EXPECT_THROW(d.get<double>("u64"), std::runtime_error);
  EXPECT_THROW(d.column("nope"), std::out_of_range);
  const auto attrs = in.attributes();
  EXPECT_EQ(attrs.at("format"), "test-format");
  EXPECT_EQ(attrs.at("format_version"), "3");
  EXPECT_EQ(attrs.at("kaonlab_version"), "v1");
  EXPECT_EQ(attrs.at("units"), "GeV, mm, ns");
  EXPECT_EQ(attrs.at("note"), "hello");
  EXPECT_EQ(in.attributes("rows").at("columns"), "u64,i64,i32,u8,flag,x");
  EXPECT_FALSE(in.exists("nope/deeper"));
  EXPECT_TRUE(in.exists("rows/x"));
}

namespace {
struct Thing {
  std::size_t count = 0;
  double value = 0;
  bool flag = false;
};
template <class Col, class T>
void thingColumns(Col&& col, T& t) {
  col("count", "", "a size_t stored as int32", io::as<std::int32_t>(t.count));
  col("value", "GeV", "a double", t.value);
  col("flag", "", "a bool", t.flag);
}
}  // namespace

TEST(ColumnTable, OneListingDeclaresWritesAndReads) {
  ScratchDir dir;
  const auto file = dir / "t.h5";
  {
    io::H5OutputFile f(file, "x", "1", "v");
    io::ColumnTable& t = f.table("things", 4);
    t.declare([](auto&& col) {
      const Thing t{};
      thingColumns(col, t);
    });
    EXPECT_EQ(t.columns(), 3u);
    for (std::size_t i = 0; i < 10; ++i) {
      const Thing th{i, 1.5 * static_cast<double>(i), i % 3 == 0};
      t.appendRow([&](auto&& col) { thingColumns(col, th); });
    }
    // a listing that does not match the declaration is a logic error
    EXPECT_THROW(t.appendRow([](auto&& col) { col("value", "", "", 1.0); }), std::logic_error);
    f.close();
  }
  const io::ColumnTableData d = io::H5InputFile(file).table("things");
  ASSERT_EQ(d.rows(), 10u);
  EXPECT_EQ(d.column("count").type, io::ColumnType::Int32);
  for (std::size_t i = 0; i < 10; ++i) {
    Thing back;
    d.readRow(i, [&](auto&& col) { thingColumns(col, back); });
    EXPECT_EQ(back.count, i);
    EXPECT_EQ(back.value, 1.5 * static_cast<double>(i));
    EXPECT_EQ(back.flag, i % 3 == 0);
  }
}

TEST(ColumnTable, EmptyTableAndErrors) {
  ScratchDir dir;
  {
    io::H5OutputFile f(dir / "e.h5", "x", "1", "v");
    io::ColumnTable& t = f.table("empty");
    t.column<double>("a");
    EXPECT_THROW(t.column<double>("a"), std::logic_error);      // duplicate
    EXPECT_THROW(t.column<double>("b,c"), std::logic_error);    // would break the "columns" list
    f.close();
    EXPECT_THROW(f.table("late"), std::logic_error);
  }
  const io::ColumnTableData d = io::H5InputFile(dir / "e.h5").table("empty");
  EXPECT_EQ(d.rows(), 0u);
  EXPECT_EQ(d.names(), std::vector<std::string>{"a"});
  EXPECT_THROW(io::H5InputFile(dir / "e.h5").table("missing"), std::runtime_error);
  EXPECT_THROW(io::H5OutputFile(dir / "r.h5", "x", "1", "v", {{"units", "furlongs"}}), ConfigError);
  EXPECT_THROW(io::H5OutputFile(dir / "r.h5", "x", "1", "v", {{"mine", "1"}}, {"mine"}), ConfigError);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"e.h5"});
  try {
    io::H5InputFile in(dir / "nothing.h5");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("nothing.h5"), std::string::npos) << e.what();
  }
}

TEST(HistogramTable, TwoDimensionalCellsRowByRowWithFlowBins) {
  // 2 x 3 regular bins: (2 + 2) x (3 + 2) = 20 rows, x fastest; edges exact, flow bins at
  // -inf / +inf; sums written as given; inconsistent inputs rejected
  ScratchDir dir;
  io::HistogramData h{"h2", "test", {{"x", "mm", 2, 0.0, 1.0}, {"y", "ns", 3, -3.0, 3.0}}, {}, {}};
  ASSERT_EQ(h.cells(), 20u);
  for (std::size_t c = 0; c < h.cells(); ++c) {
    h.sumW.push_back(static_cast<double>(c));
    h.sumW2.push_back(static_cast<double>(c) * 0.5);
  }
  {
    io::H5OutputFile f(dir / "h.h5", "test-hist", "1", "v1");
    io::writeHistogram(f, h);
    io::HistogramData bad = h;
    bad.name = "bad";
    bad.sumW.pop_back();
    EXPECT_THROW(io::writeHistogram(f, bad), std::invalid_argument);
    bad = h;
    bad.name = "bad2";
    bad.axes[0].hi = bad.axes[0].lo;
    EXPECT_THROW(io::writeHistogram(f, bad), std::invalid_argument);
    f.close();
  }
  const auto t = io::H5InputFile(dir / "h.h5").table("h2");
  ASSERT_EQ(t.rows(), 20u);
  const auto xl = t.asDouble("x_low"), xh = t.asDouble("x_high"), yl = t.asDouble("y_low"), yh = t.asDouble("y_high");
  const auto w = t.asDouble("sum_w"), w2 = t.asDouble("sum_w2");
  const double inf = std::numeric_limits<double>::infinity();
  // row 0: both underflows; row 1: x bin [0, 0.5) in the y underflow; row 6: x underflow, y bin [-3, -1)
  EXPECT_EQ(xl[0], -inf);
  EXPECT_EQ(yl[0], -inf);
  EXPECT_EQ(xl[1], 0.0);
  EXPECT_EQ(xh[1], 0.5);
  EXPECT_EQ(xh[2], 1.0);
  EXPECT_EQ(xh[3], inf);
  EXPECT_EQ(yl[6], -3.0);
  EXPECT_EQ(yh[6], -1.0);
  EXPECT_EQ(yh[19], inf);
  for (std::size_t c = 0; c < 20; ++c) {
    EXPECT_EQ(w[c], static_cast<double>(c));
    EXPECT_EQ(w2[c], 0.5 * static_cast<double>(c));
  }
  EXPECT_EQ(t.column("sum_w").description, "sum of event weights: test");
  EXPECT_EQ(t.column("x_low").unit, "mm");
}

// Cross-check with h5py (and pandas when present), as for the ntuples.
TEST(HistogramTable, ReadableWithH5py) {
  const std::string python = iotest::pythonWithH5py();
  if (python.empty()) GTEST_SKIP() << "no python3 with h5py";
  ScratchDir dir;
  io::HistogramFile f;
  f.histograms.push_back({"h1", "a test histogram", {{"x", "GeV", 4, 0.0, 2.0}}, {}, {}});
  for (int c = 0; c < 6; ++c) {
    f.histograms[0].sumW.push_back(c);
    f.histograms[0].sumW2.push_back(2.0 * c);
  }
  f.modeNames = {"k2pi", "kmu2"};
  f.events = 10;
  f.attributes = {{"seed", "7"}};
  io::writeHistogramFile(dir / "h.h5", "v1", f);
  // and back in C++
  const io::HistogramFile r = io::readHistogramFile(dir / "h.h5");
  ASSERT_NE(r.find("h1"), nullptr);
  EXPECT_EQ(r.find("h1")->sumW, f.histograms[0].sumW);
  EXPECT_EQ(r.events, 10u);
  EXPECT_EQ(r.attributes, f.attributes);
  EXPECT_EQ(r.modeNames, f.modeNames);
  const std::string cmd = python + " '" + std::string(KAONLAB_IO_TEST_DIR) + "/read_histograms.py' '" +
                          (dir / "h.h5").string() + "' 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(ColumnTable, ReadsASubsetOfColumns) {
  ScratchDir dir;
  {
    io::H5OutputFile f(dir / "s.h5", "test-format", "1", "v1");
    io::ColumnTable& t = f.table("rows");
    const auto a = t.column<std::uint64_t>("a");
    const auto b = t.column<double>("b");
    const auto c = t.column<std::int32_t>("c");
    for (int r = 0; r < 5; ++r) {
      t.set(a, static_cast<std::uint64_t>(r));
      t.set(b, 0.5 * r);
      t.set(c, -r);
      t.endRow();
    }
    f.close();
  }
  const io::H5InputFile in(dir / "s.h5");
  const auto sub = in.table("rows", {"c", "a"});
  EXPECT_EQ(sub.names(), (std::vector<std::string>{"c", "a"}));
  EXPECT_FALSE(sub.has("b"));
  EXPECT_EQ(sub.rows(), 5u);
  EXPECT_EQ(sub.get<std::uint64_t>("a")[4], 4u);
  EXPECT_EQ(sub.get<std::int32_t>("c")[2], -2);
  EXPECT_THROW(in.table("rows", {"a", "nope"}), std::runtime_error);
}
