// Upstream background by simulation (PnnUpstream.hpp): the forced-accidental weighting
// against brute force at an enhanced beam rate, the reconstructed-vertex distribution of
// upstream decays, the action of the TRIM5 box cut, and the per-year normalisation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "PnnCandidate.hpp"
#include "kaonlab/analysis/PnnAnalysis.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

using namespace kaonlab;
using namespace kaonlab::analysis;

namespace {
constexpr std::uint32_t kLate = bit(PnnCut::RichPionId) | bit(PnnCut::CaloPionId) | bit(PnnCut::MuonVeto) |
                                bit(PnnCut::PhotonVeto) | bit(PnnCut::SignalRegion);
PnnAnalysisConfig baseConfig() {
  PnnAnalysisConfig c;
  c.seed = 31337;
  return c;
}
/// The three Run 1 years with N_K = 1e12 each (2018 with the 15-45 GeV/c selection).
void addRun1Years(PnnResults& r) {
  for (const char* y : {"2016", "2017", "2018"}) {
    PnnYear py;
    py.name = y;
    py.nK = 1e12;
    py.selection = std::string(y) == "2018" ? 0 : 1;
    r.years.push_back(py);
  }
}
}  // namespace

TEST(PnnUpstream, ForcedAccidentalAgreesWithBruteForce) {
  // Beam rate x3 (mu = 5.4 pile-up particles in the GTK window): several tracks compete for
  // the match, so the estimator is only right if it counts the forced particle exactly when
  // it is the matched track (Mecke formula). Selection: kinematics, KTAG, GTK match and vertex
  // (the brute-force statistics are in the matching, which is what the weighting replaces).
  PnnAnalysisConfig cfg = baseConfig();
  cfg.generator.beam.rate *= 3.0;
  PnnUpstreamConfig up;
  up.events = 2000000;  // (NA62's K-pi matching rejects ambiguous matches at this rate; NA62's
                        // collimator geometries absorb most pions that passed around the 2016 block)
  up.forcedTracks = 4;
  const auto variants = defaultUpstreamVariants(cfg.selection);
  const PnnUpstreamResult r = runPnnUpstream(cfg, up, {variants.back()});
  EXPECT_NEAR(r.meanPileup, 5.4, 1e-9);
  const auto& v = r.variants[0];
  ASSERT_GT(v.bruteForce[0].n, 150);
  ASSERT_GT(v.weighted[0].n, 150);
  const double bf = v.bruteForce[0].w, w = v.weighted[0].w;
  const double sigma = std::hypot(v.bruteForce[0].error(), v.weighted[0].error());
  RecordProperty("weighted_over_brute_force", std::to_string(w / bf));
  EXPECT_LT(std::abs(w - bf), 4.0 * sigma) << "weighted " << w << " brute force " << bf;
  RecordProperty("relative_error_weighted", std::to_string(v.weighted[0].error() / w));
  RecordProperty("relative_error_brute_force", std::to_string(v.bruteForce[0].error() / bf));
}

TEST(PnnUpstream, ReconstructedVertexOfUpstreamDecaysPeaksUpstreamOfTheFiducialVolume) {
  // A pi+ from a decay at 99.5-102.4 m matched to a pile-up beam track: the CDA midpoint lies
  // near the true decay point (the two lines cross there to within the beam spot), with a
  // tail into the FV from small relative angles -- the upstream background is that tail.
  // NA62's K-pi matching only accepts vertices downstream of GTK3 (102.4 m): the matched
  // vertices peak just after it.
  PnnAnalysisConfig cfg = baseConfig();
  PnnUpstreamConfig up;
  up.events = 200000;
  up.forcedTracks = 4;
  const auto variants = defaultUpstreamVariants(cfg.selection);
  const PnnUpstreamResult r = runPnnUpstream(cfg, up, {variants.back()});
  const auto& h = r.vertexZ;
  double total = 0, fv = 0;
  for (int b = 0; b < PnnUpstreamResult::kZBins; ++b) {
    const double z = PnnUpstreamResult::kZMin + b + 0.5;
    total += h[static_cast<std::size_t>(b)];
    if (z > 110 && z < 165) fv += h[static_cast<std::size_t>(b)];
  }
  ASSERT_GT(total, 0);
  const int peak = static_cast<int>(std::max_element(h.begin(), h.end()) - h.begin());
  const double zPeak = PnnUpstreamResult::kZMin + peak + 0.5;
  RecordProperty("vertex_z_peak_m", std::to_string(zPeak));
  RecordProperty("fraction_in_fv", std::to_string(fv / total));
  EXPECT_GT(zPeak, 102.0);
  EXPECT_LT(zPeak, 106.0);
  EXPECT_GT(fv / total, 1e-3);  // a tail into the FV exists
  EXPECT_LT(fv / total, 0.3);   // most matched vertices stay upstream of it
}

