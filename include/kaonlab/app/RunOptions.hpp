#pragma once
// Command-line options shared by the commands that run events (generate, simulate):
// the run card and the overrides of its [run]/[output] keys.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "kaonlab/app/Card.hpp"

namespace kaonlab::app {

/// Part `index` of `count` (the --shard K/N option).
struct Shard {
  std::uint64_t index = 0, count = 1;
};
/// Parses "K/N" (0 <= K < N); ConfigError naming the option otherwise.
Shard parseShard(const std::string& text);

struct RunOptions {
  std::string card;
  std::optional<std::uint64_t> events, seed, firstEvent;
  std::string shard;  ///< "K/N": this job runs part K (0 ... N-1) of N of the card's event range
  std::optional<int> threads;
  std::string output;
  bool quiet = false;

  /// Register --card, --events, --seed, --threads, --output, --quiet, --first-event, --shard on `sub`.
  void addTo(CLI::App* sub);
  /// The card (defaults when no --card) with the overrides applied; ConfigError on bad values.
  RunCard load() const;
};

}  // namespace kaonlab::app
