// Upstream background of the pi nu nu analysis by simulation (PnnUpstream.hpp,
// docs/analysis-pnn.md "Upstream background").
#include "kaonlab/analysis/PnnUpstream.hpp"

#include "EventLoop.hpp"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "kaonlab/analysis/PnnAnalysis.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/detector/FastSimulation.hpp"

namespace kaonlab::analysis {

namespace {

constexpr std::size_t kMaxVariants = 10;
/// Cuts that do not depend on the GTK track (the forced pile-up track cannot change them when
/// the event has one STRAW track): an event failing one of them is not re-reconstructed.
constexpr std::uint32_t kGtkIndependent = bit(PnnCut::OneTrack) | bit(PnnCut::TrackQuality) | bit(PnnCut::Momentum) |
                                          bit(PnnCut::KaonId) | bit(PnnCut::RichPionId) | bit(PnnCut::CaloPionId) |
                                          bit(PnnCut::MuonVeto) | bit(PnnCut::PhotonVeto);

struct UpScratch {
  generator::TruthEvent truth;
  detector::DetectorEvent det, detForced;
  reco::RecoEvent reco, recoForced;
};

struct UpRecord {
  double w = 0, pFiducial = 0, p = 0;
  PnnClassification cls;  ///< brute force, variant 0
  std::array<bool, kMaxVariants> bruteForce{};
  std::array<int, kMaxVariants> weighted{};  ///< forced particles giving a selected match
  std::array<double, 16> vertexZ{};  ///< reconstructed vertex z (m) per forced particle of the last variant
  int nVertexZ = 0;
  bool collimator = false, gtk3 = false, chanti = false;
};

int zBin(double z) {
  using R = PnnUpstreamResult;
  if (!(z >= R::kZMin) || !(z < R::kZMax)) return -1;
  return std::min(R::kZBins - 1, static_cast<int>((z - R::kZMin) / (R::kZMax - R::kZMin) * R::kZBins));
}

constexpr const char* kGroupUp = "K+ -> pi+ nu nubar: upstream background (issue 5)";

/// A kaonlab upstream figure: the estimate, or with no selected MC event the weight of one
/// event (core::Comparison::noMcEvent).
core::Comparison upstreamRow(std::string quantity, double published, double publishedError, const Estimate& e,
                             double perEvent, std::string source) {
  const bool none = e.value == 0;
  core::Comparison row{std::string(kGroupUp), std::move(quantity), published, publishedError, e.value,
                       none ? perEvent : e.error, std::move(source)};
  row.noMcEvent = none;
  return row;
}

}  // namespace

std::vector<PnnUpstreamVariant> defaultUpstreamVariants(const PnnSelectionConfig& sel) {
  std::vector<PnnUpstreamVariant> v;
  v.push_back({"kaonlab selection", sel, 0, {}, {}});
  PnnSelectionConfig noBox = sel;
  noBox.trim5BoxCut = false;
  v.push_back({"without the TRIM5 box cut (vi)", noBox, 0, {}, {}});
  PnnSelectionConfig noBoxV = noBox;
  noBoxV.strawRadiusVsZCut = true;
  v.push_back({"without (vi), with the R_STRAW1-vs-z cut (v)", noBoxV, 0, {}, {}});
  PnnSelectionConfig loose = noBox;
  loose.gtk3AreaCut = false;
  v.push_back({"without (vi) and the GTK3-area cut (i)", loose, 0, {}, {}});
  // kinematics, KTAG, GTK match and vertex, with one part of the upstream veto at a time
  constexpr std::uint32_t kLate = bit(PnnCut::RichPionId) | bit(PnnCut::CaloPionId) | bit(PnnCut::MuonVeto) |
                                  bit(PnnCut::PhotonVeto) | bit(PnnCut::SignalRegion);
  PnnSelectionConfig none = sel;
  none.chantiVeto = none.gtk3AreaCut = none.gtk3HitCut = none.trim5BoxCut = none.strawRadiusVsZCut = false;
  none.additionalVertexCut = false;
  PnnSelectionConfig chanti = none, gtk3 = none, box = none, vertex = none;
  chanti.chantiVeto = true;
  gtk3.gtk3AreaCut = gtk3.gtk3HitCut = true;
  box.trim5BoxCut = true;
  vertex.additionalVertexCut = true;
  v.push_back({"match sample + CHANTI (iv) only", chanti, kLate, {}, {}});
  v.push_back({"match sample + GTK3 area and hits (i), (ii) only", gtk3, kLate, {}, {}});
  v.push_back({"match sample + TRIM5 box (vi) only", box, kLate, {}, {}});
  v.push_back({"match sample + additional vertex (vii) only", vertex, kLate, {}, {}});
  v.push_back({"match sample + pi+ ID, photon veto, signal region (no upstream veto)", sel, bit(PnnCut::UpstreamVeto), {}, {}});
  v.push_back({"kinematics, KTAG, GTK match and vertex only (match sample)", sel, kLate | bit(PnnCut::UpstreamVeto), {}, {}});
  return v;
}

PnnUpstreamResult runPnnUpstream(const PnnAnalysisConfig& cfg, const PnnUpstreamConfig& up,
                                 const std::vector<PnnUpstreamVariant>& variantsIn,
                                 const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  if (variantsIn.empty() || variantsIn.size() > kMaxVariants)
    throw std::invalid_argument("runPnnUpstream: 1 to 10 selection variants");
  PnnUpstreamResult res;
  res.variants = variantsIn;
  res.generated = up.events;
  // generator: all modes by BR, seed cfg.seed x 1000 + 999 (the modes use + catalogue index)
  generator::GeneratorConfig g = cfg.generator;
  g.modes = {up.modes};
  g.selection = generator::ModeSelection::BranchingRatio;
  g.modeBias = up.modeBias;
  g.seed = cfg.seed * 1000 + 999;
  generator::UpstreamDecayConfig region = up.region;
  region.trim5Z = cfg.detector.upstream.trim5Z;  // one TRIM5 for the beam and the daughters
  region.trim5Kick = cfg.detector.upstream.trim5Kick;
  region.dipoles = cfg.detector.upstream.dipoles;  // one achromat for the kaon and the daughters
  const generator::UpstreamDecaySource source(g, region);
  detector::DetectorConfig d = cfg.detector;
  d.seed = g.seed;
  d.upstream.collimatorDesign = up.collimatorDesign;
  const detector::FastSimulation sim(d, g.beam);
  const reco::Reconstruction rec(cfg.reco, d);
  std::vector<PnnSelection> sels;
  for (const auto& v : res.variants) sels.emplace_back(v.selection);
  const std::size_t nv = sels.size();
  const double mu = sim.pileupGtkMean();
  res.meanPileup = mu;
  if (up.forcedTracks < 1 || up.forcedTracks > 16) throw std::invalid_argument("runPnnUpstream: 1 to 16 forced tracks");
  const int nForced = up.forcedTracks;
  const double wForced = mu / nForced;
  const std::uint32_t zIgnore = res.variants.back().ignore | bit(PnnCut::Vertex);
  const double pSplit = PnnSelectionConfig::run2016_2017().pMax / units::GeV;
  static constexpr std::uint64_t kForcedStream = streamId("forced-accidental");

  auto process = [&](std::uint64_t index, UpScratch& s, UpRecord& out) {
    out = UpRecord{};
    source.generate(index, s.truth);
    out.w = s.truth.weight;
    out.pFiducial = source.fiducialProbability(s.truth);
    sim.simulate(s.truth, s.det);
    rec.reconstruct(s.det, s.reco);
    // truth bookkeeping
    const Vector3 v = s.truth.decayVertex.vec();
    for (std::size_t i = 0; i < s.truth.nParticles; ++i) {
      const auto& tp = s.truth.particles[i];
      if (tp.status != 1 || charge(tp.pdgId) == 0) continue;
      if (sim.transportUpstream(tp.pdgId, tp.p, v).inCollimator) out.collimator = true;
    }
    out.gtk3 = s.det.nGtk3Hits > 0;
    for (std::size_t h = 0; h < s.det.nChanti; ++h)
      if (s.det.chanti[h].truthIndex >= 0) out.chanti = true;
    // brute force
    for (std::size_t k = 0; k < nv; ++k) {
      const PnnClassification c = sels[k].classify(s.reco);
      if (k == 0) out.cls = c;
      out.bruteForce[k] = c.passesAllBut(res.variants[k].ignore);
    }
    out.p = out.cls.p;
    if (out.cls.failed & kGtkIndependent & ~res.variants.back().ignore) return;
    // forced pile-up particles X_j (independent): weight mu / nForced for each X_j that is the
    // matched GTK track of a selected event
    RandomStream frng(g.seed, kForcedStream, index);
    if (s.det.nGtk >= detector::DetectorEvent::kMaxGtk) return;  // (never at 450 MHz)
    const int xi = static_cast<int>(s.det.nGtk);
    for (int j = 0; j < nForced; ++j) {
      detector::GtkTrack x;
      if (!sim.pileupGtkTrack(s.truth.beamOrigin.e, frng, x)) continue;
      s.detForced = s.det;
      s.detForced.gtk[s.detForced.nGtk++] = x;
      rec.reconstruct(s.detForced, s.recoForced);
      for (std::size_t k = 0; k < nv; ++k) {
        const PnnClassification c = sels[k].classify(s.recoForced);
        if (c.track < 0 || s.recoForced.tracks[static_cast<std::size_t>(c.track)].gtkIndex != xi) continue;
        if (c.passesAllBut(res.variants[k].ignore)) ++out.weighted[k];
        if (k + 1 == nv && c.passesAllBut(zIgnore))
          out.vertexZ[static_cast<std::size_t>(out.nVertexZ++)] =
              s.recoForced.tracks[static_cast<std::size_t>(c.track)].vertex.z / units::m;
      }
    }
  };

  // in event order: identical for any thread count
  detail::runEventBlocks<UpScratch, UpRecord>(
      cfg.threads, up.events, 1, [&](std::uint64_t index, UpScratch& s, UpRecord* r) { process(index, s, *r); },
      [&](const UpRecord& e) {
        res.sumWeight += e.w;
        res.sumFiducial += e.pFiducial;
        res.cutflow.fill(e.cls, e.w);
        res.collimatorAbsorbed += e.collimator;
        res.withGtk3Hit += e.gtk3;
        res.withOwnChantiHit += e.chanti;
        for (std::size_t k = 0; k < nv; ++k) {
          auto& v = res.variants[k];
          if (e.bruteForce[k]) {
            v.bruteForce[0].add(e.w);
            if (e.p <= pSplit) v.bruteForce[1].add(e.w);
          }
          if (e.weighted[k] > 0) {
            v.weighted[0].add(e.w * wForced * e.weighted[k]);
            if (e.p <= pSplit) v.weighted[1].add(e.w * wForced * e.weighted[k]);
          }
        }
        for (int j = 0; j < e.nVertexZ; ++j)
          if (const int b = zBin(e.vertexZ[static_cast<std::size_t>(j)]); b >= 0)
            res.vertexZ[static_cast<std::size_t>(b)] += e.w * wForced;
      },
      [&](std::uint64_t done) {
        if (progress) progress(done, up.events);
      });
  return res;
}

void finishPnnUpstream(PnnResults& r) {
  const auto& up = r.upstream;
  const auto& nrm = r.config.normalisation;
  r.upstreamYears.clear();
  if (up.generated == 0 || up.sumFiducial <= 0) return;
  const bool haveS2 = r.upstreamS2.generated > 0 && r.upstreamS2.sumFiducial > 0;
  const double f1 = r.config.upstream.s1FractionOf2018;
  // one sample, one flux: N_K x eps_trig x sum(w selected) / sum(P_FV)
  auto fill = [&](PnnUpstreamYear& u, const PnnUpstreamResult& res, double nK, std::size_t s) {
    const double norm = nK * nrm.triggerEfficiency / res.sumFiducial;
    u.bruteForce.clear();
    u.weighted.clear();
    for (const auto& v : res.variants) {
      u.bruteForce.push_back({v.bruteForce[s].w * norm, v.bruteForce[s].error() * norm});
      u.weighted.push_back({v.weighted[s].w * norm, v.weighted[s].error() * norm});
    }
    // one selected (brute-force) event of average weight: the scale of a 0-event upper limit
    u.perEventWeighted = norm * res.sumWeight / static_cast<double>(res.generated);
  };
  auto add = [](const std::vector<Estimate>& a, const std::vector<Estimate>& b) {
    std::vector<Estimate> c(a.size());
    for (std::size_t k = 0; k < a.size(); ++k) c[k] = {a[k].value + b[k].value, std::hypot(a[k].error, b[k].error)};
    return c;
  };
  Estimate run1;
  std::vector<PnnUpstreamYear> subsets;
  for (std::size_t i = 0; i < r.years.size(); ++i) {
    const PnnYear& y = r.years[i];
    PnnUpstreamYear u;
    u.name = y.name;
    if (i < 3) {
      u.published = nrm.upstream[i];
      u.publishedUp = nrm.upstreamUp[i];
      u.publishedDown = nrm.upstreamDown[i];
    }
    const auto s = static_cast<std::size_t>(y.selection);
    u.collimator = "Design 2016";
    fill(u, up, y.nK, s);
    if (y.name == "2018" && haveS2) {
      // S1: Design 2016 collimator, fraction f1 of the flux; S2: Design 2018, the rest
      PnnUpstreamYear s1 = u, s2 = u;
      s1.name = "2018 S1";
      s2.name = "2018 S2";
      s1.published = s1.publishedUp = s1.publishedDown = 0;  // no published split
      s2.published = s2.publishedUp = s2.publishedDown = 0;
      s1.subset = s2.subset = true;
      fill(s1, up, f1 * y.nK, s);
      s2.collimator = "Design 2018";
      fill(s2, r.upstreamS2, (1.0 - f1) * y.nK, s);
      u.collimator = "S1 + S2";
      u.bruteForce = add(s1.bruteForce, s2.bruteForce);
      u.weighted = add(s1.weighted, s2.weighted);
      u.perEventWeighted = std::max(s1.perEventWeighted, s2.perEventWeighted);
      subsets = {s1, s2};
    }
    run1.value += u.weighted[0].value;
    run1.error = std::hypot(run1.error, u.weighted[0].error);
    r.upstreamYears.push_back(u);
  }
  for (auto& s : subsets) r.upstreamYears.push_back(s);
  if (r.config.upstream.useSimulationForStats && run1.value > 0 && run1.error < 0.5 * run1.value) {
    r.upstreamRun1 = run1.value;
    r.upstreamRun1Up = r.upstreamRun1Down = run1.error;
    r.upstreamSimulatedForStats = true;
  }
}

std::vector<PnnRow> pnnUpstreamRows(const PnnResults& r) {
  std::vector<PnnRow> rows;
  const auto& up = r.upstream;
  if (up.generated == 0 || r.upstreamYears.empty()) {
    rows.push_back({kGroupUp, "upstream 2018 (not simulated in this run)", 3.30, 0.5 * (0.98 + 0.73), 0, 0,
                    "talk backup; kaonlab: PnnAnalysisConfig::upstream.events = 0"});
    return rows;
  }
  const auto& reg = r.config.upstream.region;
  {  // decay law: upstream decays per fiducial decay, analytic at 75 GeV/c (lambda = 563.9 m)
    const double lam = 563.9, z0 = 102.4, a = reg.zMin / units::m, b = reg.zMax / units::m;
    const auto& f = r.config.generator.fiducial;
    const double pUp = std::exp((z0 - a) / lam) - std::exp((z0 - b) / lam);
    const double pFv = std::exp(-(f.zMin / units::m - z0) / lam) - std::exp(-(f.zMax / units::m - z0) / lam);
    rows.push_back({kGroupUp,
                    fmt::format("K+ decays in {:.2f}-{:.2f} m per decay in the FV {:g}-{:g} m", a, b, f.zMin / units::m,
                                f.zMax / units::m),
                    pUp / pFv, 0, up.decaysPerFiducialDecay(), 0,
                    "decay law at 75 GeV/c, lambda = 563.9 m (na62-detector.md 1.4); kaonlab: beam MC average"});
  }
  const double n = static_cast<double>(up.generated);
  for (const auto& y : r.upstreamYears) {
    const Estimate& e = y.weighted[0];
    const Estimate& bf = y.bruteForce[0];
    const double nDecays = y.collimator == "Design 2018" ? static_cast<double>(r.upstreamS2.generated) : n;
    std::string src = fmt::format("{}; kaonlab: collimator {}, forced-accidental weighted, {:.3g} M upstream decays; "
                                  "brute force {:.3g} +- {:.2g}",
                                  y.subset ? "no published split" : y.name == "2018" ? "talk backup" : "na62-detector.md 4.2 (memory)",
                                  y.collimator, nDecays * 1e-6, bf.value, bf.error);
    if (e.value == 0)
      src += "; 0 MC events selected (the box cut (vi) leaves no achromat pi+ that can meet a beam track: "
             "test UpstreamTransport.BoxCutLeavesNoAchromatPionThatCanMeetABeamTrack)";
    rows.push_back(upstreamRow(fmt::format("upstream background {} (kaonlab selection)", y.name), y.published,
                               0.5 * (y.publishedUp + y.publishedDown), e, y.perEventWeighted, src));
  }
  for (const auto& y : r.upstreamYears) {
    if (y.name != "2018") continue;
    for (std::size_t k = 1; k < up.variants.size(); ++k) {
      if (up.variants[k].name.rfind("match sample + pi+ ID", 0) == 0) {
        // factorised estimate: (match sample + every cut but the upstream veto) x the survival of
        // each upstream-veto part on the match sample, assumed independent
        Estimate f = y.weighted[k];
        for (std::size_t j = 1; j < up.variants.size(); ++j) {
          if (up.variants[j].name.rfind("match sample + ", 0) != 0 || j == k) continue;
          const Estimate e = efficiency(up.variants[j].weighted[0], up.variants.back().weighted[0]);
          f = {f.value * e.value, f.value * e.value *
                                      std::hypot(f.value > 0 ? f.error / f.value : 0, e.value > 0 ? e.error / e.value : 0)};
        }
        // (diagnostics are not the published quantity: no published value, no pull)
        rows.push_back({kGroupUp, fmt::format("  diagnostic 2018: {}", up.variants[k].name), 0, 0, y.weighted[k].value,
                        y.weighted[k].error,
                        fmt::format("not the analysis selection ({} MC events)", up.variants[k].weighted[0].n)});
        rows.push_back({kGroupUp, "  factorised 2018 (not a prediction): the line above x CHANTI x GTK3 (i, ii) x box (vi) x vertex (vii) survivals",
                        0, 0, f.value, f.error,
                        "assumes the upstream-veto parts independent of each other and of the other cuts; violated: in "
                        "kaonlab the GTK3/box survivors are pi+ -> mu+ nu kinks in the tank, which mostly fail the pi+ ID "
                        "(docs/analysis-pnn.md)"});
        continue;
      }
      if (up.variants[k].name.rfind("match sample +", 0) == 0) {  // survival of one upstream-veto part
        const auto& ref = up.variants.back().weighted[0];
        const auto& w = up.variants[k].weighted[0];
        const Estimate e = efficiency(w, ref);
        rows.push_back({kGroupUp, fmt::format("  upstream-veto survival, {}", up.variants[k].name), 0, 0, e.value, e.error,
                        fmt::format("kaonlab only; fraction of the match sample (weighted, {} MC events)", w.n)});
        continue;
      }
      if (k == 1)  // the box-cut effect per collimator (S1: Design 2016, S2: Design 2018)
        for (const auto& sub : r.upstreamYears) {
          if (!sub.subset) continue;
          rows.push_back(upstreamRow(fmt::format("  diagnostic {}: {}", sub.name, up.variants[k].name), 0, 0,
                                     sub.weighted[k], sub.perEventWeighted,
                                     fmt::format("collimator {}; not the analysis selection", sub.collimator)));
        }
      rows.push_back(upstreamRow(fmt::format("  diagnostic 2018: {}", up.variants[k].name), 0, 0, y.weighted[k],
                                 y.perEventWeighted,
                                 fmt::format("not the analysis selection; brute force {:.3g} +- {:.2g} ({} MC events)",
                                             y.bruteForce[k].value, y.bruteForce[k].error,
                                             up.variants[k].bruteForce[0].n)));
    }
  }
  {  // weighted versus brute force on the loosest variant (most statistics)
    const auto& v = up.variants.back();
    const Estimate q = ratio({v.weighted[0].w, v.weighted[0].error()}, {v.bruteForce[0].w, v.bruteForce[0].error()});
    rows.push_back({kGroupUp, fmt::format("forced-accidental weighted / brute force ({})", v.name), 1.0, 0.0, q.value,
                    q.error, fmt::format("must be 1 within errors ({} brute-force events)", v.bruteForce[0].n)});
  }
  rows.push_back({kGroupUp, "used for the BR: Run 1 upstream background", 0.050 + 0.89 + 3.30, 0.0, r.upstreamRun1,
                  0.5 * (r.upstreamRun1Up + r.upstreamRun1Down),
                  r.upstreamSimulatedForStats ? "kaonlab simulation (MC error < 50%)"
                                              : "published values (kaonlab MC error >= 50% or no MC event)"});
  return rows;
}

std::string pnnUpstreamJson(const PnnResults& r) {
  nlohmann::json j;
  const auto& up = r.upstream;
  auto est = [](const Estimate& e) { return nlohmann::json{{"value", e.value}, {"error", e.error}}; };
  auto ws = [](const WeightSum& s) { return nlohmann::json{{"events", s.n}, {"sum_w", s.w}, {"sum_w2", s.w2}}; };
  j["generated"] = up.generated;
  j["z_min_m"] = r.config.upstream.region.zMin / units::m;
  j["z_max_m"] = r.config.upstream.region.zMax / units::m;
  j["decays_per_fiducial_decay"] = up.decaysPerFiducialDecay();
  j["mean_pileup_in_gtk_window"] = up.meanPileup;
  j["fraction_with_daughter_absorbed_in_collimator"] = up.generated ? up.collimatorAbsorbed / double(up.generated) : 0.0;
  j["fraction_with_gtk3_hit"] = up.generated ? up.withGtk3Hit / double(up.generated) : 0.0;
  j["fraction_with_own_chanti_hit"] = up.generated ? up.withOwnChantiHit / double(up.generated) : 0.0;
  nlohmann::json cf = nlohmann::json::array();
  for (int k = 0; k <= kPnnCutCount; ++k)
    cf.push_back({{"after", k == 0 ? std::string("generated") : std::string(cutName(static_cast<PnnCut>(k - 1)))},
                  {"events", up.cutflow.events[static_cast<std::size_t>(k)]},
                  {"sum_w", up.cutflow.weights[static_cast<std::size_t>(k)]}});
  j["cut_flow_brute_force"] = cf;
  nlohmann::json vs = nlohmann::json::array();
  for (const auto& v : up.variants)
    vs.push_back({{"name", v.name},
                  {"brute_force_2018", ws(v.bruteForce[0])},
                  {"brute_force_2016_17", ws(v.bruteForce[1])},
                  {"weighted_2018", ws(v.weighted[0])},
                  {"weighted_2016_17", ws(v.weighted[1])}});
  j["variants"] = vs;
  nlohmann::json ys = nlohmann::json::array();
  for (const auto& y : r.upstreamYears) {
    nlohmann::json w = nlohmann::json::array(), b = nlohmann::json::array();
    for (std::size_t k = 0; k < y.weighted.size(); ++k) {
      w.push_back(est(y.weighted[k]));
      b.push_back(est(y.bruteForce[k]));
    }
    ys.push_back({{"year", y.name}, {"published", y.published}, {"published_up", y.publishedUp},
                  {"published_down", y.publishedDown}, {"weighted", w}, {"brute_force", b},
                  {"one_event", y.perEventWeighted}});
  }
  j["years"] = ys;
  j["vertex_z_m"] = {{"min", PnnUpstreamResult::kZMin}, {"max", PnnUpstreamResult::kZMax},
                     {"sum_w", std::vector<double>(up.vertexZ.begin(), up.vertexZ.end())}};
  j["used_for_stats"] = r.upstreamSimulatedForStats;
  j["collimator_main_sample"] = r.config.upstream.collimatorDesign;
  j["s1_fraction_of_2018"] = r.config.upstream.s1FractionOf2018;
  if (r.upstreamS2.generated > 0) {
    const auto& s2 = r.upstreamS2;
    nlohmann::json v2 = nlohmann::json::array();
    for (const auto& v : s2.variants)
      v2.push_back({{"name", v.name}, {"brute_force_2018", ws(v.bruteForce[0])}, {"weighted_2018", ws(v.weighted[0])}});
    nlohmann::json cf2 = nlohmann::json::array();
    for (int k = 0; k <= kPnnCutCount; ++k)
      cf2.push_back({{"after", k == 0 ? std::string("generated") : std::string(cutName(static_cast<PnnCut>(k - 1)))},
                     {"events", s2.cutflow.events[static_cast<std::size_t>(k)]},
                     {"sum_w", s2.cutflow.weights[static_cast<std::size_t>(k)]}});
    j["s2_design_2018"] = {{"generated", s2.generated},
                           {"decays_per_fiducial_decay", s2.decaysPerFiducialDecay()},
                           {"fraction_with_daughter_absorbed_in_collimator", s2.collimatorAbsorbed / double(s2.generated)},
                           {"cut_flow_brute_force", cf2},
                           {"variants", v2}};
  }
  return j.dump();
}

}  // namespace kaonlab::analysis
