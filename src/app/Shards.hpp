#pragma once
// The parts (shards) of one run, as `kaonlab analyse` and `kaonlab merge` take them: files
// written by `kaonlab generate|simulate --shard K/N` (or --first-event) from one run card.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kaonlab::app {

/// Checks that files are parts of one run: the same decay modes and, where the files record
/// them, the same seed and run card; their event indices must not overlap (the same event
/// twice, or two runs sharing random numbers). Throws ConfigError naming the file otherwise.
class ShardCheck {
 public:
  /// `indices`: the file's event index column (any order).
  void add(const std::string& file, const std::vector<std::string>& modeNames,
           const std::map<std::string, std::string>& attributes, const std::vector<std::uint64_t>& indices);
  /// Smallest event index of every file added (files without events: none).
  std::optional<std::uint64_t> firstIndex() const;

 private:
  struct Ref {
    std::string file;
    std::vector<std::string> modes;
    std::string seed, card;
  };
  struct Range {
    std::string file;
    std::uint64_t lo, hi;
  };
  std::optional<Ref> first_;
  std::vector<Range> ranges_;
};

}  // namespace kaonlab::app
