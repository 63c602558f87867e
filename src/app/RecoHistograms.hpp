#pragma once
// The histograms `kaonlab simulate` fills when [output] histograms = true (Boost.Histogram,
// weighted storage): reconstructed quantities of the best K+-matched track, weighted by the
// event weight, written to PREFIX.hist.h5 (docs/io.md "Histograms"). Filled in event order,
// so the file does not depend on the thread count.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kaonlab/reco/RecoEvent.hpp"

namespace kaonlab::app {

class RecoHistograms {
 public:
  /// `modeNames`: the run's decay modes (row = truth mode id), for the per-mode m2miss.
  explicit RecoHistograms(std::vector<std::string> modeNames);
  ~RecoHistograms();
  RecoHistograms(const RecoHistograms&) = delete;
  RecoHistograms& operator=(const RecoHistograms&) = delete;

  void fill(const reco::RecoEvent& ev, int truthMode, double weight);
  /// Writes every histogram (all-or-nothing file); `attributes` become root attributes.
  void write(const std::filesystem::path& path, const std::string& version,
             const std::map<std::string, std::string>& attributes) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kaonlab::app
