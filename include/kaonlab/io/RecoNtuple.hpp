#pragma once
// Reconstructed events (reco::RecoEvent) as an HDF5 column ntuple, readable with h5py and
// pandas (layout and every column in docs/io.md "HDF5 reco ntuple"): group /events, one row
// per event; group /tracks, one row per reconstructed track; /modes/name, the mode names
// (row = truth mode id). Units GeV, mm, ns. Needs the kaonlab::reco library.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kaonlab/io/ColumnTable.hpp"
#include "kaonlab/reco/RecoEvent.hpp"

namespace kaonlab::io {

class RecoNtupleWriter {
 public:
  /// Rows are buffered in memory and appended in blocks of this many events.
  static constexpr std::size_t kDefaultBlockRows = 65536;

  /// Creates the HDF5 file under a temporary name next to `path` (renamed at close()).
  /// `attributes` become extra string attributes of the root group (run card text, seed,
  /// ...); their names must not clash with the built-in ones (kaonlab_version, units,
  /// format, format_version, mode_names), else kaonlab::ConfigError.
  /// Throws std::runtime_error naming `path` when the file cannot be created.
  RecoNtupleWriter(std::filesystem::path path, std::string version, std::vector<std::string> modeNames,
                   std::map<std::string, std::string> attributes = {});
  /// Without close() the temporary file is removed and nothing is left at `path`.
  ~RecoNtupleWriter();
  RecoNtupleWriter(const RecoNtupleWriter&) = delete;
  RecoNtupleWriter& operator=(const RecoNtupleWriter&) = delete;
  RecoNtupleWriter(RecoNtupleWriter&&) noexcept;
  RecoNtupleWriter& operator=(RecoNtupleWriter&&) noexcept;

  /// One /events row (with the generated mode `truthMode` and the event `weight`) and one
  /// /tracks row per track. std::invalid_argument when ev.nTracks > RecoEvent::kMaxTracks.
  void write(const reco::RecoEvent& ev, int truthMode, double weight);
  /// Flushes the buffered rows, closes the file and renames it into place. Throws
  /// std::runtime_error naming the file on failure (nothing is left then).
  void close();

  const std::filesystem::path& path() const;
  std::uint64_t eventsWritten() const;
  std::uint64_t tracksWritten() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Whole-file contents of a reco ntuple (for tests and small files).
struct RecoNtuple {
  ColumnTableData events;                         ///< /events
  ColumnTableData tracks;                         ///< /tracks
  std::vector<std::string> modeNames;             ///< /modes/name
  std::map<std::string, std::string> attributes;  ///< every string attribute of "/"

  std::size_t size() const { return events.rows(); }
  /// Event `row` rebuilt as a RecoEvent (tracks included). std::out_of_range for a bad row.
  reco::RecoEvent event(std::size_t row) const;
  std::int32_t truthMode(std::size_t row) const;
  double weight(std::size_t row) const;
};

/// Reads a whole reco ntuple. Throws std::runtime_error naming the file when it cannot be
/// opened or lacks a group.
RecoNtuple readRecoNtuple(const std::filesystem::path& path);

}  // namespace kaonlab::io
