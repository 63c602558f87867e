#pragma once
// Upstream background of the K+ -> pi+ nu nubar analysis by simulation (issue 5;
// docs/analysis-pnn.md "Upstream background").
//
// K+ decays between the last achromat dipole and GTK3 (generator::UpstreamDecaySource, all
// modes by BR) are transported through the final collimator, TRIM5, GTK3 and the CHANTI
// (detector::FastSimulation::transportUpstream), simulated and reconstructed like any event
// (the decayed kaon has no GTK track; pile-up beam tracks can match the daughter pi+), and run
// through the normal selection (PnnSelection) and a few diagnostic variants of it.
//
// Forced-accidental weighting. The pile-up beam particles of an event form a Poisson process
// of mean mu = rate x 2 x window (FastSimulation). By the Mecke (Slivnyak) formula,
//   E[ sum_{x in S} g(x, S \ {x}) ] = mu E[ g(X, S) ]   (X an independent extra particle),
// and with g(x, S) = 1[the event with pile-up S u {x} is selected with x as the matched GTK track]
// the left side is the probability that the event is selected through a pile-up match, i.e.
// the brute-force selection probability of an upstream decay (which has no kaon track). So the
// event is simulated once more with one extra pile-up particle X (FastSimulation::pileupGtkTrack,
// stream "forced-accidental") and counts with weight w x mu when it is selected with X matched.
// This is exact (no small-probability approximation) and is checked against brute force
// (PnnUpstreamResult::variants, `bruteForce` vs `weighted`, and the test
// PnnUpstream.ForcedAccidentalAgreesWithBruteForce).
//
// Normalisation: w = P_up x BR per K+ crossing (virtually) GTK3, and the fiducial decays of the
// same kaons P_FV, so upstream decays per fiducial decay = sum w / sum P_FV and the background of
// year y is N_K(y) x eps_trig x sum(w selected) / sum(P_FV) (same N_K and eps_trig as every mode).
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kaonlab/core/Comparison.hpp"
#include "kaonlab/analysis/PnnEstimate.hpp"
#include "kaonlab/analysis/PnnSelection.hpp"
#include "kaonlab/generator/UpstreamDecays.hpp"

