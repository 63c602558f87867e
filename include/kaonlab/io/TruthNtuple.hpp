#pragma once
// Generator-level events as an HDF5 column ntuple, readable with h5py and pandas
// (layout in docs/io.md): group /events, one row per event; group /particles, one row
// per decay product; /modes/name, the mode names (row = mode id). Units GeV, mm, ns.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kaonlab/generator/Event.hpp"

namespace kaonlab::io {

class TruthNtupleWriter {
 public:
  /// Rows are buffered in memory and appended in blocks of this many events.
  static constexpr std::size_t kDefaultBlockRows = 65536;

  /// Creates the HDF5 file under a temporary name next to `path` (renamed at close()).
  /// `attributes` become extra string attributes of the root group (run card text,
  /// seed, ...); their names must not clash with the built-in ones (kaonlab_version,
  /// units, format, format_version, mode_names), else kaonlab::ConfigError.
  /// Throws std::runtime_error naming `path` when the file cannot be created.
  TruthNtupleWriter(std::filesystem::path path, std::string version,
                    std::vector<std::string> modeNames,
                    std::map<std::string, std::string> attributes = {});
  /// Without close() the temporary file is removed and nothing is left at `path`.
  ~TruthNtupleWriter();
  TruthNtupleWriter(const TruthNtupleWriter&) = delete;
  TruthNtupleWriter& operator=(const TruthNtupleWriter&) = delete;
  TruthNtupleWriter(TruthNtupleWriter&&) noexcept;
  TruthNtupleWriter& operator=(TruthNtupleWriter&&) noexcept;

  void write(const generator::TruthEvent& ev);
  /// Flushes the buffered rows, closes the file and renames it into place. Throws
  /// std::runtime_error naming the file on failure (nothing is left then).
  void close();

  const std::filesystem::path& path() const;
  std::uint64_t eventsWritten() const;
  std::uint64_t particlesWritten() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Whole-file contents of a truth ntuple, column by column (for tests and small files).
struct TruthNtuple {
  struct Events {
    std::vector<std::uint64_t> index;
    std::vector<std::int32_t> mode;
    std::vector<double> weight;
    std::vector<std::int32_t> beam_pdg;
    std::vector<double> beam_px, beam_py, beam_pz, beam_e;
    std::vector<double> origin_x, origin_y, origin_z, origin_t;
    std::vector<double> vertex_x, vertex_y, vertex_z, vertex_t;
    std::vector<std::int32_t> n_particles;
    std::vector<std::int64_t> first_particle;
  } events;
  struct Particles {
    std::vector<std::uint64_t> event;
    std::vector<std::int32_t> pdg, parent, status;
    std::vector<double> px, py, pz, e;
  } particles;
  std::vector<std::string> modeNames;                ///< /modes/name
  std::map<std::string, std::string> attributes;     ///< every string attribute of "/"

  std::size_t size() const { return events.index.size(); }
  /// Event `row` rebuilt as a TruthEvent.
  generator::TruthEvent event(std::size_t row) const;
};

/// Reads a whole truth ntuple. Throws std::runtime_error naming the file when it
/// cannot be opened or lacks a column.
TruthNtuple readTruthNtuple(const std::filesystem::path& path);

}  // namespace kaonlab::io
