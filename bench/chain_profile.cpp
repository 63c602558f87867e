// Fixed-work driver of the full chain for instruction counting (no timing):
//   valgrind --tool=callgrind build/bench/chain_profile all 10000
// then callgrind_annotate --inclusive=yes gives the per-stage counts of
// Generator::generate, FastSimulation::simulate and Reconstruction::reconstruct
// (divide by the event count). Modes: all (PDG mix), k2pi, kmu2, ...
//   build/bench/chain_profile all 100000 hash
// prints a hash of the simulated and reconstructed events (bit-identity checks).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "kaonlab/detector/FastSimulation.hpp"
#include "kaonlab/generator/Generator.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

using namespace kaonlab;

namespace {
/// FNV-1a over the bits of the values (to compare outputs bit for bit between builds).
struct Hash {
  std::uint64_t h = 14695981039346656037ull;
  void add(double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, 8);
    for (int k = 0; k < 8; ++k) {
      h ^= (b >> (8 * k)) & 0xffu;
      h *= 1099511628211ull;
    }
  }
  void add(const Vector3& v) {
    add(v.x);
    add(v.y);
    add(v.z);
  }
};

void hashEvent(Hash& h, const detector::DetectorEvent& d, const reco::RecoEvent& r) {
  h.add(d.ktag.time);
  h.add(d.ktag.nSectors);
  for (std::size_t i = 0; i < d.nGtk; ++i) {
    h.add(d.gtk[i].momentum);
    h.add(d.gtk[i].position);
    h.add(d.gtk[i].time);
    h.add(d.gtk[i].truePdgId);
  }
  for (std::size_t i = 0; i < d.nStraw; ++i) {
    const auto& s = d.straw[i];
    h.add(s.momentum);
    h.add(s.position);
    h.add(s.time);
    h.add(s.chamberMask);
    h.add(s.trueDecayZ);
    h.add(s.ringRadius);
    h.add(s.ringHits);
    h.add(s.ringTime);
    h.add(s.chodTime);
    h.add(s.muv1Energy);
    h.add(s.muv2Energy);
    h.add(s.muv3Time);
    h.add(s.muv3X);
  }
  for (std::size_t i = 0; i < d.nLkr; ++i) {
    h.add(d.lkr[i].energy);
    h.add(d.lkr[i].x);
    h.add(d.lkr[i].y);
    h.add(d.lkr[i].time);
  }
  for (std::size_t i = 0; i < d.nVeto; ++i) {
    h.add(d.veto[i].energy);
    h.add(d.veto[i].time);
    h.add(d.veto[i].station);
  }
  for (std::size_t i = 0; i < d.nChanti; ++i) h.add(d.chanti[i].time);
  for (std::size_t i = 0; i < d.nChod; ++i) h.add(d.chod[i].time);
  for (std::size_t i = 0; i < r.nTracks; ++i) {
    h.add(r.tracks[i].m2miss);
    h.add(r.tracks[i].cda);
    h.add(r.tracks[i].gtkIndex);
    h.add(r.tracks[i].inAcceptance);
    h.add(r.tracks[i].lkrIndex);
  }
  h.add(r.photonVeto);
  h.add(r.nLkrExtra);
  h.add(r.nChodExtra);
  h.add(r.vertex3Mass);
}
}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "all";
  const std::uint64_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000;
  generator::GeneratorConfig c;
  c.modes = {mode};
  const generator::Generator gen(c);
  const detector::DetectorConfig det;
  const detector::FastSimulation sim(det, c.beam);
  const reco::Reconstruction rec(reco::Reconstruction::Config{}, det);
  generator::TruthEvent ev;
  detector::DetectorEvent dev;
  reco::RecoEvent rev;
  const bool hash = argc > 3 && std::string(argv[3]) == "hash";
  Hash h;
  for (std::uint64_t i = 0; i < n; ++i) {
    gen.generate(i, ev);
    sim.simulate(ev, dev);
    rec.reconstruct(dev, rev);
    if (hash) hashEvent(h, dev, rev);
  }
  std::printf("%s: %llu events, hash %016llx\n", mode.c_str(), static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(h.h));
  return 0;
}
