#pragma once
// Lepton-number-violating K+ -> pi- mu+ mu+ search end to end (NA62 2017 data, PLB 797 (2019)
// 134794; the talk's backup page "K+ -> pi- mu+ mu+ decay"): the single-event sensitivity from
// kaonlab's acceptances of the signal and of its normalisation K+ -> pi+ mu+ mu- (same
// three-track selection, PiMuMuAnalysis.hpp), and the 90% CL upper limit (CLs) with the
// published observed count and background.
//
//   SES = B(pi+ mu+ mu-) A(pi+ mu+ mu-) / (N(pi+ mu+ mu-) A(pi- mu+ mu+)),
//
// N = the published normalisation candidates (8357). The ratio of the two acceptances (same
// topology, same cuts except the identification of the odd-sign track) is what kaonlab adds.
#include <cstdint>
#include <vector>

#include "kaonlab/analysis/PiMuMuAnalysis.hpp"
#include "kaonlab/core/Comparison.hpp"

namespace kaonlab::analysis {

struct LnvSearchConfig {
  PiMuMuAnalysisConfig base{};  ///< detector, reconstruction, selection, seed, threads
  std::uint64_t signalEvents = 0, normalisationEvents = 0;
  // PLB 797 (2019) 134794 as quoted on the talk's backup page: normalisation K+ -> pi+ mu+ mu-
  // N_obs = 8357, A = 10.93%, SES = (1.28 +- 0.04) x 1e-11, N_bg = 0.91 +- 0.41, N_obs(SR) = 1,
  // BR < 4.2e-11 at 90% CL
  double normalisationCandidates = 8357;
  double publishedNormalisationAcceptance = 0.1093;
  double publishedSes = 1.28e-11, publishedSesError = 0.04e-11;
  int observed = 1;
  double background = 0.91, backgroundError = 0.41;
  double publishedUpperLimit = 4.2e-11;

  static LnvSearchConfig quick();     ///< a few seconds
  static LnvSearchConfig standard();  ///< ~10 s on 2 cores
};

struct LnvSearchResults {
  LnvSearchConfig config;
  double brNormalisation = 0;   ///< B(K+ -> pi+ mu+ mu-) of the catalogue
  Estimate normalisationAcceptance, signalAcceptance;
  Estimate ses;                 ///< error: MC statistics and sqrt(N) of the normalisation
  double upperLimit = 0;        ///< 90% CL CLs with kaonlab's SES
  double seconds = 0;
};

LnvSearchResults runPiMinusMuMuSearch(const LnvSearchConfig& cfg, const PiMuMuProgress& progress = {});
std::vector<core::Comparison> lnvReportRows(const LnvSearchResults& r);

}  // namespace kaonlab::analysis
