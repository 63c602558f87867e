#pragma once
// TOML run cards with strict validation: every key is known, every value has the
// expected type and range; errors name the file, the line and the key (exit status 2).
// Unit convention inside cards: the key name carries the unit (momentum_GeV, z_min_m).
#include <cstdint>
#include <filesystem>
#include <string>

#include "kaonlab/detector/DetectorConfig.hpp"
#include "kaonlab/generator/Generator.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

namespace kaonlab::app {

struct OutputConfig {
  std::filesystem::path prefix = "kaonlab-run";  ///< files: <prefix>.hepmc3, .h5, .json
  bool hepmc3 = true;
  bool hdf5 = true;
  /// kaonlab simulate: reconstructed-quantity histograms in <prefix>.hist.h5 (docs/io.md "Histograms")
  bool histograms = false;
};

struct RunCard {
  std::filesystem::path path;   ///< card file ("" when built from defaults)
  std::string text;             ///< the card as read (stored in outputs)
  std::uint64_t events = 10000;
  /// Index of the first event of this job: it runs events first_event ... first_event +
  /// events - 1 of the run (a batch-array shard; event i's random numbers depend only on
  /// (seed, stream, i), so shards of one run concatenate to the single-job result).
  std::uint64_t firstEvent = 0;
  int threads = 0;              ///< 0 = all cores
  OutputConfig output{};
  generator::GeneratorConfig generator{};
  detector::DetectorConfig detector{};       ///< [detector.*] tables (kaonlab simulate)
  reco::Reconstruction::Config reco{};       ///< [reco] table
  /// Line of the generate.modes key (for error messages), 0 if absent.
  int modesLine = 0;
};

/// Parse and validate a run card. Throws kaonlab::ConfigError (file:line: key: message).
RunCard readRunCard(const std::filesystem::path& path);
/// Same from a string (the name is used in messages).
RunCard parseRunCard(const std::string& text, const std::string& name);
/// A documented card with every key at its default value.
std::string defaultCardText();

}  // namespace kaonlab::app
