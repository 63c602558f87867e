// An external analysis using the installed kaonlab package (find_package(kaonlab)).
#include <kaonlab/generator/Generator.hpp>
#include <kaonlab/stats/Limits.hpp>

#include <cmath>
#include <cstdio>

int main() {
  kaonlab::generator::GeneratorConfig cfg;
  cfg.modes = {"pimumu"};
  const kaonlab::generator::Generator gen(cfg);
  kaonlab::generator::TruthEvent ev;
  gen.generate(42, ev);
  const double ul = kaonlab::stats::ClsLimit::exactPoisson(0, 0.0, 0.9);
  std::printf("%zu particles, weight %g, UL(n=0) = %.4f\n", ev.nParticles, ev.weight, ul);
  return (ev.nParticles == 3 && std::abs(ul - 2.302585) < 1e-4) ? 0 : 1;
}