TEST(PnnUpstream, Trim5BoxCutRemovesThePionsFromTheCollimatorAperture) {
  // With straight lines and the TRIM5 kick, a pi+ from the aperture (|x| < 33 mm) is within
  // |x| < 100 mm at 101.8 m: only pi+ -> mu+ nu kinks in the tank can move the back-
  // extrapolated track outside the box. Upstream vetoes off except the box cut; late cuts off.
  PnnAnalysisConfig cfg = baseConfig();
  PnnSelectionConfig none = cfg.selection;
  none.trim5BoxCut = none.gtk3AreaCut = none.gtk3HitCut = none.chantiVeto = false;
  PnnSelectionConfig box = none;
  box.trim5BoxCut = true;
  PnnUpstreamConfig up;
  up.events = 800000;  // (NA62's collimator geometries absorb most achromat pions)
  up.forcedTracks = 4;
  const PnnUpstreamResult r =
      runPnnUpstream(cfg, up, {{"no upstream cuts", none, kLate, {}, {}}, {"box cut only", box, kLate, {}, {}}});
  const auto& a = r.variants[0];
  const auto& b = r.variants[1];
  ASSERT_GT(a.weighted[0].n, 60);  // (99 events: most pions of the match sample come through the hole)
  RecordProperty("box_cut_survival", std::to_string(b.weighted[0].w / a.weighted[0].w));
  EXPECT_LT(b.weighted[0].w, 0.01 * a.weighted[0].w);
}

TEST(PnnUpstream, PerYearNormalisationAndStatisticsRule) {
  PnnResults r;
  r.config.upstream.useSimulationForStats = true;
  r.config.normalisation.triggerEfficiency = 0.5;
  addRun1Years(r);
  r.upstream.generated = 1000;
  r.upstream.sumFiducial = 100;  // <P_FV> = 0.1
  r.upstream.sumWeight = 5;      // <P_up BR> = 0.005
  PnnUpstreamVariant v;
  v.name = "test";
  for (int i = 0; i < 400; ++i) v.weighted[0].add(1e-9);  // sum 4e-7, error 2e-8
  for (int i = 0; i < 100; ++i) v.weighted[1].add(1e-9);
  r.upstream.variants = {v};
  finishPnnUpstream(r);
  ASSERT_EQ(r.upstreamYears.size(), 3u);
  // N_K x eps_trig x sum(w selected) / sum(P_FV) = 1e12 x 0.5 x 4e-7 / 100 = 2000
  EXPECT_NEAR(r.upstreamYears[2].weighted[0].value, 2000.0, 1e-6);
  EXPECT_NEAR(r.upstreamYears[2].weighted[0].error, 100.0, 1e-6);
  EXPECT_NEAR(r.upstreamYears[0].weighted[0].value, 500.0, 1e-6);  // 2016-17 selection
  EXPECT_DOUBLE_EQ(r.upstreamYears[2].published, 3.30);
  // relative MC error < 50%: the simulated value replaces the published one in the BR
  EXPECT_TRUE(r.upstreamSimulatedForStats);
  EXPECT_NEAR(r.upstreamRun1, 3000.0, 1e-6);
  // one event: error = value -> the published values are kept
  PnnResults r1 = r;
  r1.upstream.variants[0].weighted = {};
  r1.upstream.variants[0].weighted[0].add(1e-9);
  r1.upstreamRun1 = 4.24;
  r1.upstreamSimulatedForStats = false;
  finishPnnUpstream(r1);
  EXPECT_FALSE(r1.upstreamSimulatedForStats);
  EXPECT_DOUBLE_EQ(r1.upstreamRun1, 4.24);
  // report rows exist for every year and the check
  const auto rows = pnnUpstreamRows(r);
  int years = 0;
  for (const auto& row : rows)
    if (row.quantity.find("upstream background 201") != std::string::npos) ++years;
  EXPECT_EQ(years, 3);
}

