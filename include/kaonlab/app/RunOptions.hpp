#pragma once
// Command-line options shared by the commands that run events (generate, simulate):
// the run card and the overrides of its [run]/[output] keys.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "kaonlab/app/Card.hpp"

namespace kaonlab::app {

/// Part `index` of `count` (the --shard K/N option).
struct Shard {
  std::uint64_t index = 0, count = 1;
};
/// Most parts of a run: 2^32 (the part boundaries are computed exactly in 64 bits).
inline constexpr std::uint64_t kMaxShards = std::uint64_t{1} << 32;
/// Parses "K/N" (0 <= K < N <= kMaxShards), or "auto": the rank and size of an MPI or batch-array job from
/// the environment (see shardFromEnvironment); ConfigError naming the option otherwise.
Shard parseShard(const std::string& text);
/// The part of this process in a parallel job, from the variables the launchers set, first
/// found wins: OpenMPI (OMPI_COMM_WORLD_RANK / _SIZE), MPICH and Intel MPI (PMI_RANK /
/// PMI_SIZE), a SLURM job array (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
/// SLURM_ARRAY_TASK_COUNT), SLURM tasks (SLURM_PROCID / SLURM_NTASKS). `getenv` is the lookup
/// (std::getenv by default). ConfigError when none is set or a value is not a valid part.
Shard shardFromEnvironment(const std::function<const char*(const char*)>& getenv = {});

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
