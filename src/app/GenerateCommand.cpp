// `kaonlab generate --card run.toml`: K+ decays in the NA62 beam -> HepMC3 + HDF5 truth
// table + JSON run summary. Nothing is half-written: each output is committed only at the end.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "kaonlab/app/Card.hpp"
#include "kaonlab/app/Commands.hpp"
#include "kaonlab/app/Progress.hpp"
#include "kaonlab/app/RunOptions.hpp"
#include "kaonlab/app/Version.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/io/AtomicFile.hpp"
#include "kaonlab/io/HepMC3Writer.hpp"
#include "kaonlab/io/TruthNtuple.hpp"

namespace kaonlab::app {
namespace {

struct GenerateOptions : RunOptions {
  bool printCard = false;
};

nlohmann::json runGenerate(const RunCard& card, bool quiet) {
  const auto t0 = std::chrono::steady_clock::now();
  const generator::Generator gen(card.generator);
  const auto& cat = gen.catalogue();

  std::vector<std::string> names;
  for (const auto& m : cat.modes()) names.push_back(m.key);
  const std::string prefix = card.output.prefix.string();
  if (card.output.prefix.has_parent_path()) std::filesystem::create_directories(card.output.prefix.parent_path());

  std::optional<io::HepMC3Writer> hepmc;
  std::optional<io::TruthNtupleWriter> ntuple;
  if (card.output.hepmc3) hepmc.emplace(prefix + ".hepmc3", version(), names);
  if (card.output.hdf5)
    ntuple.emplace(prefix + ".h5", version(), names,
                   std::map<std::string, std::string>{{"run_card", card.text},
                                                      {"seed", std::to_string(card.generator.seed)},
                                                      {"first_event", std::to_string(card.firstEvent)}});

  std::vector<std::uint64_t> counts(cat.modes().size(), 0);
  std::vector<double> sumW(cat.modes().size(), 0.0), sumW2(cat.modes().size(), 0.0);
  ProgressBar bar("generate", card.events, !quiet);
  generator::runEvents(
      gen, card.firstEvent, card.events, card.threads,
      [&](const generator::TruthEvent& ev) {
        ++counts[static_cast<std::size_t>(ev.mode)];
        sumW[static_cast<std::size_t>(ev.mode)] += ev.weight;
        sumW2[static_cast<std::size_t>(ev.mode)] += ev.weight * ev.weight;
        if (hepmc) hepmc->write(ev);
        if (ntuple) ntuple->write(ev);
      },
      [&](std::uint64_t done, std::uint64_t) { bar.update(done); });
  bar.finish();

  nlohmann::json outputs = nlohmann::json::object();
  if (hepmc) {
    hepmc->close();
    outputs["hepmc3"] = prefix + ".hepmc3";
  }
  if (ntuple) {
    ntuple->close();
    outputs["hdf5"] = prefix + ".h5";
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  nlohmann::json modes = nlohmann::json::array();
  double total = 0;
  std::uint64_t overflows = 0;
  for (std::size_t i = 0; i < gen.selectedModes().size(); ++i) {
    const std::size_t k = gen.selectedModes()[i];
    const auto& m = cat.mode(k);
    overflows += m.model->overflows();
    total += sumW[k];
    modes.push_back({{"key", m.key}, {"label", m.label}, {"br", m.br}, {"br_source", m.brSource},
                     {"model", m.model->description()}, {"selection_probability", gen.selectionProbabilities()[i]},
                     {"events", counts[k]}, {"sum_weights", sumW[k]}, {"sum_weights2", sumW2[k]},
                     {"accept_reject_overflows", m.model->overflows()}});
  }
  const auto& b = card.generator.beam;
  nlohmann::json summary = {
      {"kaonlab_version", version()},
      {"command", "generate"},
      {"card", card.path.string()},
      {"seed", card.generator.seed},
      {"events", card.events},
      {"first_event", card.firstEvent},
      {"threads", card.threads},
      {"units", "GeV, mm, ns"},
      {"weight_definition",
       "P(K+ decays in the fiducial region) x BR of the selected modes: sum(weights)/events = decays in the "
       "selected modes in the fiducial region per K+ at the beam reference plane"},
      {"sum_weights", total},
      {"mean_weight", total / static_cast<double>(card.events)},
      {"beam", {{"momentum_GeV", b.momentum}, {"momentum_spread", b.momentumSpread},
                {"reference_z_m", b.referenceZ / units::m}}},
      {"fiducial", {{"z_min_m", card.generator.fiducial.zMin / units::m},
                    {"z_max_m", card.generator.fiducial.zMax / units::m}}},
      {"modes", modes},
      {"accept_reject_overflows", overflows},
      {"outputs", outputs},
      {"wall_time_s", wall},
      {"events_per_s", static_cast<double>(card.events) / wall}};
  io::writeFileAtomically(prefix + ".json", summary.dump(2) + "\n");
  return summary;
}

}  // namespace

void addGenerateCommand(CLI::App& app) {
  auto opt = std::make_shared<GenerateOptions>();
  CLI::App* sub = app.add_subcommand("generate", "Generate K+ decays in the NA62 beam (HepMC3, HDF5, JSON)");
  opt->addTo(sub);
  sub->add_flag("--print-card", opt->printCard, "print a card with every key at its default and exit");
  sub->callback([opt] {
    if (opt->printCard) {
      std::cout << defaultCardText();
      return;
    }
    const RunCard card = opt->load();
    const nlohmann::json s = runGenerate(card, opt->quiet);
    if (!opt->quiet) {
      fmt::print("kaonlab generate: {} events, seed {}, {:.2f} s ({:.3g} events/s)\n", card.events,
                 card.generator.seed, s["wall_time_s"].get<double>(), s["events_per_s"].get<double>());
      fmt::print("{:<14} {:<44} {:>11} {:>10}\n", "mode", "", "BR", "events");
      for (const auto& m : s["modes"])
        fmt::print("{:<14} {:<44} {:>11.4e} {:>10}\n", m["key"].get<std::string>(), m["label"].get<std::string>(),
                   m["br"].get<double>(), m["events"].get<std::uint64_t>());
      for (const auto& [k, v] : s["outputs"].items()) fmt::print("wrote {}\n", v.get<std::string>());
      fmt::print("wrote {}.json\n", card.output.prefix.string());
    }
  });
}

}  // namespace kaonlab::app
