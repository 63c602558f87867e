#pragma once
// A progress bar on stderr, shown only when stderr is a terminal (not in CI or pipes).
#include <chrono>
#include <cstdint>
#include <string>

namespace kaonlab::app {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::uint64_t total, bool enabled);
  ~ProgressBar();
  void update(std::uint64_t done);
  void finish();
  /// Whether stderr is an interactive terminal.
  static bool stderrIsTerminal();

 private:
  std::string label_;
  std::uint64_t total_;
  bool enabled_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace kaonlab::app