TEST(PnnUpstream, S1AndS2SamplesShareThe2018Flux) {
  // 2018 = S1 (Design 2016 collimator, fraction f of the flux) + S2 (Design 2018, 1 - f)
  PnnResults r;
  r.config.normalisation.triggerEfficiency = 1.0;
  r.config.upstream.s1FractionOf2018 = 0.25;
  addRun1Years(r);
  PnnUpstreamVariant v;
  v.name = "test";
  for (int i = 0; i < 100; ++i) v.weighted[0].add(1e-9), v.weighted[1].add(1e-9);  // S1 sample: 1e-7
  r.upstream.generated = 1000;
  r.upstream.sumFiducial = r.upstream.sumWeight = 100;
  r.upstream.variants = {v};
  r.upstreamS2 = r.upstream;
  r.upstreamS2.variants[0].weighted = {};
  for (int i = 0; i < 100; ++i) r.upstreamS2.variants[0].weighted[0].add(1e-10);  // S2 sample: 1e-8
  finishPnnUpstream(r);
  ASSERT_EQ(r.upstreamYears.size(), 5u);
  // S1: 0.25 x 1e12 x 1e-7 / 100 = 250; S2: 0.75 x 1e12 x 1e-8 / 100 = 75; 2018 = 325
  EXPECT_EQ(r.upstreamYears[3].name, "2018 S1");
  EXPECT_EQ(r.upstreamYears[4].name, "2018 S2");
  EXPECT_NEAR(r.upstreamYears[3].weighted[0].value, 250.0, 1e-6);
  EXPECT_NEAR(r.upstreamYears[4].weighted[0].value, 75.0, 1e-6);
  EXPECT_NEAR(r.upstreamYears[2].weighted[0].value, 325.0, 1e-6);
  EXPECT_NEAR(r.upstreamYears[2].weighted[0].error, std::hypot(25.0, 7.5), 1e-6);
  EXPECT_EQ(r.upstreamYears[2].collimator, "S1 + S2");
  // the Run-1 sum counts 2018 once (not its subsets): 1000 + 1000 + 325
  EXPECT_NEAR(r.upstreamRun1, 2325.0, 1e-6);
}

TEST(PnnUpstream, BiasedSamplingAgreesWithUnbiased) {
  // Region (90% of the decays downstream of BEND 4B) and mode (K+ -> mu+ nu x 0.1) importance
  // sampling against the plain decay law with modes by BR: two independent samples, the same
  // weighted sums within errors. Variants: the match sample (kinematics, KTAG, GTK match,
  // vertex) and the match sample with the CHANTI veto, whose survivors come from the achromat
  // (pi+ displaced vertically by BEND 5/6 outside the CHANTI rings; with NA62's collimator
  // geometries few also pass the GTK3 area/hit cuts: 12 of 550 k biased decays).
  PnnAnalysisConfig cfg = baseConfig();
  const auto variants = defaultUpstreamVariants(cfg.selection);
  std::vector<PnnUpstreamVariant> vs;
  for (const auto& v : variants)
    if (v.name.find("CHANTI (iv) only") != std::string::npos) vs.push_back(v);
  vs.push_back(variants.back());
  ASSERT_EQ(vs.size(), 2u);
  PnnUpstreamConfig biased;
  biased.events = 550000;  // (NA62's K-pi matching: fewer matched upstream pions)
  biased.forcedTracks = 8;
  PnnUpstreamConfig plain = biased;
  plain.region.downstreamShare = 0;
  plain.modeBias.clear();
  const PnnUpstreamResult a = runPnnUpstream(cfg, biased, vs);
  const PnnUpstreamResult b = runPnnUpstream(cfg, plain, vs);
  // the same decays per GTK3 kaon (sum of weights), and the same selected weight per variant
  EXPECT_NEAR(a.sumWeight / a.generated, b.sumWeight / b.generated, 0.01 * b.sumWeight / b.generated);
  for (std::size_t k = 0; k < vs.size(); ++k) {
    const auto& wa = a.variants[k].weighted[0];
    const auto& wb = b.variants[k].weighted[0];
    ASSERT_GT(wa.n, 50) << vs[k].name;  // (the plain sample: ~60 events after the CHANTI veto)
    ASSERT_GT(wb.n, 50) << vs[k].name;
    const double ra = wa.w / a.sumFiducial, rb = wb.w / b.sumFiducial;
    const double sigma = std::hypot(wa.error() / a.sumFiducial, wb.error() / b.sumFiducial);
    RecordProperty("biased_over_plain_" + std::to_string(k), std::to_string(ra / rb));
    RecordProperty("biased_over_plain_error_" + std::to_string(k), std::to_string(sigma / rb));
    EXPECT_LT(std::abs(ra - rb), 4.0 * sigma) << vs[k].name << ": biased " << ra << " plain " << rb;
  }
  // the biasing spends fewer decays on K+ -> mu+ nu and upstream of BEND 4B: more selected events
  EXPECT_GT(a.variants[0].weighted[0].n, b.variants[0].weighted[0].n);
}

