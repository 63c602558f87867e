#include <gtest/gtest.h>

#include <vector>

#include "StatTest.hpp"
#include "kaonlab/core/Random.hpp"

using namespace kaonlab;

TEST(Random, SameKeyAndCounterGiveSameNumbers) {
  RandomStream a(42, streamId("gen"), 1000), b(42, streamId("gen"), 1000);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.bits(), b.bits());
}

TEST(Random, StreamsAndEventsAreIndependent) {
  RandomStream a(42, streamId("gen"), 7), b(42, streamId("det"), 7), c(42, streamId("gen"), 8),
      d(43, streamId("gen"), 7);
  const auto x = a.bits();
  EXPECT_NE(x, b.bits());
  EXPECT_NE(x, c.bits());
  EXPECT_NE(x, d.bits());
}

TEST(Random, StreamIdIsStableHash) {
  // FNV-1a 64 of "a" (published test vector)
  EXPECT_EQ(streamId("a"), 0xaf63dc4c8601ec8cull);
  static_assert(streamId("") == 14695981039346656037ull);
}

TEST(Random, UniformIsUniformKS) {
  RandomStream r(1, 2, 3);
  std::vector<double> x(200000);
  for (auto& v : x) {
    v = r.uniform();
    ASSERT_GT(v, 0.0);
    ASSERT_LT(v, 1.0);
  }
  const auto ks = test::ksTest(x, [](double u) { return u; });
  EXPECT_GT(ks.pValue, 0.001) << "D=" << ks.statistic;
}

TEST(Random, GaussianChi2) {
  RandomStream r(5, 6, 7);
  std::vector<double> x(200000);
  for (auto& v : x) v = r.gaussian();
  const auto res = test::chi2Test(x, [](double u) { return std::exp(-0.5 * u * u); }, -5, 5, 50);
  EXPECT_GT(res.pValue, 0.001) << "chi2/ndf=" << res.statistic << "/" << res.ndf;
}
