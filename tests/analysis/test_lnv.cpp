// K+ -> pi- mu+ mu+ search (LnvSearch.hpp): the single-event sensitivity is the ratio of
// kaonlab's normalisation and signal acceptances times the published normalisation count, and
// the limit follows from it with the published observed count and background.
#include <gtest/gtest.h>

#include <cmath>

#include "kaonlab/analysis/LnvSearch.hpp"
#include "kaonlab/core/ParticleData.hpp"

using namespace kaonlab;
using namespace kaonlab::analysis;

namespace {
const LnvSearchResults& smallSearch() {
  static const LnvSearchResults r = [] {
    LnvSearchConfig c = LnvSearchConfig::quick();
    c.signalEvents = 100'000;
    c.normalisationEvents = 100'000;
    return runPiMinusMuMuSearch(c);
  }();
  return r;
}
}  // namespace

TEST(LnvSearch, SesIsTheNormalisationRatioOfKaonlabsAcceptances) {
  const auto& r = smallSearch();
  const auto& c = r.config;
  ASSERT_GT(r.signalAcceptance.value, 0);
  EXPECT_DOUBLE_EQ(r.ses.value, r.brNormalisation * r.normalisationAcceptance.value /
                                    (c.normalisationCandidates * r.signalAcceptance.value));
}

TEST(LnvSearch, UpperLimitScalesWithTheSesAsPublished) {
  // the limit in events (1 observed, 0.91 +- 0.41 background, 90% CL CLs) is NA62's
  // 4.2e-11 / 1.28e-11 = 3.28 events within 5%
  const auto& r = smallSearch();
  EXPECT_NEAR(r.upperLimit / r.ses.value, r.config.publishedUpperLimit / r.config.publishedSes,
              0.05 * r.config.publishedUpperLimit / r.config.publishedSes);
}

TEST(LnvSearch, WrongSignFinalStateIsNotTheNormalisation) {
  // pi+ mu+ mu- decays never pass the pi- mu+ mu+ identification (charges), and vice versa
  PiMuMuAnalysisConfig c = PiMuMuAnalysisConfig::quick();
  const Estimate cross = threeTrackAcceptance(c, "pimumu", 77, 50'000, {-pdg::kPiPlus, -pdg::kMuon, -pdg::kMuon});
  EXPECT_EQ(cross.value, 0.0);
}

TEST(LnvSearch, ElectronFinalStatesAreSelectedByTheirCharges) {
  // the LFV/LNV electron modes: K+ -> pi+ e+ e- (catalogue piee) passes as (pi+, e+, e-) and
  // never as (pi+, mu+, mu-); K+ -> pi- mu+ e+ (LFV, flat phase space) passes as (pi-, mu+, e+)
  // and never with the charges of K+ -> pi+ mu- e+
  PiMuMuAnalysisConfig c = PiMuMuAnalysisConfig::quick();
  const int pi = pdg::kPiPlus, mu = pdg::kMuon, e = pdg::kElectron;
  EXPECT_GT(threeTrackAcceptance(c, "piee", 81, 20'000, {pi, -e, e}).value, 0.02);
  EXPECT_EQ(threeTrackAcceptance(c, "piee", 81, 20'000, {pi, -mu, mu}).value, 0.0);
  EXPECT_GT(threeTrackAcceptance(c, "pim_mup_ep", 82, 20'000, {-pi, -mu, -e}).value, 0.02);
  EXPECT_EQ(threeTrackAcceptance(c, "pim_mup_ep", 82, 20'000, {pi, mu, -e}).value, 0.0);
}
