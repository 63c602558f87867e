// Full chain generator -> fast simulation -> reconstruction against reference figures
// (na62-detector.md §2.3, §3, §4.3). Fixed seeds; thresholds stated next to each check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/detector/FastSimulation.hpp"
#include "kaonlab/generator/Generator.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

using namespace kaonlab;
using namespace kaonlab::detector;

namespace {

struct Chain {
  generator::Generator gen;
  FastSimulation sim;
  reco::Reconstruction rec;
  Chain(const std::string& mode, std::uint64_t seed, const DetectorConfig& dc = {})
      : gen([&] {
          generator::GeneratorConfig c;
          c.seed = seed;
          c.modes = {mode};
          return c;
        }()),
        sim(dc, generator::BeamConfig{}),
        rec({}, dc) {}
};

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * (v.size() - 1))];
}
std::string sci(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}
double robustSigma(const std::vector<double>& v) { return 0.5 * (quantile(v, 0.8413) - quantile(v, 0.1587)); }

/// The pnn-like single-track selection used by the tests: one track, 15-35 GeV/c, in the
/// geometric acceptance, vertex 110-165 m, matched to a GTK track.
const reco::RecoTrack* selectTrack(const reco::RecoEvent& re) {
  if (re.nTracks != 1) return nullptr;
  const auto& t = re.tracks[0];
  if (t.p < 15 || t.p > 35 || !t.inAcceptance || t.gtkIndex < 0) return nullptr;
  if (t.vertex.z < 110000 || t.vertex.z > 165000) return nullptr;
  return &t;
}

/// Runs `check(de, track)` on the first 20 of 2000 generated K+ -> pi+ nu nubar events
/// (accidentals off) with one selected track that pass `accept(de, re)` and have room for one
/// more LKr cluster; returns how many were checked (the veto tests edit copies of `de`).
template <class Accept, class Check>
int checkSelectedPionEvents(std::uint64_t seed, Accept&& accept, Check&& check) {
  DetectorConfig dc;
  dc.accidentals.enabled = false;
  Chain c("pinunu", seed, dc);
  generator::TruthEvent ev;
  DetectorEvent de;
  reco::RecoEvent re;
  int tested = 0;
  for (std::uint64_t i = 0; i < 2000 && tested < 20; ++i) {
    c.gen.generate(i, ev);
    c.sim.simulate(ev, de);
    c.rec.reconstruct(de, re);
    const auto* t = selectTrack(re);
    if (!t || !accept(de, re) || de.nLkr + 1 > de.lkr.size()) continue;
    check(c.rec, de, *t);
    ++tested;
  }
  return tested;
}

}  // namespace

TEST(Kinematics, K2piMissingMassPeakAndResolution) {
  Chain c("k2pi", 101);
  generator::TruthEvent ev;
  DetectorEvent de;
  reco::RecoEvent re;
  std::vector<double> m2;
  for (std::uint64_t i = 0; i < 40000; ++i) {
    c.gen.generate(i, ev);
    c.sim.simulate(ev, de);
    c.rec.reconstruct(de, re);
    const auto* t = selectTrack(re);
    if (t && t->gtkTrueKaon && de.straw[t->strawIndex].trueDecayZ == 0) m2.push_back(t->m2miss);
  }
  ASSERT_GT(m2.size(), 7000u);  // (NA62 K-pi matching keeps ~95% of the true kaons)
  const double mpi0sq = std::pow(mass(pdg::kPi0), 2);  // 0.018219 GeV^2
  const double med = quantile(m2, 0.5), sigma = robustSigma(m2);
  // reference: ~1e-3 GeV^2/c^4 (§3 "m2miss resolution"); band 0.6-1.5e-3
  EXPECT_GT(sigma, 0.6e-3);
  EXPECT_LT(sigma, 1.5e-3);
  EXPECT_NEAR(med, mpi0sq, 5e-5) << "sigma " << sigma << " n " << m2.size();
  RecordProperty("m2miss_sigma", sci(sigma));
  RecordProperty("m2miss_median", sci(med));
}

TEST(Kinematics, Kmu2UnderPionHypothesisFollowsTheAnalyticCurve) {
  // For a mu of momentum p_mu at angle theta to a kaon of momentum P_K, the m2miss under
  // the pi+ mass hypothesis is m_K^2 + m_pi^2 - 2 (E_K E_pi - P_K p_mu cos theta) with
  // E_pi = sqrt(p_mu^2 + m_pi^2): compare event by event with the true kinematics.
  Chain c("kmu2", 202);
  generator::TruthEvent ev;
  DetectorEvent de;
  reco::RecoEvent re;
  const double mK = mass(pdg::kKPlus), mPi = mass(pdg::kPiPlus);
  std::vector<double> res[4], curve[4];
  for (std::uint64_t i = 0; i < 60000; ++i) {
    c.gen.generate(i, ev);
    c.sim.simulate(ev, de);
    c.rec.reconstruct(de, re);
    const auto* t = selectTrack(re);
    if (!t || !t->gtkTrueKaon) continue;
    const auto& s = de.straw[t->strawIndex];
    if (s.trueDecayZ != 0) continue;
    const FourVector& K = ev.beamMomentum;
    const FourVector& mu = ev.particles[s.truthIndex].p;
    const double ePi = std::sqrt(mu.p2() + mPi * mPi);
    const double cosT = K.vec().dot(mu.vec()) / (K.p() * mu.p());
    const double analytic = mK * mK + mPi * mPi - 2 * (K.e * ePi - K.p() * mu.p() * cosT);
    const int bin = std::clamp(static_cast<int>((t->p - 15) / 5), 0, 3);
    res[bin].push_back(t->m2miss - analytic);
    curve[bin].push_back(analytic);
  }
  double previous = -1;
  for (int b = 0; b < 4; ++b) {
    ASSERT_GT(res[b].size(), 1000u) << b;
    // residual centred on the curve within 1e-4 GeV^2 and within the resolution (< 2e-3)
    EXPECT_NEAR(quantile(res[b], 0.5), 0.0, 1e-4) << "bin " << b;
    EXPECT_LT(robustSigma(res[b]), 2e-3) << "bin " << b;
    // the curve itself rises with the muon momentum (towards 0 at the kinematic edge)
    const double mid = quantile(curve[b], 0.5);
    EXPECT_GT(mid, previous == -1 ? -1.0 : previous) << b;
    EXPECT_LT(mid, 0.0);
    previous = mid;
  }
}

