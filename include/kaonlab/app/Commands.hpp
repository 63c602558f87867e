#pragma once
// Sub-commands of the `kaonlab` executable. Each add*Command registers one CLI11
// sub-command (with its options and callback) on the main app.
#include <CLI/CLI.hpp>

namespace kaonlab::app {

void addGenerateCommand(CLI::App& app);
void addSimulateCommand(CLI::App& app);
void addAnalyseCommand(CLI::App& app);
void addMergeCommand(CLI::App& app);
void addStatsCommand(CLI::App& app);
void addBenchCommand(CLI::App& app);
void addReproduceCommand(CLI::App& app);

/// Exit status for bad input (unknown key, wrong type, unreadable file, ...).
inline constexpr int kExitBadInput = 2;

}  // namespace kaonlab::app
