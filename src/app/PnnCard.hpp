#pragma once
// The [pnn] table of an analysis card (`kaonlab analyse --card`): every knob of the
// K+ -> pi+ nu nubar selection (analysis::PnnSelectionConfig), strict like the run cards.
#include <filesystem>
#include <string>

#include "kaonlab/analysis/PnnSelection.hpp"

namespace kaonlab::app {

/// Parse the card text (`name` for messages): a [pnn] table only; keys override `base`.
/// ConfigError with file:line: key on a bad key, type or value, or an inconsistent selection.
analysis::PnnSelectionConfig parsePnnCard(const std::string& text, const std::string& name,
                                          analysis::PnnSelectionConfig base);
/// The same from a file (ConfigError naming it when it cannot be read).
analysis::PnnSelectionConfig readPnnCard(const std::filesystem::path& path, analysis::PnnSelectionConfig base);
/// The [pnn] table with every key at its value in `cfg`, documented (for --print-card).
std::string pnnCardText(const analysis::PnnSelectionConfig& cfg);

}  // namespace kaonlab::app
