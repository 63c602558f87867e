// End-to-end checks of `kaonlab stats` (runs the built executable).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace {

struct Run {
  int status = -1;
  std::string out;
};

Run run(const std::string& args) {
  Run r;
  const std::string cmd = std::string(KAONLAB_EXE) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe)) r.out += buf;
  const int st = pclose(pipe);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace

TEST(StatsCommand, UpperLimitPrintsBrAndEvents) {
  const auto r = run("stats ul --observed 1 --background 0.91 --background-error 0.41 --ses 1.28e-11");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("BR < 4.31e-11"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("signal events < 3.366"), std::string::npos) << r.out;
}

TEST(StatsCommand, JsonOutputIsParseable) {
  const auto r = run("stats ul --observed 1 --background 0.91 --ses 1.28e-11 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["upper_limit"]["br"].get<double>(), 4.2336e-11, 1e-14);
  EXPECT_NEAR(j["cl"].get<double>(), 0.9, 1e-12);
  const auto b = nlohmann::json::parse(run("stats br -n 20 -b 7.03 --ses 0.839e-11 --json").out);
  EXPECT_NEAR(b["br"]["value"].get<double>(), 12.97 * 0.839e-11, 1e-16);
  EXPECT_GT(b["significance"]["z_two_sided"].get<double>(), b["significance"]["z_one_sided"].get<double>());
  const auto s = nlohmann::json::parse(run("stats significance -n 20 -b 7.03 --background-error-up 1.05 "
                                           "--background-error-down 0.82 --json").out);
  EXPECT_NEAR(s["z_one_sided"].get<double>(), 3.57, 0.01);
}

TEST(StatsCommand, InvalidInputExitsWithStatus2) {
  for (const char* args : {"stats ul -n -1 -b 0.5 --ses 1e-11", "stats ul -n 1 -b 0.5 --ses 0",
                           "stats ul -n 1 -b 0.5 --ses 1e-11 --cl 1.5", "stats ul -n 1 -b 0.5 --ses 1e-11 --cl 0",
                           "stats br -n 1 -b -0.5 --ses 1e-11", "stats ul -n 1 2 -b 0.5 --ses 1e-11",
                           "stats significance -n 3 -b 0"}) {
    const auto r = run(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("error"), std::string::npos) << args << "\n" << r.out;
  }
}
