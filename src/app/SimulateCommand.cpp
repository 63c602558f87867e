// `kaonlab simulate --card run.toml`: generate (or read HepMC3) + NA62 fast detector
// simulation + reconstruction in one pass -> HDF5 reco ntuple + JSON summary.
// Same rules as `generate`: strict cards, exit status 2 on bad input, nothing
// half-written, progress bar, output identical for any thread count.
#include <fmt/format.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "RecoHistograms.hpp"
#include "kaonlab/app/Card.hpp"
#include "kaonlab/app/Commands.hpp"
#include "kaonlab/app/Progress.hpp"
#include "kaonlab/app/RunOptions.hpp"
#include "kaonlab/app/Version.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/detector/FastSimulation.hpp"
#include "kaonlab/io/AtomicFile.hpp"
#include "kaonlab/io/HepMC3Writer.hpp"
#include "kaonlab/io/RecoNtuple.hpp"
#include "kaonlab/io/TruthNtuple.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

namespace kaonlab::app {
namespace {

struct Processed {
  generator::TruthEvent truth;
  reco::RecoEvent reco;
};

/// Simulate + reconstruct a block of truth events in parallel (per-thread scratch
/// DetectorEvent); results stay in event order.
void processBlock(const detector::FastSimulation& sim, const reco::Reconstruction& rec,
                  std::vector<Processed>& block, std::size_t n) {
  tbb::enumerable_thread_specific<std::unique_ptr<detector::DetectorEvent>> scratch(
      [] { return std::make_unique<detector::DetectorEvent>(); });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 64), [&](const auto& r) {
    auto& det = *scratch.local();
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      sim.simulate(block[i].truth, det);
      rec.reconstruct(det, block[i].reco);
    }
  });
}

struct Options : RunOptions {
  std::string input;
};

nlohmann::json runSimulate(const RunCard& card, const Options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const generator::Generator gen(card.generator);
  detector::DetectorConfig detCfg = card.detector;
  detCfg.seed = card.generator.seed;
  const detector::FastSimulation sim(detCfg, card.generator.beam);
  const reco::Reconstruction rec(card.reco, detCfg);

  std::vector<std::string> names;
  for (const auto& m : gen.catalogue().modes()) names.push_back(m.key);
  const std::string prefix = card.output.prefix.string();
  if (card.output.prefix.has_parent_path()) std::filesystem::create_directories(card.output.prefix.parent_path());
  const std::map<std::string, std::string> attrs{{"run_card", card.text},
                                                 {"seed", std::to_string(card.generator.seed)},
                                                 {"first_event", std::to_string(card.firstEvent)}};
  io::RecoNtupleWriter recoOut(prefix + ".reco.h5", version(), names, attrs);
  std::optional<io::TruthNtupleWriter> truthOut;
  if (card.output.hdf5) truthOut.emplace(prefix + ".h5", version(), names, attrs);
  std::optional<RecoHistograms> hist;
  if (card.output.histograms) hist.emplace(names);

  std::unique_ptr<tbb::global_control> limit;
  if (card.threads > 0)
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<std::size_t>(card.threads));
  constexpr std::size_t kBlock = 4096;
  std::vector<Processed> block(kBlock);
  std::uint64_t total = 0, withTrack = 0;
  auto flush = [&](std::size_t n) {
    processBlock(sim, rec, block, n);
    for (std::size_t i = 0; i < n; ++i) {
      recoOut.write(block[i].reco, block[i].truth.mode, block[i].truth.weight);
      if (truthOut) truthOut->write(block[i].truth);
      if (hist) hist->fill(block[i].reco, block[i].truth.mode, block[i].truth.weight);
      if (block[i].reco.best >= 0) ++withTrack;
    }
    total += n;
  };

  if (!opt.input.empty()) {
    // HepMC3 input from another generator: read, then simulate in blocks.
    std::size_t n = 0;
    io::readHepMC3(opt.input, [&](const generator::TruthEvent& ev) {
      block[n] = Processed{ev, {}};
      block[n].truth.index = total + n;  // detector random numbers keyed by position in the file
      if (++n == kBlock) {
        flush(n);
        n = 0;
      }
    });
    if (n) flush(n);
  } else {
    ProgressBar bar("simulate", card.events, !opt.quiet);
    for (std::uint64_t first = 0; first < card.events; first += kBlock) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, card.events - first));
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 256), [&](const auto& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) gen.generate(card.firstEvent + first + i, block[i].truth);
      });
      flush(n);
      bar.update(first + n);
    }
    bar.finish();
  }
  if (hist) hist->write(prefix + ".hist.h5", version(), attrs);
  recoOut.close();
  if (truthOut) truthOut->close();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json summary = {{"kaonlab_version", version()},
                            {"command", "simulate"},
                            {"card", card.path.string()},
                            {"input", opt.input},
                            {"seed", card.generator.seed},
                            {"events", total},
                            {"first_event", card.firstEvent},
                            {"events_with_matched_track", withTrack},
                            {"outputs", {{"reco", prefix + ".reco.h5"}}},
                            {"wall_time_s", wall},
                            {"events_per_s", static_cast<double>(total) / wall}};
  if (truthOut) summary["outputs"]["truth"] = prefix + ".h5";
  if (hist) summary["outputs"]["histograms"] = prefix + ".hist.h5";
  io::writeFileAtomically(prefix + ".json", summary.dump(2) + "\n");
  return summary;
}

}  // namespace

void addSimulateCommand(CLI::App& app) {
  auto opt = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "simulate", "Generate + NA62 fast detector simulation + reconstruction (HDF5 reco ntuple, JSON)");
  opt->addTo(sub);
  sub->add_option("--input,-i", opt->input, "read generator-level events from this HepMC3 file instead");
  sub->callback([opt] {
    const RunCard card = opt->load();
    if (!opt->input.empty() && (card.firstEvent != 0 || !opt->shard.empty()))
      throw ConfigError("simulate --input: a HepMC3 input is simulated whole (its events keyed by their position); "
                        "run.first_event, --first-event and --shard apply to generated events only");
    if (!opt->input.empty() && !std::filesystem::exists(opt->input))
      throw ConfigError(opt->input, 0, "", "cannot open the HepMC3 input (missing file)");
    const nlohmann::json s = runSimulate(card, *opt);
    if (!opt->quiet) {
      fmt::print("kaonlab simulate: {} events, {} with a K+-matched track, {:.2f} s ({:.3g} events/s)\n",
                 s["events"].get<std::uint64_t>(), s["events_with_matched_track"].get<std::uint64_t>(),
                 s["wall_time_s"].get<double>(), s["events_per_s"].get<double>());
      for (const auto& [k, v] : s["outputs"].items()) fmt::print("wrote {}\n", v.get<std::string>());
      fmt::print("wrote {}.json\n", card.output.prefix.string());
    }
  });
}

}  // namespace kaonlab::app
