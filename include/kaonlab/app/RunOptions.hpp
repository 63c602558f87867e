#pragma once
// Command-line options shared by the commands that run events (generate, simulate):
// the run card and the overrides of its [run]/[output] keys.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "kaonlab/app/Card.hpp"

namespace kaonlab::app {

struct RunOptions {
  std::string card;
  std::optional<std::uint64_t> events, seed;
  std::optional<int> threads;
  std::string output;
  bool quiet = false;

  /// Register --card, --events, --seed, --threads, --output, --quiet on `sub`.
  void addTo(CLI::App* sub);
  /// The card (defaults when no --card) with the overrides applied; ConfigError on bad values.
  RunCard load() const;
};

}  // namespace kaonlab::app
