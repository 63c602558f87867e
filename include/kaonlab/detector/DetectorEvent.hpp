#pragma once
// The measured objects of one event, as the fast simulation produces them.
// Flat, fixed capacity (no heap allocation per event); objects that do not fit are
// dropped and counted in `overflow`. Truth links index TruthEvent::particles (-1 = none,
// e.g. accidental activity). Times are T0-corrected event times (ns): a particle of the
// triggering K+ decay is measured at the K+ GTK3 time plus the detector's smearing.
#include <array>
#include <cstddef>
#include <cstdint>

#include "kaonlab/core/FourVector.hpp"

namespace kaonlab::detector {

struct GtkTrack {
  Vector3 momentum;       ///< measured 3-momentum (GeV)
  Vector3 position;       ///< measured (x, y) at the GTK3 plane, z = GTK3 z (mm)
  double time = 0;        ///< ns
  bool trueKaon = false;  ///< truth: the track of the decaying K+ (false: pile-up beam particle)
  int truePdgId = 0;      ///< truth: beam species
  double trueKink = 0;    ///< truth: space angle of a hard single scatter of the K+ in GTK3 (rad; 0 = none)
};

struct KtagInfo {
  bool tagged = false;  ///< >= minSectors sectors in coincidence
  int nSectors = 0;
  double time = 0;      ///< ns (valid when nSectors > 0)
};

/// A STRAW track with the responses of the downstream detectors it crossed (associated
/// by the fast simulation: RICH ring, CHOD, MUV1/2 energies, MUV3 hit).
struct StrawTrack {
  int charge = 0;
  Vector3 momentum;       ///< measured momentum vector at STRAW1, before the magnet (GeV)
  Vector3 position;       ///< measured position at the STRAW1 plane (mm)
  double time = 0;        ///< STRAW track time (ns)
  int nChambers = 0;
  std::uint8_t chamberMask = 0;  ///< bit k: chamber k+1 hit
  int truthIndex = -1;    ///< TruthEvent particle index of the K+ daughter
  int pdgAtStraw1 = 0;    ///< truth: particle crossing STRAW1 (after decays in flight)
  double trueDecayZ = 0;  ///< truth: z of the first decay in flight, 0 = none before the end
  std::uint8_t kinkChamber = 0;  ///< truth: chamber (1-3) of a hard single scatter that kinked the measured track, 0 = none
  double chi2 = 0;        ///< track-fit chi2 (ndf = FastSimulation::strawFitNdf(chamberMask))
  // RICH
  bool hasRing = false;
  double ringRadius = 0;  ///< mm
  int ringHits = 0;
  double ringTime = 0;    ///< ns
  // CHOD and NewCHOD, independent hits (NA62 BestTrackSelection associates both)
  bool hasChod = false;
  double chodTime = 0;     ///< ns
  bool hasNewChod = false;
  double newChodTime = 0;  ///< ns
  // MUV1/2 energies (GeV, 0 = nothing)
  double muv1Energy = 0, muv2Energy = 0;
  // MUV3
  bool muv3Hit = false;
  double muv3Time = 0;
  double muv3X = 0, muv3Y = 0;
};

enum class ClusterType : std::uint8_t { Photon, Electron, Muon, Hadron, Merged, Accidental };

struct LkrCluster {
  double energy = 0;  ///< GeV
  double x = 0, y = 0;  ///< mm, at the LKr front plane
  double time = 0;    ///< ns
  int truthIndex = -1;  ///< most energetic contributor
  ClusterType type = ClusterType::Photon;
  bool inAcceptance = true;  ///< R > 150 mm (a cluster between the beam tube and 150 mm: false)
};

enum class VetoDetector : std::uint8_t { LAV, IRC, SAC };

struct VetoHit {
  VetoDetector detector = VetoDetector::LAV;
  int station = 0;      ///< LAV station 1..12 (0 for IRC/SAC)
  double energy = 0;    ///< GeV
  double time = 0;      ///< ns
  int truthIndex = -1;  ///< -1: accidental
};

struct ChantiHit {
  int station = 0;  ///< 1..6
  double time = 0;
  int truthIndex = -1;
};

/// Hit of one of the event's own charged particles in a GTK sensor (a daughter of a K+ that
/// decayed upstream of GTK3): GTK3, or GTK2 for decays upstream of it. Pile-up beam particles
/// are GtkTracks, not hits.
struct Gtk3Hit {
  double x = 0, y = 0;  ///< mm, at the station plane
  double time = 0;      ///< ns
  int truthIndex = -1;
  int station = 3;      ///< 2 (GTK2) or 3 (GTK3)
};

/// CHOD (else NewCHOD) hit of a charged particle that has no STRAW track (a particle that
/// crossed fewer than the minimum number of chambers, or whose track was not reconstructed).
/// The hits of tracked particles are part of their StrawTrack (hasChod/chodTime): this list
/// is what the multiplicity veto sees (na62-detector.md §4.3 "multiplicity: CHOD/NewCHOD/LKr
/// coincidences").
struct ChodHit {
  double x = 0, y = 0;  ///< mm, at the plane that gave the hit
  double time = 0;      ///< ns
  bool newChod = false; ///< the hit is from the NewCHOD (else from the CHOD: an H + V slab pair)
  int truthIndex = -1;
};

/// A charged particle without a STRAW track that reached the CHOD, NewCHOD or LKr, recorded
/// before the random detection decisions (whether or not it left a ChodHit or an LKr
/// cluster): lets an analysis replace the random multiplicity veto and the LKr veto of such
/// particles by their probabilities (weighted background estimates, docs/analysis-pnn.md).
/// No random numbers depend on it.
struct UntrackedCharged {
  int truthIndex = -1;
  bool chod = false;     ///< crossed the CHOD inside its active annulus
  bool newChod = false;  ///< crossed the NewCHOD inside its active annulus
  bool lkr = false;      ///< reached the LKr front face (a deposit was simulated)
  int lkrPdgId = 0;      ///< particle at the LKr (after decays in flight)
  double lkrX = 0, lkrY = 0;  ///< true impact at the LKr front (mm)
  double lkrMomentum = 0;     ///< |p| at the LKr (GeV)
};

/// Hits of a charged particle without a STRAW track in both chambers of a pair (STRAW1-2 or
/// STRAW3-4, active areas): the input of NA62's STRAW segment veto (reco::RecoEvent::strawSegment).
/// True positions (no smearing, no random numbers: the veto is a deterministic function of
/// the event, as the weighted background estimates need).
struct StrawSegment {
  int firstChamber = 1;          ///< 1: chambers 1-2, 3: chambers 3-4
  Vector3 first, second;         ///< crossing points at the two chambers (mm)
  double signedMomentum = 0;     ///< charge x |p| (GeV; the 3-4 segment's bending estimate in NA62)
  int truthIndex = -1;
};

struct DetectorEvent {
  static constexpr std::size_t kMaxGtk = 16, kMaxStraw = 8, kMaxLkr = 24, kMaxVeto = 32, kMaxChanti = 8,
                               kMaxChod = 8;