TEST(PnnUpstream, Gtk3HitCutAndStrawRadiusCut) {
  const PnnSelectionConfig cfg;
  const PnnSelection sel(cfg);
  reco::RecoEvent ev = test::pnnCandidate();
  EXPECT_TRUE(sel.classify(ev).passed());  // no GTK3 hit (distance +inf)
  ev.tracks[0].gtk3HitDistance = 20.6;     // vetoed (< 24 mm)
  EXPECT_TRUE(sel.classify(ev).failed & bit(PnnCut::UpstreamVeto));
  ev.tracks[0].gtk3HitDistance = 25.0;  // kept
  EXPECT_TRUE(sel.classify(ev).passed());
  ev.tracks[0].gtk3HitDistance = 0.0;
  PnnSelectionConfig off = cfg;
  off.gtk3HitCut = false;
  EXPECT_TRUE(PnnSelection(off).classify(ev).passed());
  // (v): R_STRAW1 = |306 - 101.2| = 204.8 mm against 830 - 0.00436 z: z = 140 m -> 219.6 mm (rejected),
  // z = 150 m -> 176 mm (kept)
  ev.tracks[0].gtk3HitDistance = std::numeric_limits<double>::infinity();
  PnnSelectionConfig v = cfg;
  v.strawRadiusVsZCut = true;
  EXPECT_TRUE(PnnSelection(v).classify(ev).failed & bit(PnnCut::UpstreamVeto));
  reco::RecoEvent later = ev;
  later.tracks[0].vertex.z = 150000.0;
  EXPECT_TRUE(PnnSelection(v).classify(later).passed());
}

TEST(PnnUpstream, ReconstructionGivesTheDistanceToTheNearestGtk3Hit) {
  // track at GTK3: x = x1 + (px/pz) (z_GTK3 - z_STRAW1), straight line (no field in the tank)
  const detector::DetectorConfig dc;
  const reco::Reconstruction rec(reco::Reconstruction::Config{}, dc);
  detector::DetectorEvent det;
  det.clear();
  auto& s = det.straw[0];
  s = detector::StrawTrack{};
  s.charge = 1;
  s.momentum = {0.15, 0.0, 25.0};
  s.position = {306.0, 0.0, dc.straw.z[0]};
  s.nChambers = 4;
  s.chamberMask = 0b1111;
  det.nStraw = 1;
  const double xg = 306.0 + 0.006 * (dc.gtk.z[2] - dc.straw.z[0]);
  det.gtk3Hits[0] = {xg + 20.0, 5.0, 0.0, -1, 3};
  det.gtk3Hits[1] = {xg - 3.0, 4.0, 0.0, -1, 3};
  det.gtk3Hits[2] = {xg, 0.0, 0.0, -1, 2};  // GTK2: ignored
  det.nGtk3Hits = 3;
  reco::RecoEvent ev;
  rec.reconstruct(det, ev);
  ASSERT_EQ(ev.nTracks, 1u);
  EXPECT_NEAR(ev.tracks[0].gtk3HitDistance, 5.0, 1e-6);
  det.nGtk3Hits = 0;
  rec.reconstruct(det, ev);
  EXPECT_TRUE(std::isinf(ev.tracks[0].gtk3HitDistance));
}