TEST(Pid, RichPionMuonSeparation) {
  // RICH mass window 118-200 MeV/c^2 (§4.3, PnnFunctions.cc); reference mu suppression
  // ~1e-2 in 15-35 GeV/c (§2.3/§3). Accepted band for the mu mis-ID: 3e-3 - 3e-2.
  double full = 0;
  int passFull = 0;
  auto run = [&](const std::string& mode, std::uint64_t seed, const DetectorConfig& dc, double& muv3Loss) {
    Chain c(mode, seed, dc);
    generator::TruthEvent ev;
    DetectorEvent de;
    reco::RecoEvent re;
    int n = 0, pass = 0, noMuv3 = 0;
    passFull = 0;
    for (std::uint64_t i = 0; i < 30000; ++i) {
      c.gen.generate(i, ev);
      c.sim.simulate(ev, de);
      c.rec.reconstruct(de, re);
      const auto* t = selectTrack(re);
      if (!t || de.straw[t->strawIndex].trueDecayZ != 0) continue;
      ++n;
      if (t->hasRing && t->richMass > 0.118 && t->richMass < 0.200) {
        ++pass;
        if (t->richProbMuon < 0.05 && t->richProbElectron < 0.05) ++passFull;
      }
      if (!t->muv3) ++noMuv3;
    }
    muv3Loss = static_cast<double>(noMuv3) / n;
    full = static_cast<double>(passFull) / n;
    return static_cast<double>(pass) / n;
  };
  double muv3Mu = 0, muv3Pi = 0, muv3Loose = 0;
  const double piEff = run("k2pi", 303, {}, muv3Pi);
  const double piEffFull = full;
  const double muMisId = run("kmu2", 304, {}, muv3Mu);
  const double muMisIdFull = full;
  // mass window alone: a few per cent (poor separation near 40 GeV/c); with the likelihood
  // cut on the mu+/e+ hypotheses (§4.3, PnnFunctions.cc): the reference ~1e-2 - 1e-3
  EXPECT_GT(piEff, 0.85);
  EXPECT_GT(muMisId, 3e-3);
  EXPECT_LT(muMisId, 6e-2);
  EXPECT_GT(piEffFull, 0.6);
  EXPECT_GT(muMisIdFull, 3e-4);
  EXPECT_LT(muMisIdFull, 1e-2);
  RecordProperty("rich_pi_efficiency", sci(piEff));
  RecordProperty("rich_mu_misid", sci(muMisId));
  RecordProperty("rich_pi_efficiency_with_likelihood", sci(piEffFull));
  RecordProperty("rich_mu_misid_with_likelihood", sci(muMisIdFull));
  // MUV3: muons in acceptance are lost at the rate of the inefficiency parameter
  EXPECT_LT(muv3Mu, 0.005);
  DetectorConfig loose;
  loose.muv.muv3Efficiency = 0.95;
  run("kmu2", 304, loose, muv3Loose);
  EXPECT_NEAR(muv3Loose, 0.05, 0.01);
  // pions give MUV3 hits through punch-through and decays in flight after STRAW1 only
  EXPECT_GT(muv3Pi, 0.9);
}

