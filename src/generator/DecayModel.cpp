#include "kaonlab/generator/DecayModel.hpp"

#include <algorithm>

namespace kaonlab::generator {

double scanMaximum(const std::function<double(RandomStream&)>& drawAndEvaluate, int points,
                   double margin) {
  RandomStream rng(0x6b616f6e6c6162ull, streamId("scanMaximum"), 0);
  double wmax = 0.0;
  for (int i = 0; i < points; ++i) wmax = std::max(wmax, drawAndEvaluate(rng));
  return wmax * (1.0 + margin);
}

}  // namespace kaonlab::generator
