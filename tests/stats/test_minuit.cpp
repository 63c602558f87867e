// Cross-check of BinnedFit against Minuit2 (iminuit) on the same histogram and likelihood.
// Skipped when no python3 with iminuit is available (Debian: python3-iminuit). The
// interpreter is taken from $KAONLAB_PYTHON, else python3, else /usr/bin/python3.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "kaonlab/core/Random.hpp"
#include "kaonlab/stats/Fit.hpp"

using namespace kaonlab;
using namespace kaonlab::stats;

namespace {

std::string findPython() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("KAONLAB_PYTHON")) candidates.emplace_back(env);
  candidates.emplace_back("python3");
  candidates.emplace_back("/usr/bin/python3");
  for (const auto& py : candidates) {
    const std::string cmd = py + " -c \"import iminuit\" > /dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return py;
  }
  return {};
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  pclose(pipe);
  return out;
}

struct MinuitParam {
  double value, error, minosLower, minosUpper;
};

double binModel(double lo, double hi, std::span<const double> p) {
  auto in = [&](double a, double b) { return (b - a) + p[1] * (b * b - a * a) / 2 + p[2] * (b * b * b - a * a * a) / 3; };
  return p[0] * in(lo, hi) / in(-1.0, 1.0);
}

}  // namespace

TEST(FitMinuit, BinnedFitAgreesWithMinuit2) {
  const std::string python = findPython();
  if (python.empty()) GTEST_SKIP() << "python3 with iminuit not available (Debian package python3-iminuit)";

  // 5000 events of 1 + 0.3 x + 0.5 x^2 on [-1, 1], 30 bins
  RandomStream rng(99, streamId("test.stats.minuit"), 0);
  std::vector<double> edges, counts(30, 0.0);
  for (int i = 0; i <= 30; ++i) edges.push_back(-1.0 + 2.0 * i / 30);
  for (int n = 0; n < 5000;) {
    const double u = rng.uniform(-1.0, 1.0);
    if (rng.uniform() * 1.8 < 1 + 0.3 * u + 0.5 * u * u) {
      counts[std::min(29, static_cast<int>((u + 1.0) * 15.0))] += 1;
      ++n;
    }
  }
  BinnedFit fit(edges, counts, binModel, {{"N", 1000, 30, 0, 1e7}, {"a", 0, 0.05, -5, 5}, {"b", 0, 0.1, -5, 5}});
  const auto r = fit.fit();
  ASSERT_TRUE(r.valid()) << r.message;

  const auto file = std::filesystem::temp_directory_path() /
                    ("kaonlab_minuit_" + std::to_string(static_cast<long>(::getpid())) + ".txt");
  {
    std::ofstream out(file);
    out.precision(17);
    for (std::size_t i = 0; i < counts.size(); ++i) out << edges[i] << " " << edges[i + 1] << " " << counts[i] << "\n";
  }
  const std::string script = std::string(KAONLAB_STATS_TEST_DIR) + "/minuit_compare.py";
  const std::string output = run(python + " " + script + " " + file.string() + " 2>&1");
  std::filesystem::remove(file);

  std::map<std::string, MinuitParam> minuit;
  double fval = NAN;
  int valid = 0;
  std::istringstream in(output);
  std::string name;
  while (in >> name) {
    if (name == "fval") {
      std::string tag;
      in >> fval >> tag >> valid;
    } else {
      MinuitParam p{};
      in >> p.value >> p.error >> p.minosLower >> p.minosUpper;
      minuit[name] = p;
    }
  }
  ASSERT_EQ(minuit.size(), 3u) << "unexpected output from " << script << ":\n" << output;
  ASSERT_EQ(valid, 1) << output;
  EXPECT_NEAR(r.minNll, fval, 1e-5);
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    const auto& m = minuit.at(r.names[i]);
    const double err = r.errors[i];
    EXPECT_NEAR(r.values[i], m.value, 0.01 * err) << r.names[i];
    EXPECT_NEAR(r.errors[i], m.error, 0.01 * m.error) << r.names[i] << " (HESSE)";
    const auto iv = fit.profileInterval(r, i);
    EXPECT_NEAR(iv.lower - r.values[i], m.minosLower, 0.01 * err) << r.names[i] << " (MINOS lower)";
    EXPECT_NEAR(iv.upper - r.values[i], m.minosUpper, 0.01 * err) << r.names[i] << " (MINOS upper)";
    std::printf("  %s: kaonlab %.6g +- %.6g (%+.6g %+.6g) | Minuit2 %.6g +- %.6g (%+.6g %+.6g)\n", r.names[i].c_str(),
                r.values[i], err, iv.lower - r.values[i], iv.upper - r.values[i], m.value, m.error, m.minosLower,
                m.minosUpper);
  }
}