TEST(PhotonVeto, Pi0RejectionModelAndBruteForce) {
  // (1) analytic: <prod_i ineff(E_i, detector_i)> over K+ -> pi+ pi0 (gamma gamma) with the
  // pi+ in 15-35 GeV/c: reference ~1e-8 (design < 1e-8; measured 1.5-2.5e-8, memory,
  // §4.3). Accepted band 3e-9 - 1e-7.
  Chain c("k2pi", 404);
  generator::TruthEvent ev;
  double sum = 0;
  int n = 0;
  for (std::uint64_t i = 0; i < 50000; ++i) {
    c.gen.generate(i, ev);
    double ppi = 0;
    int nGamma = 0;
    for (std::size_t k = 0; k < ev.nParticles; ++k) {
      if (ev.particles[k].pdgId == pdg::kPiPlus) ppi = ev.particles[k].p.p();
      if (ev.particles[k].pdgId == pdg::kPhoton) ++nGamma;
    }
    if (ppi < 15 || ppi > 35 || nGamma != 2) continue;
    sum += c.sim.photonVetoInefficiency(ev);
    ++n;
  }
  const double ineff = sum / n;
  EXPECT_GT(ineff, 3e-9);
  EXPECT_LT(ineff, 1e-7);
  RecordProperty("pi0_veto_inefficiency", sci(ineff));

  // (1b) hermeticity: "only about 0.2% of the events have one photon from pi0 left undetected"
  // (pi+ 15-35 GeV/c) with the LAV/LKr/IRC/SAC coverage (lnf.infn.it/esperimenti/na62/Lav.html, design; decay
  // region 5-65 m after the final collimator). Band 0.1% - 0.4%.
  int oneEscapes = 0, nFv = 0;
  for (std::uint64_t i = 0; i < 50000; ++i) {
    c.gen.generate(i, ev);
    const double z = ev.decayVertex.vec().z;
    if (z < 106.3 * units::m || z > 166.3 * units::m) continue;  // COLL 6/7 end 101.255 m + 5...65 m
    double ppi = 0;
    for (std::size_t k = 0; k < ev.nParticles; ++k)
      if (ev.particles[k].pdgId == pdg::kPiPlus) ppi = ev.particles[k].p.p();
    if (ppi < 15 || ppi > 35) continue;  // the design's signal momentum range, as in (1)
    ++nFv;
    for (std::size_t k = 0; k < ev.nParticles; ++k)
      if (ev.particles[k].pdgId == pdg::kPhoton &&
          c.sim.photonDestination(ev.particles[k].p, ev.decayVertex.vec()) == PhotonDetector::None) {
        ++oneEscapes;
        break;
      }
  }
  const double escape = static_cast<double>(oneEscapes) / nFv;
  RecordProperty("pi0_one_photon_outside_acceptance", sci(escape));
  EXPECT_GT(escape, 1e-3);
  EXPECT_LT(escape, 4e-3);

  // (2) brute force with inefficiencies scaled up x 1000 (capped at 1): the fraction of
  // photons the simulation does not detect equals the model's per-photon expectation.
  DetectorConfig dc;
  dc.accidentals.enabled = false;
  dc.lkr.mergeDistance = 0;
  for (auto* curve : {&dc.lav.inefficiency, &dc.lkr.inefficiency, &dc.irc.inefficiency, &dc.sac.inefficiency})
    for (int k = 0; k < curve->n; ++k) curve->value[k] = std::min(1.0, curve->value[k] * 1000);
  FastSimulation loose(dc, generator::BeamConfig{});
  DetectorEvent de;
  double expected = 0;
  int missed = 0, photons = 0;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    c.gen.generate(i, ev);
    loose.simulate(ev, de);
    for (std::size_t k = 0; k < ev.nParticles; ++k) {
      const auto& p = ev.particles[k];
      if (p.pdgId != pdg::kPhoton) continue;
      const auto d = loose.photonDestination(p.p, ev.decayVertex.vec());
      if (d == PhotonDetector::None) continue;
      ++photons;
      expected += loose.photonInefficiency(d, p.p.e);
      bool seen = false;
      for (std::size_t h = 0; h < de.nVeto; ++h) seen |= de.veto[h].truthIndex == static_cast<int>(k);
      for (std::size_t h = 0; h < de.nLkr; ++h) seen |= de.lkr[h].truthIndex == static_cast<int>(k);
      missed += !seen;
    }
  }
  ASSERT_GT(expected, 100);
  EXPECT_NEAR(missed, expected, 5 * std::sqrt(expected)) << photons << " photons";
}

TEST(Matching, GtkStrawMatchingFindsTheKaonAmongPileup) {
  Chain c("k2pi", 505);
  generator::TruthEvent ev;
  DetectorEvent de;
  reco::RecoEvent re;
  int withKaon = 0, right = 0;
  double nGtk = 0;
  const int n = 20000;
  for (std::uint64_t i = 0; i < n; ++i) {
    c.gen.generate(i, ev);
    c.sim.simulate(ev, de);
    nGtk += de.nGtk;
    c.rec.reconstruct(de, re);
    const auto* t = selectTrack(re);
    if (!t) continue;
    bool kaonPresent = false;
    for (std::size_t g = 0; g < de.nGtk; ++g) kaonPresent |= de.gtk[g].trueKaon;
    if (!kaonPresent) continue;
    ++withKaon;
    right += t->gtkTrueKaon;
  }
  // pile-up: 450 MHz x 4 ns window x 0.94 efficiency + 0.94 kaon track = 2.63 tracks
  EXPECT_NEAR(nGtk / n, 0.94 * (1 + 0.45 * 4.0), 0.03);
  const double f = static_cast<double>(right) / withKaon;
  EXPECT_GT(f, 0.97) << withKaon;
  RecordProperty("gtk_matching_purity", sci(f));
}

TEST(Matching, CdaOfTheTrueKaonFollowsThePropagatedResolution) {
  // The CDA of two lines is the one-dimensional distance along their common perpendicular:
  // for the true kaon, CDA / sigma_CDA (Reconstruction::cdaSigma2: STRAW and GTK position and
  // angle errors propagated to the vertex) is |N(0, 1)| in its core: median 0.674, mean
  // sqrt(2/pi) = 0.798. The simulated STRAW direction also has the STRAW1 hard-scatter tail
  // (not in sigma_CDA, as in a real track fit), which raises the rms above 1.
  Chain c("kmu2", 707);
  generator::TruthEvent ev;
  DetectorEvent de;
  reco::RecoEvent re;
  double s1 = 0;
  int n = 0;
  std::vector<double> us;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    c.gen.generate(i, ev);
    c.sim.simulate(ev, de);
    c.rec.reconstruct(de, re);
    const auto* t = selectTrack(re);
    if (!t || !t->gtkTrueKaon || t->p < 15 || t->p > 45) continue;
    const double u = t->cda / std::sqrt(c.rec.cdaSigma2(t->p, t->vertex.z));
    s1 += u;
    us.push_back(u);
    ++n;
  }
  ASSERT_GT(n, 3000);
  std::nth_element(us.begin(), us.begin() + n / 2, us.end());
  EXPECT_NEAR(us[static_cast<std::size_t>(n / 2)], 0.674, 0.05);
  EXPECT_NEAR(s1 / n, std::sqrt(2.0 / M_PI), 0.08);
  RecordProperty("cda_over_sigma_mean", sci(s1 / n));
  RecordProperty("cda_over_sigma_median", sci(us[static_cast<std::size_t>(n / 2)]));
}

