// `kaonlab bench`: single-core throughput of every decay model and of the full
// generator chain (beam + decay + pi0 decays + boost), in decays per second, and of the
// full chain generate + FastSimulation + Reconstruction (PDG mix, K2pi, Kmu2).
// (Google Benchmark programs with the same content are in bench/.)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <nlohmann/json.hpp>

#include "kaonlab/app/Commands.hpp"
#include "kaonlab/app/Version.hpp"
#include "kaonlab/detector/FastSimulation.hpp"
#include "kaonlab/generator/Generator.hpp"
#include "kaonlab/io/AtomicFile.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

namespace kaonlab::app {

void addBenchCommand(CLI::App& app) {
  auto seconds = std::make_shared<double>(0.3);
  auto json = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("bench", "Measure decays/s per core for every decay mode");
  sub->add_option("--seconds", *seconds, "time per measurement")->check(CLI::PositiveNumber);
  sub->add_option("--json", *json, "also write the figures to this JSON file");
  sub->callback([seconds, json] {
    using clock = std::chrono::steady_clock;
    generator::GeneratorConfig cfg;
    const generator::Generator all(cfg);
    const auto& cat = all.catalogue();
    fmt::print("kaonlab {} bench: single thread, {:.2f} s per figure\n", version(), *seconds);
    fmt::print("{:<14} {:>16} {:>16}\n", "mode", "model [1/s]", "full event [1/s]");
    nlohmann::json out = nlohmann::json::array();
    auto measure = [&](auto&& fn) {
      std::uint64_t n = 0;
      const auto t0 = clock::now();
      double el = 0;
      do {
        for (int i = 0; i < 1000; ++i) fn(n++);
        el = std::chrono::duration<double>(clock::now() - t0).count();
      } while (el < *seconds);
      return static_cast<double>(n) / el;
    };
    for (const auto& m : cat.modes()) {
      RandomStream rng(1, streamId("bench"), 0);
      generator::DecayProducts d;
      const double model = measure([&](std::uint64_t) { m.model->generate(rng, d); });
      generator::GeneratorConfig c;
      c.modes = {m.key};
      const generator::Generator gen(c);
      generator::TruthEvent ev;
      const double full = measure([&](std::uint64_t i) { gen.generate(i, ev); });
      fmt::print("{:<14} {:>16.3e} {:>16.3e}\n", m.key, model, full);
      out.push_back({{"mode", m.key}, {"model_per_s", model}, {"full_event_per_s", full}});
    }
    generator::TruthEvent ev;
    const double mix = measure([&](std::uint64_t i) { all.generate(i, ev); });
    fmt::print("{:<14} {:>16} {:>16.3e}\n", "all (PDG mix)", "", mix);
    out.push_back({{"mode", "all"}, {"full_event_per_s", mix}});

    // full chain: generation + fast detector simulation + reconstruction (default
    // detector, accidentals on), single thread
    fmt::print("\nfull chain (generate + simulate + reconstruct), single thread\n");
    fmt::print("{:<14} {:>16} {:>16} {:>16} {:>16}\n", "mode", "chain [1/s]", "generate [us]", "simulate [us]",
               "reconstruct [us]");
    const detector::DetectorConfig det;
    const reco::Reconstruction rec(reco::Reconstruction::Config{}, det);
    for (const char* key : {"all", "k2pi", "kmu2"}) {
      generator::GeneratorConfig c;
      c.modes = {key};
      const generator::Generator gen(c);
      const detector::FastSimulation sim(det, c.beam);
      generator::TruthEvent tev;
      detector::DetectorEvent dev;
      reco::RecoEvent rev;
      const double chain = measure([&](std::uint64_t i) {
        gen.generate(i, tev);
        sim.simulate(tev, dev);
        rec.reconstruct(dev, rev);
      });
      // stages: generation alone, generation + simulation; reconstruction by difference
      const double g = measure([&](std::uint64_t i) { gen.generate(i, tev); });
      const double gs = measure([&](std::uint64_t i) {
        gen.generate(i, tev);
        sim.simulate(tev, dev);
      });
      const double tg = 1e6 / g, ts = std::max(0.0, 1e6 / gs - tg), tr = std::max(0.0, 1e6 / chain - 1e6 / gs);
      const std::string label = std::string(key) == "all" ? "all (PDG mix)" : key;
      fmt::print("{:<14} {:>16.3e} {:>16.3f} {:>16.3f} {:>16.3f}\n", label, chain, tg, ts, tr);
      out.push_back({{"chain", key},
                     {"chain_per_s", chain},
                     {"generate_us", tg},
                     {"simulate_us", ts},
                     {"reconstruct_us", tr}});
    }
    if (!json->empty()) io::writeFileAtomically(*json, out.dump(2) + "\n");
  });
}

}  // namespace kaonlab::app
