// Google Benchmark: the full chain generate + FastSimulation::simulate +
// Reconstruction::reconstruct, single thread, items/s = decays/s per core, for the
// default PDG mix, K+ -> pi+ pi0 and K+ -> mu+ nu; plus each stage alone for the mix
// (simulation and reconstruction on pre-generated events).
// Run: build/bench/bench_chain  (or `kaonlab bench` for a compact table).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "kaonlab/detector/FastSimulation.hpp"
#include "kaonlab/generator/Generator.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

using namespace kaonlab;

namespace {

struct Chain {
  generator::Generator gen;
  detector::FastSimulation sim;
  reco::Reconstruction rec;
  explicit Chain(const generator::GeneratorConfig& c)
      : gen(c), sim(detector::DetectorConfig{}, c.beam), rec(reco::Reconstruction::Config{}, detector::DetectorConfig{}) {}
};

generator::GeneratorConfig config(const std::string& mode) {
  generator::GeneratorConfig c;
  c.modes = {mode};
  return c;
}

const char* kModes[] = {"all", "k2pi", "kmu2"};

void BM_Chain(benchmark::State& state) {
  const std::string mode = kModes[state.range(0)];
  const Chain ch(config(mode));
  state.SetLabel(mode == "all" ? "PDG mix" : mode);
  generator::TruthEvent ev;
  detector::DetectorEvent det;
  reco::RecoEvent rec;
  std::uint64_t i = 0;
  for (auto _ : state) {
    ch.gen.generate(i++, ev);
    ch.sim.simulate(ev, det);
    ch.rec.reconstruct(det, rec);
    benchmark::DoNotOptimize(rec);
  }
  state.SetItemsProcessed(state.iterations());
}

// Stages alone, on a ring of pre-generated / pre-simulated events.
constexpr std::size_t kRing = 4096;

void BM_Generate(benchmark::State& state) {
  const std::string mode = kModes[state.range(0)];
  const generator::Generator gen(config(mode));
  state.SetLabel(mode == "all" ? "PDG mix" : mode);
  generator::TruthEvent ev;
  std::uint64_t i = 0;
  for (auto _ : state) {
    gen.generate(i++, ev);
    benchmark::DoNotOptimize(ev);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Simulate(benchmark::State& state) {
  const std::string mode = kModes[state.range(0)];
  const Chain ch(config(mode));
  state.SetLabel(mode == "all" ? "PDG mix" : mode);
  std::vector<generator::TruthEvent> truth(kRing);
  for (std::size_t i = 0; i < kRing; ++i) ch.gen.generate(i, truth[i]);
  detector::DetectorEvent det;
  std::size_t i = 0;
  for (auto _ : state) {
    ch.sim.simulate(truth[i], det);
    benchmark::DoNotOptimize(det);
    if (++i == kRing) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Reconstruct(benchmark::State& state) {
  const std::string mode = kModes[state.range(0)];
  const Chain ch(config(mode));
  state.SetLabel(mode == "all" ? "PDG mix" : mode);
  std::vector<detector::DetectorEvent> det(kRing);
  generator::TruthEvent ev;
  for (std::size_t i = 0; i < kRing; ++i) {
    ch.gen.generate(i, ev);
    ch.sim.simulate(ev, det[i]);
  }
  reco::RecoEvent rec;
  std::size_t i = 0;
  for (auto _ : state) {
    ch.rec.reconstruct(det[i], rec);
    benchmark::DoNotOptimize(rec);
    if (++i == kRing) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void RandomNormal(benchmark::State& state) {
  RandomStream rng(1, streamId("bench"), 0);
  double s = 0;
  for (auto _ : state) benchmark::DoNotOptimize(s += rng.gaussian());
  state.SetItemsProcessed(state.iterations());
}

/// One Philox4x64-10 block (4 x 64 random bits), the unit every draw comes from: the chain
/// uses ~12.8 blocks per event (callgrind), so this sets the random-number floor of an event.
void PhiloxBlock(benchmark::State& state) {
  RandomStream rng(1, streamId("bench"), 0);
  std::uint64_t s = 0;
  for (auto _ : state) {
    s ^= rng.bits();
    s ^= rng.bits();
    s ^= rng.bits();
    benchmark::DoNotOptimize(s ^= rng.bits());
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_Chain)->DenseRange(0, 2);
BENCHMARK(BM_Generate)->DenseRange(0, 2);
BENCHMARK(BM_Simulate)->DenseRange(0, 2);
BENCHMARK(BM_Reconstruct)->DenseRange(0, 2);
BENCHMARK(RandomNormal);
BENCHMARK(PhiloxBlock);
BENCHMARK_MAIN();