TEST(Vetoes, RandomVetoFromAccidentals) {
  // K+ -> mu+ nu has no photon: any veto is accidental. ~24% loss is the memory value
  // eps_RV ~ 0.76 (§4.1 check); accept 0.12-0.35, and ~0 without accidentals.
  auto lossWith = [](bool accidentals) {
    DetectorConfig dc;
    dc.accidentals.enabled = accidentals;
    Chain c("kmu2", 606, dc);
    generator::TruthEvent ev;
    DetectorEvent de;
    reco::RecoEvent re;
    int n = 0, vetoed = 0;
    for (std::uint64_t i = 0; i < 20000; ++i) {
      c.gen.generate(i, ev);
      c.sim.simulate(ev, de);
      c.rec.reconstruct(de, re);
      const auto* t = selectTrack(re);
      if (!t || de.straw[t->strawIndex].trueDecayZ != 0) continue;
      ++n;
      vetoed += re.photonVeto;
    }
    return static_cast<double>(vetoed) / n;
  };
  const double on = lossWith(true), off = lossWith(false);
  EXPECT_GT(on, 0.12);
  EXPECT_LT(on, 0.35);
  EXPECT_LT(off, 0.01);
  RecordProperty("random_veto_loss", sci(on));
}

TEST(Vertex, ThreeTrackVertexOfK3pi) {
  Chain c("k3pi", 707);
  generator::TruthEvent ev;
  DetectorEvent de;
  reco::RecoEvent re;
  std::vector<double> dm, dz;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    c.gen.generate(i, ev);
    c.sim.simulate(ev, de);
    c.rec.reconstruct(de, re);
    if (re.nTracks != 3 || !re.hasVertex3) continue;
    bool clean = true;
    for (int k = 0; k < 3; ++k) clean &= de.straw[re.tracks[re.vertex3Tracks[k]].strawIndex].trueDecayZ == 0;
    if (!clean) continue;
    EXPECT_EQ(std::abs(re.vertex3Charge), 1);
    dm.push_back(re.vertex3Mass - mass(pdg::kKPlus));
    dz.push_back(re.vertex3.z - ev.decayVertex.pz);
  }
  ASSERT_GT(dm.size(), 2000u);
  EXPECT_NEAR(quantile(dm, 0.5), 0.0, 0.5e-3);  // GeV
  EXPECT_LT(robustSigma(dm), 3e-3);
  EXPECT_NEAR(quantile(dz, 0.5), 0.0, 300.0);   // mm
  EXPECT_LT(robustSigma(dz), 2000.0);
  RecordProperty("k3pi_mass_sigma", sci(robustSigma(dm)));
  RecordProperty("k3pi_vertex_z_sigma", sci(robustSigma(dz)));
}

TEST(Vetoes, LkrClusterNearTheTrackJoinsItsEnergyOtherwiseItVetoes) {
  // §4.3: LKr clusters > 100 mm from the track are photon candidates; the in-time clusters
  // closer than that are the track's calorimetric energy (E/p), and 40-100 mm from a track
  // with its own cluster they are NA62's "merged-like" cluster, which vetoes
  // (MultiplicitySelection.cc). A 20 GeV photon cluster placed 30 mm from the pi+ impact must
  // raise E/p by 20/p and not veto; at 60 mm it must veto as merged-like; at 150 mm it must
  // veto as a photon and leave E/p unchanged; out of time (20 ns) at 60 mm it does neither.
  const int tested = checkSelectedPionEvents(
      707, [](const DetectorEvent&, const reco::RecoEvent& re) { return !re.photonVeto; },
      [](const reco::Reconstruction& rec, const DetectorEvent& de, const reco::RecoTrack& t0) {
        const double e0 = t0.lkrEnergy, p = t0.p, x = t0.lkrX, y = t0.lkrY, time = t0.time;
        auto withCluster = [&](double dx, double dt) {
          DetectorEvent d = de;
          d.lkr[d.nLkr++] = LkrCluster{20.0, x + dx, y, time + dt, -1, ClusterType::Photon, true};
          reco::RecoEvent r;
          rec.reconstruct(d, r);
          return r;
        };
        const auto near = withCluster(30.0, 0.0);
        EXPECT_FALSE(near.photonVeto);
        EXPECT_NEAR(near.tracks[0].eOverP, (e0 + 20.0) / p, 1e-12);
        const auto merged = withCluster(60.0, 0.0);
        EXPECT_EQ(merged.lkrMergedVeto, t0.lkrIndex >= 0);
        EXPECT_EQ(merged.photonVeto, t0.lkrIndex >= 0);
        EXPECT_FALSE(merged.lkrVeto);
        const auto far = withCluster(150.0, 0.0);
        EXPECT_TRUE(far.photonVeto);
        EXPECT_TRUE(far.lkrVeto);
        EXPECT_NEAR(far.tracks[0].eOverP, e0 / p, 1e-12);
        const auto late = withCluster(60.0, 20.0);
        EXPECT_FALSE(late.photonVeto);
        EXPECT_NEAR(late.tracks[0].eOverP, e0 / p, 1e-12);
      });
  EXPECT_EQ(tested, 20);
}

