// `kaonlab bench`: single-core throughput of every decay model and of the full
// generator chain (beam + decay + pi0 decays + boost), in decays per second.
// (Google Benchmark programs with the same content are in bench/.)
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "kaonlab/app/Commands.hpp"
#include "kaonlab/app/Version.hpp"
#include "kaonlab/generator/Generator.hpp"
#include "kaonlab/io/AtomicFile.hpp"

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
    if (!json->empty()) io::writeFileAtomically(*json, out.dump(2) + "\n");
  });
}

}  // namespace kaonlab::app
