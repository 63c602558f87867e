// kaonlab: simulate and analyse a fixed-target rare-kaon-decay experiment modelled on NA62.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <exception>
#include <iostream>

#include "kaonlab/app/Commands.hpp"
#include "kaonlab/app/Version.hpp"
#include "kaonlab/core/Error.hpp"

int main(int argc, char** argv) {
  CLI::App app{fmt::format("kaonlab {} - NA62-like rare kaon decay simulation and analysis", kaonlab::version())};
  app.require_subcommand(1);
  app.set_version_flag("--version", kaonlab::version());
  kaonlab::app::addGenerateCommand(app);
  kaonlab::app::addSimulateCommand(app);
  kaonlab::app::addAnalyseCommand(app);
  kaonlab::app::addMergeCommand(app);
  kaonlab::app::addStatsCommand(app);
  kaonlab::app::addBenchCommand(app);
  kaonlab::app::addReproduceCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kaonlab::app::kExitBadInput;
  } catch (const kaonlab::ConfigError& e) {
    fmt::print(stderr, "kaonlab: error: {}\n", e.what());
    return kaonlab::app::kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "kaonlab: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
