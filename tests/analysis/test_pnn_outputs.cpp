// The runner end to end at tiny statistics: report rows, JSON, plot data and the plot script.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "kaonlab/analysis/PnnAnalysis.hpp"

using namespace kaonlab::analysis;
namespace fs = std::filesystem;

namespace {
const PnnResults& tinyRun() {
  static const PnnResults r = [] {
    PnnAnalysisConfig c;
    c.seed = 99;
    c.modes = {{"pinunu", 10000}, {"k2pi", 10000}, {"kmu2", 10000}};
    return runPnnAnalysis(c);
  }();
  return r;
}
}  // namespace

TEST(PnnOutputs, RowsJsonAndNumbers) {
  const PnnResults& r = tinyRun();
  ASSERT_EQ(r.years.size(), 3u);
  EXPECT_GT(r.acceptance2018.value, r.acceptance1617.value);
  EXPECT_GT(r.randomVetoEfficiency.value, 0.6);
  EXPECT_LT(r.randomVetoEfficiency.value, 0.95);
  // SES and expected signal are consistent: N_s = BR_SM / SES per year
  for (const auto& y : r.years) EXPECT_NEAR(y.signal.value * y.ses.value, 8.4e-11, 1e-14) << y.name;
  // 2016 uses the published N_K; the others are derived
  EXPECT_FALSE(r.years[0].nKDerived);
  EXPECT_TRUE(r.years[2].nKDerived);
  const auto rows = pnnReportRows(r);
  EXPECT_GT(rows.size(), 20u);
  // a group whose published value is an upper limit ("< 0.01", "< 0.001" in the talk) gives
  // rows flagged as such (compared as a limit in the report); the other groups' rows are not
  int limitRows = 0, valueRows = 0;
  for (const auto& g : r.groups)
    for (const auto& row : rows)
      if (row.quantity == g.name) {
        EXPECT_EQ(row.isUpperLimit(), g.publishedIsUpperLimit) << g.name;
        (g.publishedIsUpperLimit ? limitRows : valueRows)++;
      }
  EXPECT_GE(limitRows, 2);  // K+ -> pi+ gamma gamma and K+ -> pi0 l+ nu
  EXPECT_GE(valueRows, 4);
  // the reference figures from memory ("~", no uncertainty) are compared as ratios
  int approximate = 0;
  for (const auto& row : rows)
    if (row.isApproximate()) {
      ++approximate;
      EXPECT_EQ(row.publishedError, 0.0) << row.quantity;
      EXPECT_DOUBLE_EQ(row.pull(), 0.0) << row.quantity;
    }
  EXPECT_GE(approximate, 3);  // acceptance 2018 and 2016-17, eps_RV (the mode checks need their modes)
  // NA62's factorised procedure: rows for the groups whose own-region mode was simulated
  // (k2pi, kmu2 here), none for K3pi (not in this run)
  int factorisedRows = 0;
  for (const auto& row : rows)
    if (row.quantity.find("NA62 procedure") != std::string::npos) {
      ++factorisedRows;
      EXPECT_EQ(row.quantity.find("pi+ pi+ pi-"), std::string::npos) << row.quantity;
    }
  EXPECT_EQ(factorisedRows, 4);  // two groups x (one bin, 5 GeV/c bins)
  const std::string j = pnnResultsJson(r);
  EXPECT_NE(j.find("\"backgrounds_2018_factorised\""), std::string::npos);
  EXPECT_NE(j.find("\"cut_flow\""), std::string::npos);
  EXPECT_NE(j.find("\"years\""), std::string::npos);
}

TEST(PnnOutputs, PlotScriptWritesPngAndSvg) {
  // per process: parallel test runs (other checkouts, ctest -j) must not share the folder
  const fs::path dir = fs::temp_directory_path() / ("kaonlab_test_pnn_plots_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path data = writePnnPlotData(tinyRun(), dir);
  ASSERT_TRUE(fs::exists(data));
  const char* src = std::getenv("KAONLAB_SOURCE_DIR");
  if (!src) GTEST_SKIP() << "KAONLAB_SOURCE_DIR not set (run through ctest)";
  const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  if (std::system((python + " -c 'import matplotlib' > /dev/null 2>&1").c_str()) != 0)
    GTEST_SKIP() << python << " has no matplotlib";
  const std::string cmd = python + " " + (fs::path(src) / "scripts" / "plot_pnn.py").string() + " " + dir.string() +
                          " > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (const char* f : {"pnn_plane_pinunu.png", "pnn_plane_k2pi.svg", "pnn_m2miss_modes.png",
                        "pnn_m2miss_selected.svg", "pnn_background_table.png",
                        "pnn_background_vs_p.png"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  fs::remove_all(dir);
}