TEST(Vetoes, MultiplicityVetoNeedsCoincidencesAsInNa62) {
  // NA62 MultiplicitySelection.cc (Reconstruction::Config "Multiplicity veto"): extra
  // activity of a charged particle without a STRAW track vetoes only in coincidence
  // (CHOD-NewCHOD within 250 x 140 mm and 15 ns, CHOD-LKr within 130 mm and 15 ns,
  // NewCHOD-LKr within 250 x 140 mm) or when the extra CHOD slabs exceed 3 (two CHOD hits of
  // one H + V pair each); a lone CHOD or NewCHOD hit, or hits outside the windows, do not.
  const int tested = checkSelectedPionEvents(
      909, [](const DetectorEvent& de, const reco::RecoEvent& re) { return !re.chodVeto && de.nChod == 0; },
      [](const reco::Reconstruction& rec, const DetectorEvent& de, const reco::RecoTrack& t0) {
        const double time = t0.time;
        // extra activity 400 mm from the origin, on the side opposite the track impact
        const double r = std::hypot(t0.lkrX, t0.lkrY);
        const double x = -400.0 * t0.lkrX / r, y = -400.0 * t0.lkrY / r;
        auto veto = [&](std::initializer_list<ChodHit> hits, bool lkr, double dxLkr = 0.0) {
          DetectorEvent d = de;
          for (const auto& h : hits) d.chod[d.nChod++] = h;
          if (lkr) d.lkr[d.nLkr++] = LkrCluster{1.0, x + dxLkr, y, time, -1, ClusterType::Photon, true};
          reco::RecoEvent rr;
          rec.reconstruct(d, rr);
          return rr.chodVeto;
        };
        const ChodHit chod{x, y, time, false, -1}, newChod{x + 20.0, y, time, true, -1};
        EXPECT_FALSE(veto({chod}, false));
        EXPECT_FALSE(veto({newChod}, false));
        EXPECT_TRUE(veto({chod, newChod}, false));
        EXPECT_FALSE(veto({chod, ChodHit{x + 300.0, y, time, true, -1}}, false));       // 300 mm apart in x
        EXPECT_FALSE(veto({chod, ChodHit{x + 20.0, y, time + 6.0, true, -1}}, false));  // NewCHOD out of its 5 ns
        EXPECT_TRUE(veto({chod, ChodHit{x, y + 200.0, time, false, -1}}, false));       // two CHOD pairs: 4 slabs > 3
        EXPECT_TRUE(veto({chod}, true));            // CHOD-LKr
        EXPECT_FALSE(veto({chod}, true, 200.0));    // 200 mm apart: > 130 mm
        EXPECT_TRUE(veto({newChod}, true, 200.0));  // NewCHOD-LKr: 180 mm in x < 250 mm
        EXPECT_FALSE(veto({}, true));               // a lone cluster is the photon veto's
      });
  EXPECT_EQ(tested, 20);
}

TEST(Association, BestTrackNeedsChodNewChodRichTimeAndLkrAsInNa62) {
  // na62fw BestTrackSelection.cc (RecoTrack::associated): CHOD and NewCHOD hits within 5 ns,
  // the RICH ring within 2 ns of the CHOD, the nearest LKr cluster within 100 mm with E > 0
  // and within 6 ns of the CHOD time. Each condition is spoiled on simulated pi+ tracks.
  const int tested = checkSelectedPionEvents(
      919,
      [](const DetectorEvent& de, const reco::RecoEvent& re) {
        const auto& s = de.straw[re.tracks[re.best].strawIndex];
        return re.tracks[re.best].associated && s.hasRing && re.tracks[re.best].lkrIndex >= 0;
      },
      [](const reco::Reconstruction& rec, const DetectorEvent& de, const reco::RecoTrack& t0) {
        const auto k = static_cast<std::size_t>(t0.strawIndex);
        auto associated = [&](auto&& spoil) {
          DetectorEvent d = de;
          spoil(d.straw[k], d);
          reco::RecoEvent rr;
          rec.reconstruct(d, rr);
          return rr.tracks[k].associated;
        };
        const double tc = de.straw[k].chodTime;
        auto& cl0 = de.lkr[static_cast<std::size_t>(t0.lkrIndex)];
        const double lkrShift = tc - cl0.time;  // puts the cluster at the CHOD time
        EXPECT_TRUE(associated([](StrawTrack&, DetectorEvent&) {}));
        EXPECT_FALSE(associated([](StrawTrack& s, DetectorEvent&) { s.hasChod = false; }));
        EXPECT_FALSE(associated([](StrawTrack& s, DetectorEvent&) { s.hasNewChod = false; }));
        EXPECT_TRUE(associated([&](StrawTrack& s, DetectorEvent&) { s.newChodTime = tc + 4.9; }));
        EXPECT_FALSE(associated([&](StrawTrack& s, DetectorEvent&) { s.newChodTime = tc - 5.1; }));
        EXPECT_TRUE(associated([&](StrawTrack& s, DetectorEvent&) { s.ringTime = tc + 1.9; }));
        EXPECT_FALSE(associated([&](StrawTrack& s, DetectorEvent&) { s.ringTime = tc + 2.1; }));
        // no ring: the association holds (the pi+ identification needs the ring)
        EXPECT_TRUE(associated([&](StrawTrack& s, DetectorEvent&) { s.hasRing = false; s.ringTime = tc + 9; }));
        const auto ci = static_cast<std::size_t>(t0.lkrIndex);
        EXPECT_TRUE(associated([&](StrawTrack&, DetectorEvent& d) { d.lkr[ci].time += lkrShift + 5.9; }));
        EXPECT_FALSE(associated([&](StrawTrack&, DetectorEvent& d) { d.lkr[ci].time += lkrShift - 6.1; }));
        EXPECT_FALSE(associated([&](StrawTrack&, DetectorEvent& d) { d.lkr[ci].energy = 0; }));
        EXPECT_FALSE(associated([&](StrawTrack&, DetectorEvent& d) {  // cluster moved 120 mm away
          d.lkr[ci].x = t0.lkrX + 120.0;
          d.lkr[ci].y = t0.lkrY;
        }));
        EXPECT_TRUE(associated([&](StrawTrack&, DetectorEvent& d) {  // 90 mm away
          d.lkr[ci].x = t0.lkrX + 90.0;
          d.lkr[ci].y = t0.lkrY;
        }));
      });
  EXPECT_EQ(tested, 20);
}

