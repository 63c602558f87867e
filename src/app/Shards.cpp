#include "Shards.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "kaonlab/core/Error.hpp"

namespace kaonlab::app {

void ShardCheck::add(const std::string& file, const std::vector<std::string>& modeNames,
                     const std::map<std::string, std::string>& attributes, const std::vector<std::uint64_t>& indices) {
  auto attr = [&](const char* k) {
    const auto it = attributes.find(k);
    return it == attributes.end() ? std::string() : it->second;
  };
  if (!first_) {
    first_ = Ref{file, modeNames, attr("seed"), attr("run_card")};
  } else {
    if (modeNames != first_->modes)
      throw ConfigError(file, 0, "/modes/name",
                        "decay modes differ from those of " + first_->file + " (not a part of the same run)");
    if (attr("seed") != first_->seed)
      throw ConfigError(file, 0, "seed",
                        fmt::format("seed {} differs from {}'s {} (the parts of one run share the seed)", attr("seed"),
                                    first_->file, first_->seed));
    if (attr("run_card") != first_->card)
      throw ConfigError(file, 0, "run_card",
                        "run card differs from that of " + first_->file +
                            " (make the parts with --shard K/N or --first-event on one card)");
  }
  if (indices.empty()) return;
  const auto [lo, hi] = std::minmax_element(indices.begin(), indices.end());
  for (const auto& r : ranges_)
    if (*lo <= r.hi && r.lo <= *hi)
      throw ConfigError(file, 0, "index",
                        fmt::format("event indices {}-{} overlap those of {} ({}-{})", *lo, *hi, r.file, r.lo, r.hi));
  ranges_.push_back({file, *lo, *hi});
}

std::optional<std::uint64_t> ShardCheck::firstIndex() const {
  std::optional<std::uint64_t> m;
  for (const auto& r : ranges_) m = m ? std::min(*m, r.lo) : r.lo;
  return m;
}

}  // namespace kaonlab::app
