#pragma once
// The deterministic parallel event loop of the analyses (private to kaonlab::analysis).
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

namespace kaonlab::analysis::detail {

/// Runs events [0, events) in blocks of 16384: `process(index, scratch, records)` fills the
/// `recordsPerEvent` records of an event, in parallel (TBB, at most `threads` threads, 0 = all;
/// one Scratch per thread); then `accumulate(record)` sees every record of the block in event
/// order and `progress(done)` is called. An event's records depend only on its index, and the
/// sums are made in event order, so results are identical for any thread count.
template <class Scratch, class Record, class Process, class Accumulate, class Progress>
void runEventBlocks(int threads, std::uint64_t events, std::size_t recordsPerEvent, Process&& process,
                    Accumulate&& accumulate, Progress&& progress) {
  std::unique_ptr<tbb::global_control> limit;
  if (threads > 0)
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<std::size_t>(threads));
  tbb::enumerable_thread_specific<std::unique_ptr<Scratch>> scratch([] { return std::make_unique<Scratch>(); });
  constexpr std::size_t kBlock = 16384;
  std::vector<Record> block(recordsPerEvent * kBlock);
  for (std::uint64_t first = 0; first < events; first += kBlock) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, events - first));
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 256), [&](const auto& r) {
      Scratch& s = *scratch.local();
      for (std::size_t i = r.begin(); i != r.end(); ++i) process(first + i, s, &block[recordsPerEvent * i]);
    });
    for (std::size_t i = 0; i < recordsPerEvent * n; ++i) accumulate(block[i]);
    progress(first + n);
  }
}

}  // namespace kaonlab::analysis::detail