  std::uint64_t index = 0;
  double eventTime = 0;  ///< truth: K+ time at GTK3 (ns)
  KtagInfo ktag;
  std::array<GtkTrack, kMaxGtk> gtk{};
  std::size_t nGtk = 0;
  std::array<StrawTrack, kMaxStraw> straw{};
  std::size_t nStraw = 0;
  std::array<LkrCluster, kMaxLkr> lkr{};
  std::size_t nLkr = 0;
  std::array<VetoHit, kMaxVeto> veto{};
  std::size_t nVeto = 0;
  std::array<ChantiHit, kMaxChanti> chanti{};
  std::size_t nChanti = 0;
  std::array<ChodHit, kMaxChod> chod{};  ///< untracked charged particles only (see ChodHit)
  std::size_t nChod = 0;
  std::array<UntrackedCharged, kMaxChod> untracked{};  ///< untracked charged particles reaching CHOD/NewCHOD/LKr
  std::size_t nUntracked = 0;
  std::array<StrawSegment, kMaxChod> segments{};  ///< untracked charged particles' chamber-pair hits
  std::size_t nSegments = 0;
  static constexpr std::size_t kMaxGtk3Hits = 8;
  std::array<Gtk3Hit, kMaxGtk3Hits> gtk3Hits{};  ///< own charged particles in GTK2/GTK3 (upstream decays)
  std::size_t nGtk3Hits = 0;
  std::uint32_t overflow = 0;  ///< objects dropped for lack of capacity

  void clear() {
    ktag = {};
    nGtk = nStraw = nLkr = nVeto = nChanti = nChod = nUntracked = 0;
    nGtk3Hits = 0;
    nSegments = 0;
    overflow = 0;
  }
  template <class T, std::size_t N>
  static T* push(std::array<T, N>& a, std::size_t& n, std::uint32_t& overflow) {
    if (n == N) {
      ++overflow;
      return nullptr;
    }
    return &a[n++];
  }
};

}  // namespace kaonlab::detector