namespace kaonlab::analysis {

struct PnnAnalysisConfig;
struct PnnResults;
using PnnRow = core::Comparison;

struct PnnUpstreamConfig {
  std::uint64_t events = 0;                ///< upstream decays to simulate (0 = skip)
  generator::UpstreamDecayConfig region{};  ///< decay region; TRIM5 is taken from the detector config
  std::string modes = "all";               ///< catalogue key or "all" (every SM mode by BR)
  /// Mode importance sampling (generator::GeneratorConfig::modeBias): K+ -> mu+ nu (63.6% of
  /// the decays) is drawn 10x less often with 10x the weight: its mu+ passes the pi+ ID only at
  /// ~3e-8 (RICH x calorimeters, PnnNormalisation), so the CPU goes to the modes with a pi+.
  std::vector<std::pair<std::string, double>> modeBias{{"kmu2", 0.1}};
  /// Forced pile-up particles per event (independent draws, each weighted mu / forcedTracks):
  /// more trials of the rare GTK match per simulated decay at the cost of one reconstruction each.
  int forcedTracks = 8;
  /// Use the simulated upstream background in the BR when its relative MC error is < 50%
  /// (the rule of PnnGroup::useSimulationForStats); else the published values are used.
  bool useSimulationForStats = true;
  /// Final collimator of the main sample (detector::UpstreamConfig::collimatorDesign): 2016
  /// ("Design 2016": 2016, 2017 and 2018 S1).
  int collimatorDesign = 2016;
  /// Decays of a second sample with the "Design 2018" collimator (2018 S2, runs 8802-9466,
  /// na62-detector.md 1.2 [FW-GTK]); 0 = no S2 sample (2018 then uses the S1 sample alone).
  /// The same seed: both samples are the same kaon decays, transported through either collimator.
  std::uint64_t eventsS2 = 0;
  /// Fraction of the 2018 kaon flux taken before the collimator change (S1). Model: 0.2, from
  /// the expected SM signal of the subsets in JHEP 06 (2021) 093 (S1 ~1.6 of 7.6 events; memory,
  /// unverified: the reference gives only the run ranges, 2018 runs from 8134, change at 8802).
  double s1FractionOf2018 = 0.2;
};

/// One selection variant: brute force and forced-accidental weighted sums (index 0 = 2018
/// selection 15-45 GeV/c, 1 = 2016-17 selection 15-35 GeV/c).
struct PnnUpstreamVariant {
  std::string name;
  PnnSelectionConfig selection;
  std::uint32_t ignore = 0;  ///< cuts not applied (passesAllBut(ignore)); 0 = the full selection
  std::array<WeightSum, 2> bruteForce{}, weighted{};
};

struct PnnUpstreamResult {
  std::uint64_t generated = 0;
  double sumWeight = 0;     ///< sum of w = P_up x BR
  double sumFiducial = 0;   ///< sum of P_FV of the same kaons
  double meanPileup = 0;    ///< mu of the forced-accidental weight
  CutFlow cutflow;          ///< brute force, kaonlab selection
  std::vector<PnnUpstreamVariant> variants;  ///< [0] = kaonlab selection, then diagnostics
  /// Reconstructed vertex z (m) of weighted events passing every cut of the last variant
  /// except the vertex cut (bins of 1 m from 95 m).
  static constexpr int kZBins = 80;
  static constexpr double kZMin = 95.0, kZMax = 175.0;
  std::array<double, kZBins> vertexZ{};
  /// Truth bookkeeping: daughters absorbed in the final collimator, events with a GTK3 hit,
  /// with a CHANTI hit of their own particles (fractions of generated events, unweighted).
  std::uint64_t collimatorAbsorbed = 0, withGtk3Hit = 0, withOwnChantiHit = 0;
  /// Upstream decays per fiducial decay: sum w / sum P_FV.
  double decaysPerFiducialDecay() const { return sumFiducial > 0 ? sumWeight / sumFiducial : 0; }
};

/// Upstream background of one year (or 2018 subset) for each selection variant.
struct PnnUpstreamYear {
  std::string name;
  double published = 0, publishedUp = 0, publishedDown = 0;
  std::vector<Estimate> bruteForce, weighted;  ///< per variant
  double perEventWeighted = 0;  ///< background of one selected event of mean weight (upper-limit scale)
  std::string collimator;       ///< "Design 2016", "Design 2018" or "S1 + S2"
  bool subset = false;          ///< a 2018 subset (S1 or S2): not added to the Run-1 sum
};

/// Simulate the upstream sample of `up` (collimator up.collimatorDesign) with the selection variants.
PnnUpstreamResult runPnnUpstream(const PnnAnalysisConfig& cfg, const PnnUpstreamConfig& up,
                                 const std::vector<PnnUpstreamVariant>& variants,
                                 const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});
/// The default variants for a selection: the selection itself, without the TRIM5 box cut,
/// without the box cut but with the R_STRAW1-vs-z cut (v), without the box and GTK3-area cuts;
/// the "match sample" (every cut except the upstream veto, the pi+ ID, the photon veto and the
/// signal region: kinematics, KTAG, GTK match and vertex) with only the CHANTI, only the GTK3
/// area and hit cuts, only the box cut; and last the match sample itself, which has the
/// statistics for the weighted-versus-brute-force check and the vertex-z distribution.
std::vector<PnnUpstreamVariant> defaultUpstreamVariants(const PnnSelectionConfig& sel);
/// Per-year estimates (N_K, eps_trig of the results) and, where the rule allows, the
/// upstream background used for the statistics (PnnResults::upstreamRun1).
void finishPnnUpstream(PnnResults& r);
/// Report rows (published upstream background per year beside kaonlab's, diagnostics, check).
std::vector<PnnRow> pnnUpstreamRows(const PnnResults& r);
/// The upstream part of pnnResultsJson (JSON text).
std::string pnnUpstreamJson(const PnnResults& r);

}  // namespace kaonlab::analysis