TEST(StrawSegment, UntrackedSegmentPointingToTheVertexVetoesAsInNa62) {
  // na62fw StrawSegmentAlgorithm (ReconstructSegments): a chamber 1-2 or 3-4 segment of a
  // particle without a track vetoes the event when the line through the best track's vertex
  // and its two hits has |slope| <= 0.02 (x, y for 1-2; y for 3-4), lies >= 30 mm from the
  // track, has chi2 < 25 (1-2: 35 ns - 1.4 ns chi2 > 0) or < 7 (3-4), and for 3-4 bends like
  // charge x p in (-90, 10) GeV. Hand-built segments of a particle from the vertex.
  const DetectorConfig geo;
  const int tested = checkSelectedPionEvents(
      939, [](const DetectorEvent&, const reco::RecoEvent& re) { return !re.strawSegment && re.best >= 0; },
      [&](const reco::Reconstruction& rec, const DetectorEvent& de, const reco::RecoTrack& t0) {
        const Vector3 v = t0.vertex;
        const auto& z = geo.straw.z;
        const double zMag = geo.magnet.zCentre, kick = geo.magnet.ptKick;
        // a particle of charge q and momentum p leaving the vertex with slopes (ax, ay),
        // kicked by the MNP33 by -q kick/p in x (positives towards -x, §2.1); offset: a
        // parallel shift of the hits in x (mm)
        auto segment = [&](int chamber, double ax, double ay, double q, double p, double offset = 0.0) {
          auto at = [&](double zc) {
            double x = v.x + ax * (zc - v.z) + offset;
            if (zc > zMag) x += q * geo.magnet.kickSignForPositive * (kick / p) * (zc - zMag);
            return Vector3{x, v.y + ay * (zc - v.z), zc};
          };
          const auto c0 = static_cast<std::size_t>(chamber - 1);
          return StrawSegment{chamber, at(z[c0]), at(z[c0 + 1]), q * p, -1};
        };
        auto vetoed = [&](const StrawSegment& g) {
          DetectorEvent d = de;
          d.segments[d.nSegments++] = g;
          reco::RecoEvent rr;
          rec.reconstruct(d, rr);
          return rr.strawSegment;
        };
        // slopes of the pi+ track before the magnet; the test particle leaves 8 mrad away in y
        const double tx = t0.momentum.x / t0.momentum.z, ty = t0.momentum.y / t0.momentum.z;
        const double away = ty > 0 ? -0.008 : 0.008;
        EXPECT_TRUE(vetoed(segment(1, tx, ty + away, -1, 20)));
        EXPECT_TRUE(vetoed(segment(3, tx, ty + away, -1, 20)));      // pi- of 20 GeV: -20 in (-90, 10)
        EXPECT_FALSE(vetoed(segment(3, tx, ty + away, -1, 120)));    // -120 GeV: below -90
        EXPECT_FALSE(vetoed(segment(3, tx, ty + away, +1, 20)));     // +20 GeV: above 10
        EXPECT_TRUE(vetoed(segment(3, tx, ty + away, +1, 5)));       // +5 GeV
        EXPECT_FALSE(vetoed(segment(1, tx, away > 0 ? 0.025 : -0.025, -1, 20)));  // |slope| > 0.02
        EXPECT_FALSE(vetoed(segment(1, tx, ty + away / 800.0, -1, 20)));  // ~0.4 mm from the track
        EXPECT_FALSE(vetoed(segment(1, tx, ty + away, -1, 20, 200.0)));   // 200 mm off the vertex: chi2 > 25
        // 3-4: x is not fitted; a 60 mm shift moves the bending estimate by ~10% only (vetoed),
        // a shift that makes the pi- of 20 GeV look like one of -200 GeV (below -90) does not veto:
        // dtheta = offset / (z_magnet - z_vertex) - q s kick / p and p_exp = -s kick / dtheta
        EXPECT_TRUE(vetoed(segment(3, tx, ty + away, -1, 20, 60.0)));
        const double lever = zMag - v.z, s = geo.magnet.kickSignForPositive;
        EXPECT_FALSE(vetoed(segment(3, tx, ty + away, -1, 20, lever * s * kick * (-1.0 / 20 + 1.0 / 200))));
      });
  EXPECT_EQ(tested, 20);
}

TEST(Association, SecondTrackIsExtraActivityOfTheBestTrackAsInNa62) {
  // NA62 selects one track and treats the rest of the event as extra activity (na62fw
  // SingleTrackEventSelection, PhotonRejectionLKr: only the selected track's clusters are
  // skipped): a second positive track without the best-track association (no NewCHOD hit;
  // the topology rule itself: PnnSelection.Na62TwoTrackTopology)
  // leaves the pi+ the best track; its in-time LKr cluster 300 mm away is a photon
  // candidate, and with its CHOD hit it is a CHOD-LKr coincidence; without the cluster, its
  // lone CHOD hit does not veto. Hand-built on simulated pi+ events.
  const int tested = checkSelectedPionEvents(
      949,
      [](const DetectorEvent& de, const reco::RecoEvent& re) {
        return re.tracks[re.best].associated && !re.photonVeto && !re.chodVeto && de.nStraw < de.straw.size() &&
               re.tracks[re.best].lkrIndex >= 0;
      },
      [](const reco::Reconstruction& rec, const DetectorEvent& de, const reco::RecoTrack& t0) {
        const auto& s0 = de.straw[static_cast<std::size_t>(t0.strawIndex)];
        const auto& c0 = de.lkr[static_cast<std::size_t>(t0.lkrIndex)];
        DetectorEvent d = de;
        StrawTrack s = s0;
        const double shift = t0.positionStraw1.y > 0 ? -300.0 : 300.0;  // mm, towards the axis side
        s.position.y += shift;
        s.hasNewChod = false;  // no best-track association
        s.hasChod = true;
        s.chodTime = s0.chodTime;
        d.straw[d.nStraw++] = s;
        reco::RecoEvent rr;
        rec.reconstruct(d, rr);
        ASSERT_EQ(rr.nTracks, 2u);
        EXPECT_EQ(rr.best, t0.strawIndex);  // the associated track
        EXPECT_FALSE(rr.tracks[1 - static_cast<std::size_t>(rr.best)].associated);
        EXPECT_FALSE(rr.lkrVeto);
        EXPECT_FALSE(rr.chodVeto);  // a lone extra CHOD hit
        // its cluster at its LKr impact, in time: photon candidate and CHOD-LKr coincidence
        const auto& t1 = rr.tracks[1 - static_cast<std::size_t>(rr.best)];
        LkrCluster c = c0;
        c.x = t1.lkrX;
        c.y = t1.lkrY;
        c.energy = 5.0;
        d.lkr[d.nLkr++] = c;
        rec.reconstruct(d, rr);
        EXPECT_EQ(rr.best, t0.strawIndex);
        EXPECT_TRUE(rr.lkrVeto);
        EXPECT_TRUE(rr.chodVeto);
        // with its NewCHOD hit back it is associated too
        d.straw[d.nStraw - 1].hasNewChod = true;
        d.straw[d.nStraw - 1].newChodTime = s0.newChodTime;
        rec.reconstruct(d, rr);
        EXPECT_TRUE(rr.tracks[0].associated && rr.tracks[1].associated);
      });
  EXPECT_EQ(tested, 20);
}

