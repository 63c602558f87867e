// Manual: the whole pi nu nu analysis at a chosen statistics, printed.
//   KAONLAB_PNN_EVENTS=8000000 test_analysis --gtest_also_run_disabled_tests --gtest_filter='*FullRun*'
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kaonlab/analysis/PnnAnalysis.hpp"

using namespace kaonlab::analysis;

TEST(PnnAnalysisManual, DISABLED_FullRunPrintsReport) {
  PnnAnalysisConfig cfg = PnnAnalysisConfig::quick();
  if (const char* e = std::getenv("KAONLAB_PNN_EVENTS")) cfg.modes = PnnAnalysisConfig::defaultModes(std::stoull(e));
  if (const char* e = std::getenv("KAONLAB_PNN_CHECK")) cfg.checkEvents = std::stoull(e);
  const PnnResults r = runPnnAnalysis(cfg);
  for (const auto& row : pnnReportRows(r))
    std::printf("%-95s pub %-10.4g kaonlab %-10.4g +- %-9.3g | %s\n", row.quantity.c_str(), row.published, row.kaonlab,
                row.kaonlabError, row.source.c_str());
  for (const auto& m : r.modes) {
    std::printf("%s:", m.key.c_str());
    for (int k = 0; k <= kPnnCutCount; ++k) std::printf(" %.0f", m.cutflow.events[static_cast<std::size_t>(k)]);
    std::printf("\n");
  }
  std::printf("wall %.1f s\n", r.wallSeconds);
  if (const char* d = std::getenv("KAONLAB_PNN_OUT")) writePnnPlotData(r, d);
}
