#include "kaonlab/app/RunOptions.hpp"

#include "kaonlab/core/Error.hpp"

namespace kaonlab::app {

void RunOptions::addTo(CLI::App* sub) {
  sub->add_option("--card,-c", card, "TOML run card (see kaonlab generate --print-card)");
  sub->add_option("--events,-n", events, "override run.events");
  sub->add_option("--seed,-s", seed, "override run.seed");
  sub->add_option("--threads,-j", threads, "override run.threads (0 = all cores)");
  sub->add_option("--output,-o", output, "override output.prefix");
  sub->add_flag("--quiet,-q", quiet, "no progress bar or summary");
}

RunCard RunOptions::load() const {
  RunCard c = card.empty() ? parseRunCard("", "<defaults>") : readRunCard(card);
  if (events) {
    if (*events == 0) throw ConfigError("--events must be >= 1");
    c.events = *events;
  }
  if (seed) c.generator.seed = *seed;
  if (threads) {
    if (*threads < 0) throw ConfigError("--threads must be >= 0");
    c.threads = *threads;
  }
  if (!output.empty()) c.output.prefix = output;
  return c;
}

}  // namespace kaonlab::app