TEST(Association, ChodAndNewChodAreIndependentHits) {
  // two detectors of efficiency 0.99 each (na62-detector.md CHOD / NewCHOD model): both hit
  // 0.99^2 of the pi+ tracks crossing both; their times differ by the two resolutions
  DetectorConfig dc;
  dc.accidentals.enabled = false;
  Chain c("pinunu", 929, dc);
  generator::TruthEvent ev;
  DetectorEvent de;
  reco::RecoEvent re;
  int crossing = 0, both = 0, chodOnly = 0, newOnly = 0;
  std::vector<double> dt;
  for (std::uint64_t i = 0; i < 60000; ++i) {
    c.gen.generate(i, ev);
    c.sim.simulate(ev, de);
    c.rec.reconstruct(de, re);
    for (std::size_t k = 0; k < re.nTracks; ++k) {
      const auto& s = de.straw[static_cast<std::size_t>(re.tracks[k].strawIndex)];
      // well inside both acceptances (130/140-1100/1070 mm), a pi+ that did not decay
      const double r = std::hypot(re.tracks[k].lkrX, re.tracks[k].lkrY);
      if (!(s.hasChod || s.hasNewChod) || s.nChambers < 4 || r < 250 || r > 950 || s.trueDecayZ != 0) continue;
      ++crossing;
      both += s.hasChod && s.hasNewChod;
      chodOnly += s.hasChod && !s.hasNewChod;
      newOnly += !s.hasChod && s.hasNewChod;
      if (s.hasChod && s.hasNewChod) dt.push_back(s.newChodTime - s.chodTime);
    }
  }
  ASSERT_GT(crossing, 5000);
  // one detector missing: 2 e (1 - e) / (1 - (1 - e)^2) of the tracks seen by at least one
  const double e = dc.chod.efficiency, pOne = e * (1 - e) / (1 - (1 - e) * (1 - e));
  const double n = crossing;
  EXPECT_NEAR(chodOnly / n, pOne, 5 * std::sqrt(pOne / n));
  EXPECT_NEAR(newOnly / n, pOne, 5 * std::sqrt(pOne / n));
  const double expectedSigma = std::hypot(dc.chod.chodSigmaTime, dc.chod.newChodSigmaTime);
  EXPECT_NEAR(robustSigma(dt), expectedSigma, 0.05 * expectedSigma);
}

TEST(Vetoes, LkrPhotonVetoWindowIsNa62s) {
  // NA62 PhotonRejectionLKr / EvaluateLKrCluster: |dt| < 5 ns below 1 GeV, 5 sigma(E) at
  // 1-2 GeV, 15 sigma(E) at 2-15 GeV, 70 sigma(E) above, sigma(E) = 0.56 + 1.53/E - 0.233/sqrt(E)
  // ns; above 10 GeV also |dt -+ 25 ns| < 2.5 ns
  const reco::Reconstruction rec({}, DetectorConfig{});
  auto sigma = [](double e) { return 0.56 + 1.53 / e - 0.233 / std::sqrt(e); };
  EXPECT_DOUBLE_EQ(rec.lkrWindow(0.5), 5.0);
  EXPECT_NEAR(rec.lkrWindow(1.5), 5.0 * sigma(1.5), 1e-12);
  EXPECT_NEAR(rec.lkrWindow(5.0), 15.0 * sigma(5.0), 1e-12);
  EXPECT_NEAR(rec.lkrWindow(20.0), 70.0 * sigma(20.0), 1e-12);
  EXPECT_TRUE(rec.lkrVetoInTime(0.5, 4.9));
  EXPECT_FALSE(rec.lkrVetoInTime(0.5, -5.1));
  EXPECT_FALSE(rec.lkrVetoInTime(5.0, 25.0));   // below 10 GeV: no side slot (15 sigma = 11.4 ns)
  EXPECT_TRUE(rec.lkrVetoInTime(12.0, 25.0));   // side slot
  EXPECT_TRUE(rec.lkrVetoInTime(12.0, -26.0));
  EXPECT_FALSE(rec.lkrVetoInTime(12.0, 20.0));  // between the main window (9.3 ns) and the slot
  EXPECT_TRUE(rec.lkrVetoInTime(20.0, 35.0));   // 70 sigma = 40.5 ns covers the slot
  std::array<std::pair<double, double>, 3> iv;
  EXPECT_EQ(rec.lkrVetoIntervals(12.0, iv), 3);
  EXPECT_EQ(rec.lkrVetoIntervals(20.0, iv), 1);  // merged
  EXPECT_NEAR(iv[0].second, 70.0 * sigma(20.0), 1e-12);
}

