// Google Benchmark: decays per second per core for every decay model (K rest frame)
// and for the full generator event (beam, decay point, decay, pi0 decays, boost).
// Run: build/bench/bench_generator  (or `kaonlab bench` for a compact table).
#include <benchmark/benchmark.h>

#include "kaonlab/generator/Generator.hpp"

using namespace kaonlab;
using namespace kaonlab::generator;

namespace {
const Generator& allModes() {
  static const Generator g(GeneratorConfig{});
  return g;
}

void BM_Model(benchmark::State& state) {
  const auto& mode = allModes().catalogue().mode(static_cast<std::size_t>(state.range(0)));
  state.SetLabel(mode.key);
  RandomStream rng(1, streamId("bench"), 0);
  DecayProducts d;
  for (auto _ : state) {
    mode.model->generate(rng, d);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_FullEvent(benchmark::State& state) {
  const auto& key = allModes().catalogue().mode(static_cast<std::size_t>(state.range(0))).key;
  GeneratorConfig c;
  c.modes = {key};
  const Generator gen(c);
  state.SetLabel(key);
  TruthEvent ev;
  std::uint64_t i = 0;
  for (auto _ : state) {
    gen.generate(i++, ev);
    benchmark::DoNotOptimize(ev);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PdgMix(benchmark::State& state) {
  TruthEvent ev;
  std::uint64_t i = 0;
  for (auto _ : state) {
    allModes().generate(i++, ev);
    benchmark::DoNotOptimize(ev);
  }
  state.SetItemsProcessed(state.iterations());
}

void modes(benchmark::internal::Benchmark* b) {
  for (std::size_t i = 0; i < DecayCatalogue::knownKeys().size(); ++i) b->Arg(static_cast<int>(i));
}
}  // namespace

BENCHMARK(BM_Model)->Apply(modes);
BENCHMARK(BM_FullEvent)->Apply(modes);
BENCHMARK(BM_PdgMix);
BENCHMARK_MAIN();
