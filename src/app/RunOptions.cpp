#include "kaonlab/app/RunOptions.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <optional>

#include "kaonlab/core/Error.hpp"

namespace kaonlab::app {

Shard shardFromEnvironment(const std::function<const char*(const char*)>& getenvFn) {
  auto get = [&](const char* name) -> const char* { return getenvFn ? getenvFn(name) : std::getenv(name); };
  auto number = [&](const char* name) -> std::optional<std::uint64_t> {
    const char* v = get(name);
    if (!v) return std::nullopt;
    const std::string s(v);
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
      throw ConfigError(fmt::format("--shard auto: environment variable {}='{}' is not a non-negative integer", name, s));
    return std::stoull(s);
  };
  auto part = [&](const char* rankName, const char* sizeName, std::uint64_t offset = 0) -> std::optional<Shard> {
    const auto rank = number(rankName), size = number(sizeName);
    if (!rank || !size) return std::nullopt;
    if (*rank < offset || *size == 0 || *rank - offset >= *size)
      throw ConfigError(fmt::format("--shard auto: {}={} is not a part of {}={}", rankName, *rank, sizeName, *size));
    return Shard{*rank - offset, *size};
  };
  if (auto s = part("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE")) return *s;
  if (auto s = part("PMI_RANK", "PMI_SIZE")) return *s;
  if (get("SLURM_ARRAY_TASK_ID"))
    if (auto s = part("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", number("SLURM_ARRAY_TASK_MIN").value_or(0)))
      return *s;
  if (auto s = part("SLURM_PROCID", "SLURM_NTASKS")) return *s;
  throw ConfigError(
      "--shard auto: no MPI or batch-array environment (OMPI_COMM_WORLD_RANK/SIZE, PMI_RANK/SIZE, "
      "SLURM_ARRAY_TASK_ID/COUNT or SLURM_PROCID/NTASKS); give --shard K/N");
}

Shard parseShard(const std::string& text) {
  auto bounded = [&](Shard s) {
    if (s.count > kMaxShards) throw ConfigError(fmt::format("--shard '{}': at most {} parts", text, kMaxShards));
    return s;
  };
  if (text == "auto") return bounded(shardFromEnvironment());
  const auto bad = [&] {
    return ConfigError(fmt::format("--shard '{}': expected K/N with integers 0 <= K < N (for example 3/10)", text));
  };
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) throw bad();
  auto number = [&](const std::string& s) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) throw bad();
    return static_cast<std::uint64_t>(std::stoull(s));
  };
  const Shard s{number(text.substr(0, slash)), number(text.substr(slash + 1))};
  if (s.count == 0 || s.index >= s.count) throw bad();
  return bounded(s);
}

void RunOptions::addTo(CLI::App* sub) {
  sub->add_option("--card,-c", card, "TOML run card (see kaonlab generate --print-card)");
  sub->add_option("--events,-n", events, "override run.events");
  sub->add_option("--seed,-s", seed, "override run.seed");
  sub->add_option("--threads,-j", threads, "override run.threads (0 = all cores)");
  sub->add_option("--output,-o", output, "override output.prefix");
  sub->add_flag("--quiet,-q", quiet, "no progress bar or summary");
  sub->add_option("--first-event", firstEvent, "override run.first_event (index of this job's first event)");
  sub->add_option("--shard", shard,
                  "K/N or auto (the MPI rank / batch-array task from the environment): run part K (0 ... N-1) of N equal parts of the events first_event ... first_event + "
                  "events - 1 and append .shard-K-of-N to the output prefix (batch arrays: the parts of one "
                  "run together are the single-job run, event by event)");
}

RunCard RunOptions::load() const {
  RunCard c = card.empty() ? parseRunCard("", "<defaults>") : readRunCard(card);
  if (events) {
    if (*events == 0) throw ConfigError("--events must be >= 1");
    c.events = *events;
  }
  if (seed) c.generator.seed = *seed;
  if (threads) {
    if (*threads < 0) throw ConfigError("--threads must be >= 0");
    c.threads = *threads;
  }
  if (!output.empty()) c.output.prefix = output;
  if (firstEvent) {
    if (*firstEvent > static_cast<std::uint64_t>(INT64_MAX) - c.events)
      throw ConfigError("--first-event: first_event + events must be at most 2^63 - 1");
    c.firstEvent = *firstEvent;
  }
  if (!shard.empty()) {
    const Shard s = parseShard(shard);
    if (s.count > c.events)
      throw ConfigError(fmt::format("--shard {}: {} parts of {} events leave a part empty", shard, s.count, c.events));
    // part K: [floor(K E / N), floor((K + 1) E / N)) of the range, exactly in 64 bits:
    // K E / N = K q + K r / N with E = q N + r, and K r < N^2 <= 2^64 (N <= 2^32, parseShard)
    const std::uint64_t q = c.events / s.count, r = c.events % s.count;
    auto edge = [&](std::uint64_t k) { return k * q + k * r / s.count; };
    const std::uint64_t lo = edge(s.index), hi = edge(s.index + 1);
    c.firstEvent += lo;
    c.events = hi - lo;
    c.output.prefix += fmt::format(".shard-{}-of-{}", s.index, s.count);
  }
  return c;
}

}  // namespace kaonlab::app