TEST(Matching, CandidateVertexesOfTheMatchingAreKept) {
  // NA62's MatchingRG returns every candidate's vertex (BestTrackSelection GTKAllAssocVertices);
  // KaonDecaySelection vetoes one at 100-105 m. A second in-time beam particle crossing the pi+
  // line at 103.5 m (CDA 0) is such a candidate; the kaon stays the match (0.5 ns later than
  // the KTAG, inside its 0.6 ns window, the second one has the smaller D1).
  const int tested = checkSelectedPionEvents(
      919, [](const DetectorEvent& de, const reco::RecoEvent& re) { return re.tracks[0].gtkTrueKaon && de.nGtk == 1; },
      [](const reco::Reconstruction& rec, const DetectorEvent& de, const reco::RecoTrack& t) {
        EXPECT_GT(t.gtkCandidateVertexZMin, 102400.0);  // alone: its own vertex, in the FV
        EXPECT_NEAR(t.gtkCandidateVertexZMin, t.vertex.z, 1e-9);
        const double zc = 103500.0;
        const Vector3 dir = t.momentum / t.momentum.z;
        const Vector3 p = t.positionStraw1 + dir * (zc - t.positionStraw1.z);
        GtkTrack x = de.gtk[0];
        const double sx = 1.22e-3, sy = 0.0;
        x.momentum = Vector3{sx, sy, 1.0} * (75.0 / std::sqrt(1.0 + sx * sx + sy * sy));
        x.position = {p.x - sx * (zc - 102400.0), p.y - sy * (zc - 102400.0), 102400.0};
        x.time = de.ktag.time + 0.5;
        x.trueKaon = false;
        DetectorEvent d = de;
        d.gtk[d.nGtk++] = x;
        reco::RecoEvent r;
        rec.reconstruct(d, r);
        ASSERT_GE(r.tracks[0].gtkIndex, 0);
        EXPECT_EQ(r.tracks[0].gtkIndex, 0);  // still the kaon
        EXPECT_NEAR(r.tracks[0].gtkCandidateVertexZMin, zc, 50.0);
      });
  EXPECT_EQ(tested, 20);
}

TEST(Matching, Na62MatchingFollowsMatchingRG) {
  // NA62's K-pi matching (na62fw MatchingRG.cc, Reconstruction::Config::na62Matching).
  // (1) The CDFs of its fitted PDFs, integrated analytically, equal a midpoint-rule
  // integration of the PDF formulas (the way MatchingRG tabulates them) and run from 0 to 1.
  auto midpoint = [](auto&& pdf, double x, double range) {
    const int n = 200000;
    double num = 0, den = 0;
    for (int i = 0; i < n; ++i) {
      const double u = (i + 0.5) * range / n;
      den += pdf(u);
      if (u < x) num += pdf(u);
    }
    return num / den;
  };
  auto g = [](double x, double s) { return std::exp(-0.5 * x * x / (s * s)); };
  auto cdaPdf = [&](double x) { return 0.0702 * g(x, 1.47) + 0.0229 * g(x, 2.6) + 0.0145 * std::exp(-0.319 * x) + 3.3e-5 - 1.6e-6 * x; };
  auto dtPdf = [&](double t) { return 0.027 * g(t, 0.13) + 0.0017 * g(t, 0.23); };
  EXPECT_NEAR(reco::Reconstruction::na62KaonCdaCdf(2.0), midpoint(cdaPdf, 2.0, 25.0), 1e-4);
  EXPECT_NEAR(reco::Reconstruction::na62KaonDtKtagCdf(-0.2), midpoint(dtPdf, 0.2, 1.0), 1e-4);
  EXPECT_DOUBLE_EQ(reco::Reconstruction::na62KaonCdaCdf(0.0), 0.0);
  EXPECT_DOUBLE_EQ(reco::Reconstruction::na62KaonCdaCdf(40.0), 1.0);
  EXPECT_DOUBLE_EQ(reco::Reconstruction::na62KaonDtRichCdf(1.5), 1.0);
  // (2) The decisions on a simulated K+ -> pi+ nu nubar event: the kaon is matched; moved out
  // of the 0.6 ns KTAG window it is not; with six in-time beam particles there is no match.
  const int tested = checkSelectedPionEvents(
      313, [](const DetectorEvent& de, const reco::RecoEvent& re) { return re.tracks[0].gtkTrueKaon && de.nGtk == 1; },
      [](const reco::Reconstruction& rec, const DetectorEvent& de, const reco::RecoTrack&) {
        auto matched = [&](const DetectorEvent& d) {
          reco::RecoEvent r;
          rec.reconstruct(d, r);
          return r.tracks[0].gtkIndex >= 0;
        };
        DetectorEvent late = de;
        late.gtk[0].time = de.ktag.time + 0.7;
        EXPECT_FALSE(matched(late));
        DetectorEvent crowded = de;
        for (int k = 0; k < 5; ++k) {
          GtkTrack x = de.gtk[0];
          x.position.x += 15.0 + 5.0 * k;  // in time and beam-like, far in CDA and 0.35 ns off:
          x.time = de.ktag.time + 0.35;    // not ambiguous with the kaon under the pile-up PDFs
          x.trueKaon = false;
          crowded.gtk[crowded.nGtk++] = x;
        }
        EXPECT_FALSE(matched(crowded));
        DetectorEvent four = crowded;
        four.nGtk = 5;  // five in-time particles: the kaon is matched again
        EXPECT_TRUE(matched(four));
      });
  EXPECT_EQ(tested, 20);
}
