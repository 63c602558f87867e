#pragma once
// A weighted histogram (1-D or 2-D, regular axes) stored as a column table (docs/io.md
// "Histograms"): one row per bin including the under- and overflow bins, the first axis
// fastest; columns <axis>_low, <axis>_high (bin edges, -inf / +inf for the flow bins), sum_w
// (sum of weights) and sum_w2 (sum of squared weights: the variance of sum_w). pandas reads a
// histogram with one call, h5py with one dataset per column.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "kaonlab/io/ColumnTable.hpp"

namespace kaonlab::io {

struct HistogramAxis {
  std::string name;   ///< column prefix, e.g. "m2miss"
  std::string unit;   ///< e.g. "GeV^2"
  int bins = 1;       ///< regular bins between lo and hi
  double lo = 0, hi = 1;
  bool operator==(const HistogramAxis&) const = default;
};

struct HistogramData {
  std::string name;   ///< table (group) name
  std::string title;  ///< what is histogrammed (the sum_w description)
  std::vector<HistogramAxis> axes;  ///< 1 or 2
  /// (bins + 2) per axis, first axis fastest; index 0 = underflow, bins + 1 = overflow
  std::vector<double> sumW, sumW2;

  std::size_t cells() const;
};

/// Writes `h` as table `h.name` of `file`. std::invalid_argument when the axes or the array
/// sizes are inconsistent.
void writeHistogram(H5OutputFile& file, const HistogramData& h);

/// A file of histograms (format "kaonlab-histograms", version 1): the tables, a JSON index
/// of them in the root attribute `histograms` (name, title, axes), the number of events
/// filled in `events`, the run's mode names in /modes/name, and the user attributes.
struct HistogramFile {
  std::vector<HistogramData> histograms;
  std::vector<std::string> modeNames;
  std::map<std::string, std::string> attributes;  ///< user attributes (run_card, seed, first_event, ...)
  std::uint64_t events = 0;                       ///< events filled

  const HistogramData* find(const std::string& name) const;
};

/// Writes all-or-nothing. std::invalid_argument as writeHistogram; ConfigError for user
/// attributes named like the format's own.
void writeHistogramFile(const std::filesystem::path& path, const std::string& version, const HistogramFile& h);
/// Reads a file written by writeHistogramFile. std::runtime_error naming the file when it is
/// not one (or its tables do not match its index).
HistogramFile readHistogramFile(const std::filesystem::path& path);

}  // namespace kaonlab::io
