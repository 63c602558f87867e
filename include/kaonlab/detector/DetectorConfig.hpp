#pragma once
// Configuration of the NA62 fast detector simulation: one nested struct per sub-detector.
// Defaults = NA62 2016-18 conditions from ../shared/reference/na62-detector.md; every
// number cites its section and source tag. "M" = "from memory, unverified" in the
// reference (a default to be checked), "model" = a kaonlab modelling choice with no
// reference value (see docs/detector.md for the list of both).
// Units: GeV, mm, ns (multiply by units:: on input); names carry non-native units.
#include <array>
#include <cstdint>

#include "kaonlab/core/BeamLine.hpp"
#include "kaonlab/core/Units.hpp"
#include "kaonlab/detector/SingleScattering.hpp"

namespace kaonlab::detector {

using units::GeV;
using units::m;
using units::mm;
using units::MeV;
using units::mrad;
using units::ns;
using units::urad;

/// Photon detection inefficiency vs energy: points (energy, inefficiency), interpolated
/// linearly in (log E, log ineff); constant outside the table. Up to kMaxPoints points,
/// energies strictly increasing, inefficiencies in (0, 1].
struct InefficiencyCurve {
  static constexpr int kMaxPoints = 8;
  std::array<double, kMaxPoints> energy{};
  std::array<double, kMaxPoints> value{};
  int n = 0;
  double operator()(double e) const;
};

struct KtagConfig {
  double z = 69.278 * m;            ///< CEDAR reference origin, §1.2 [FW-MC:Cedar] (informational)
  int nSectors = 8;                 ///< octants, §2.6 [KTAG15]
  int minSectors = 5;               ///< coincidence for a tag, §3 / §4.3 ("CutMinNSectorsKTAG = 5")
  /// Probability that one sector fires for a kaon; 0.81 gives P(>= 5 of 8) = 0.95, the
  /// design efficiency "> 95%" (§2.6 [KTAG15]) (model).
  double sectorProbability = 0.81;
  double sigmaTime = 0.070 * ns;    ///< 70 ps, §3 [RICHTIME]
};

struct GtkConfig {
  std::array<double, 3> z{79.600 * m, 92.800 * m, 102.400 * m};  ///< §1.3 [FW-GTK], [FW-GA]
  double halfWidthX = 30.4 * mm;    ///< active 60.8 x 27.0 mm^2, §1.3 [FW-GTK]
  double halfHeightY = 13.5 * mm;
  double sigmaMomentum = 0.15 * GeV;  ///< §3 [RICHTIME], VertexLSF.cc
  double sigmaAngle = 16.0 * urad;    ///< per projection, §3 [RICHTIME]
  double sigmaTime = 0.100 * ns;      ///< track time, §3 [RICHTIME]
  double sigmaPosition = 0.087 * mm;  ///< 300 um pixel / sqrt(12), §1.3 [FW-GTK] (computed)
  /// Kaon-track reconstruction efficiency: "missed kaon track" 6% (§4.1, 2016-2024 row).
  double trackEfficiency = 0.94;
  /// Half-width of the time window in which pile-up beam tracks are generated (model).
  double accidentalWindow = 2.0 * ns;
  /// GTK3 station material crossed by the K+ after its last measured point (card keys
  /// gtk3_radiation_lengths, gtk3_scattering_tail, gtk3_effective_z, gtk3_effective_a,
  /// gtk3_tail_threshold). A single Coulomb scatter above tailThreshold x theta0 turns the K+
  /// away from its measured direction (the Gaussian core is inside sigmaAngle): the
  /// non-Gaussian m2miss tail that neither m2miss(nominal beam) nor m2miss(RICH) removes
  /// (docs/physics.md "Single Coulomb scattering tails"). Silicon (Z = 14, A = 28.09). x/X0 from
  /// NA62's MC station (na62fw NA62Tools GigaTrackerParameterTools.hh/.cc, session 11): sensor
  /// 200 um + readout chips 100 um + glue 30 um, and the micro-channel Si cooling plate, 0.74 mm
  /// raw thinned by its 80 + 290 um hollows to 370 um over the sensor ("from 150 um to 370 um",
  /// GigaTrackerGeometryParameters.cc history) of which a 200 um deep layer is half coolant
  /// (200 um channels, 100 um half walls): 570 um Si (0.608%, X0(Si) = 93.7 mm, PDG) + 100 um
  /// C6F14 (~0.05%) + glue (0.01%) = 0.66% X0 (session 4-10: 0.5%, the design figure, memory).
  ScatteringLayer gtk3Material{0.0066, true, 14.0, 28.09, 3.5};
};

struct ChantiConfig {
  std::array<double, 6> z{102.427 * m, 102.485 * m, 102.600 * m, 102.830 * m, 103.290 * m, 104.210 * m};  ///< §1.2 [FW-MC:CHANTI]
  double innerHalfX = 47.5 * mm;    ///< hole 95 x 65 mm, §1.2/§2.6 [FW-MC:CHANTI]
  double innerHalfY = 32.5 * mm;
  double outerHalfSide = 150.0 * mm;  ///< 300 x 300 mm, §2.6 [FW-MC:CHANTI]
  double sigmaTime = 1.0 * ns;        ///< model
  double accidentalRatePerNs = 1.0e6 / units::s;  ///< random CHANTI hits, 1 MHz (model)
};

/// Beam line from GTK1 to the decay tank, for particles produced upstream of the tank
/// (upstream K+ decays, issue 5; docs/detector.md "Upstream transport").
struct UpstreamConfig {
  /// Second achromat: BEND 4A, 4B, 5, 6 (vertical MCB dipoles, thick, hard-edged, aperture as
  /// absorber; core/BeamLine.hpp, §1.2 [FW-BEATCH], [FW-GTK]; apertures: model).
  std::array<beamline::Dipole, 4> dipoles = beamline::secondAchromat();
  /// Scraper (SCR): magnetised iron between BEND 4B and GTK2, §1.2 [FW-GTK] "raw position
  /// z = 92.310, 5 m long, 1.8 T, aperture half-width 140 mm, half-height 30 mm"; na62fw
  /// GigaTrackerParameterTools.hh: raw position (0, -50, 92310) mm, the z of the downstream end
  /// (SetGigaTrackerScraperMagnetPosition subtracts half the length), so the aperture is centred at
  /// y = -50 mm (session 11; before: -60 mm, model). The aperture is field-free (the 1.8 T is in
  /// the iron, which sweeps muons); hadrons entering the iron (5 m ~ 30 interaction lengths) are
  /// absorbed.
  double scraperZEnd = 92.310 * m, scraperLength = 5.0 * m;
  double scraperHalfX = 140.0 * mm, scraperHalfY = 30.0 * mm, scraperCentreY = -50.0 * mm;
  /// GTK2 sensor centre (the sensor size is gtk.halfWidthX/halfHeightY): y = -60 mm, §1.2/§1.3.
  double gtk2CentreY = -60.0 * mm;
  /// Final collimator COLL 6/7 (XCHV101101): which design the transport uses (2016 or 2018).
  /// Both geometries are NA62's own Geant4 ones (na62fw NA62MC/GigaTracker/src/
  /// GigaTrackerCollimator.cc, session 11), with the numbers of [FW-GTK]
  /// GigaTracker-Collimator*.dat (§1.2) and NA62's z convention (the file's "Position" is the
  /// downstream end: GigaTrackerParameterTools::SetGigaTrackerCollimatorPosition subtracts half
  /// the length). Particles crossing material at either face are absorbed (black absorber: no
  /// scattering, no punch-through); see collimatorMaterial().
  /// "Design 2016" (runs up to 8801: 2016, 2017, 2018 S1): "Outer 100 100 1000, Inner 66 33",
  /// CreateGeometry20162017: four iron blocks of 2 outerHalf (100 x 100 mm^2) placed pinwheel-wise
  /// around the 2 innerHalf (66 x 33 mm^2) hole, centres (hx - ox, hy + oy), (-hx - ox, hy - oy),
  /// (ox - hx, -hy - oy), (hx + ox, oy - hy) with h = inner, o = outer half-sizes: the iron
  /// reaches |x| = 133, |y| = 116.5 mm with an open notch at each corner. 1 m long, downstream end
  /// 101.255 m.
  int collimatorDesign = 2016;
  double collimatorZFront = 100.255 * m;
  double collimatorZBack = 101.255 * m;
  double collimatorInnerHalfX = 33.0 * mm, collimatorInnerHalfY = 16.5 * mm;  ///< the hole
  double collimatorOuterHalfX = 50.0 * mm, collimatorOuterHalfY = 50.0 * mm;  ///< each of the four blocks
  /// "Design 2018" (TCX, runs 8802-9466, 2018 S2): "Outer 234.6 20.0 1200.0, Inner 36.5 40.0
  /// 1200.0, Position 101410", CreateGeometry2018: a steel tube of radius 1.05 x 234.6 mm whose
  /// bore is a stadium: the box |x| < 0.502 x 36.5, |y| < 40 / 2 mm plus half-discs of radius
  /// 20 mm (the "Outer" y) centred at x = +-36.5 / 2 mm, i.e. |y| < 20 mm and |x| < 38.25 mm on
  /// the axis; around the tube, Fe rings (GDML, read in session 4) out to +-900 x +-850 mm,
  /// 4 x 300 mm long. Downstream end 101.410 m.
  double collimator2018ZFront = 100.210 * m;
  double collimator2018ZBack = 101.410 * m;
  double collimator2018BoreX = 36.5 * mm;       ///< "Inner" x: distance of the half-disc centres
  double collimator2018BoreY = 40.0 * mm;       ///< "Inner" y: height of the central box
  double collimator2018BoreRadius = 20.0 * mm;  ///< "Outer" y: radius of the half-discs
  double collimator2018OuterHalfX = 900.0 * mm, collimator2018OuterHalfY = 850.0 * mm;
  /// True where the final collimator of `design` (2016 or 2018) has material at the transverse
  /// position (x, y) (mm, beam axis at 0): the geometries described above.
  bool collimatorMaterial(int design, double x, double y) const;
  /// TRIM5 as a thin p_T kick at its centre, towards +x for positive particles, |p| kept:
  /// 0.3 x 0.7505 T x 0.4 m = 0.090 GeV/c, centre 101.8 m, §1.2 [FW-GTK], [FW-GA], [FW-BEATCH].
  double trim5Z = 101.800 * m;
  double trim5Kick = 0.090 * GeV;
  /// TRIM5 magnet (MDX), NA62's Geant4 geometry (na62fw GigaTrackerParameterTools.hh:
  /// MDXMagnetLength 600 x 600 x 400, MDXMagnetFieldLength 80 x 100, MDXMagnetGapLength 100 x 100,
  /// raw position z 102000 = downstream end; NA62MC GigaTrackerMDXMagnet.cc): an iron frame
  /// |x|, |y| < 300 mm around a 100 x 100 mm^2 gap over 101.6-102.0 m; the field (the kick) only
  /// in |x| < 40, |y| < 50 mm. Particles in the iron at either face are absorbed.
  double trim5Length = 400.0 * mm;
  double trim5GapHalf = 50.0 * mm, trim5OuterHalf = 300.0 * mm;
  double trim5FieldHalfX = 40.0 * mm, trim5FieldHalfY = 50.0 * mm;
  /// Hits of the event's own charged particles in the GTK3 sensor (gtk.halfWidthX/halfHeightY):
  /// time resolution of one station 0.2 ns, §1.3/§3 [FW-GTK].
  double gtk3HitSigmaTime = 0.2 * ns;
  /// CHANTI response to the event's own charged particles crossing a station between the
  /// hole and the outer square (chanti.*): efficiency per station crossing (model).
  double chantiEfficiency = 0.99;
};

struct LavStation {
  double zFront, zBack, rInner, rOuter;
};

struct LavConfig {
  /// §2.4 table [FW-GA] (front/back z of the crystal rings, inner/outer radius).
  std::array<LavStation, 12> stations{{
      {121363, 121953, 536.5, 906.5},   {128973, 129563, 536.5, 906.5},   {136583, 137173, 536.5, 906.5},
      {144193, 144783, 536.5, 906.5},   {151803, 152393, 536.5, 906.5},   {165313, 165903, 767.5, 1137.5},
      {172823, 173413, 767.5, 1137.5},  {180333, 180923, 767.5, 1137.5},  {192709, 193179, 980.0, 1350.0},
      {203102, 203572, 980.0, 1350.0},  {217528, 217998, 980.0, 1350.0},  {238313, 238783, 1070.0, 1440.0},
  }};
  double sigmaTime = 1.0 * ns;            ///< 1 ns at 1 GeV, §2.4/§3 (arXiv:1111.4075)
  double energyResolution1GeV = 0.10;     ///< 10% at 1 GeV, scaled as 1/sqrt(E) (§3; scaling: model)
  double mipEnergy = 0.1 * GeV;           ///< visible energy of a charged particle (model)
  /// < 1e-4 above 200 MeV (§2.4 design, arXiv:1111.4075); below 200 MeV: model.
  InefficiencyCurve inefficiency{{0.010, 0.030, 0.050, 0.100, 0.200}, {1.0, 0.5, 0.1, 1.0e-2, 1.0e-4}, 5};
  double accidentalRatePerNs = 10.0e6 / units::s;  ///< random hits, all stations, 10 MHz (model)
  double accidentalMeanEnergy = 0.2 * GeV;         ///< exponential spectrum (model)
};

/// Vacuum tank (decay volume) and the fiducial decay region.
struct TankConfig {
  double zStart = 105.595 * m;   ///< Fe end-cap, §1.2 [FW-BEATCH]
  double zStep1 = 158.560 * m;   ///< diameter 1920 -> 2400 mm, §1.2 [FW-BEATCH]
  double zStep2 = 182.175 * m;   ///< diameter 2400 -> 2800 mm, §1.2 [FW-BEATCH]
  double zEnd = 219.0 * m;       ///< tank ends after STRAW4, §1.2 [FW-BEATCH]
  std::array<double, 3> radius{960.0 * mm, 1200.0 * mm, 1400.0 * mm};  ///< §1.2/§9 [FW-BEATCH]
  double fiducialZMin = 105.0 * m;  ///< pnn FV, §4.3 / §9
  double fiducialZMax = 165.0 * m;
  /// Decays in flight are simulated up to this z (end of the detector, model ~250 m).
  double decayZEnd = 250.0 * m;
};

struct StrawConfig {
  std::array<double, 4> z{183.508 * m, 194.066 * m, 204.459 * m, 218.885 * m};  ///< §2.1/§2.2 [FW-GA]
  std::array<double, 4> holeCentreX{101.2 * mm, 114.4 * mm, 92.4 * mm, 52.8 * mm};  ///< §2.1 [FW-GA]
  double holeRadius = 63.8 * mm;    ///< §2.1 [FW-GA] (hole-centred radius)
  double outerRadius = 1000.0 * mm; ///< §2.1 [FW-GA]
  /// Chamber material (card keys radiation_lengths, scattering_tail, effective_z, effective_a,
  /// tail_threshold). x/X0 per chamber: 1.8% X0 for 4 chambers (§3, M) -> 0.45%; "~0.5% per
  /// chamber" §2.2; NA62's MC straw geometry (na62fw NA62MC/Spectrometer, docs/detector.md)
  /// averages to 0.457% per chamber. Single Coulomb scattering tail (docs/physics.md "Single Coulomb scattering
  /// tails"): a hard scatter above tailThreshold x theta0 (Highland) in one chamber kinks the
  /// measured track (chamber 1: direction; chambers 2-3: bending angle, i.e. momentum).
  /// Effective atomic number of the straw material (PET, C10H8O4: model) and the nuclear radius
  /// A^(1/3) scale (A_eff ~ 12.9) for the large-angle cut-off.
  ScatteringLayer material{0.0045, true, 6.6, 12.9, 3.5};
  int minChambers = 3;              ///< chambers needed for a track (model; NA62 builds 3- and 4-chamber tracks)
  double trackEfficiency = 0.99;    ///< model
  double sigmaPConstant = 0.0030;   ///< sigma_p/p = 0.30% (+) 0.005% p, §3 (M)
  double sigmaPSlopePerGeV = 0.00005;
  /// Angular resolution sigma = a (+) b/p fitted to "60 urad at 10 GeV/c, 20 urad at 50 GeV/c" (§3, M).
  double sigmaAngleConstant = 16.3 * urad;
  double sigmaAngleMsGeV = 577.0 * urad;  ///< times GeV/p
  double sigmaPosition = 0.13 * mm;       ///< single-hit resolution ~130 um, §3 (M)
  /// Coordinate resolution of one chamber in the track fit (chi2): "~80 um per-chamber x
  /// resolution" (§3, the reference's cross-check of sigma_p).
  double chamberSigmaPosition = 0.080 * mm;
  double sigmaTime = 5.0 * ns;            ///< leading-time track time (model)
};

/// MNP33 spectrometer dipole, treated as a p_T kick at its centre plane.
struct MagnetConfig {
  double zCentre = 196.995 * m;  ///< front 196.345 m + 1.3 m / 2, §2.1 [FW-MC:Spectrometer]
  double length = 1.3 * m;       ///< §2.2
  double ptKick = 0.270 * GeV;   ///< 0.3 x 0.6928 T x 1.3 m, §2.2 (computed), BEATCH "pT=-270MeV/c"
  /// Positive particles are kicked towards -x (§2.1 "bent by MNP33 towards negative x").
  int kickSignForPositive = -1;
};

struct RichConfig {
  double zFront = 219.445 * m;   ///< entrance window, §2.1 [FW-GA]
  double zBack = 237.326 * m;    ///< §2.1 [FW-GA]
  double frontHoleCentreX = 34.0 * mm;  ///< §2.1 [FW-GA]
  double backHoleCentreX = 2.0 * mm;    ///< §2.1 [FW-GA]
  double holeRadius = 100.0 * mm;       ///< §2.1 [FW-GA]
  double outerRadius = 1100.0 * mm;     ///< fRmax_RICH, §2.1 [FW-GA]
  double indexMinusOne = 62.8e-6;       ///< neon, §2.3 [RICH10]
  double focalLength = 17020.0 * mm;    ///< §2.3 (PnnFunctions.cc)
  double hitsAtSaturation = 13.9;       ///< 13.2-14.6 hits for beta = 1, §2.3 (RICH-ElectronRing.dat)
  double sigmaRadiusPerHit = 4.7 * mm;  ///< §2.3/§3 (RICHReconstruction.cc)
  double sigmaTimePerHit = 0.161 * ns;  ///< core of the PMT response, §3 (RICHDigitizer.cc)
  int minHits = 4;                      ///< hits for a ring (model)
};

struct ChodConfig {
  double zNewChod = 238.1315 * m;       ///< §2.1 [FW-GA]
  double newChodRMin = 140.0 * mm, newChodRMax = 1070.0 * mm;  ///< §2.1
  double newChodSigmaTime = 1.0 * ns;   ///< "~1 ns per tile" §3 (NewCHOD.conf)
  double zChod = 239.009 * m;           ///< V plane, §2.1 [FW-GA]
  double chodRMin = 130.0 * mm, chodRMax = 1100.0 * mm;  ///< §2.1
  double chodSigmaTime = 0.2 * ns;      ///< §3 (M)
  double efficiency = 0.99;             ///< per detector for a charged particle: CHOD (H + V slab pair) and NewCHOD fire independently (model)
};

struct LkrConfig {
  double zFront = 241.093 * m;      ///< §2.1/§2.5 [FW-GA]
  double rInner = 150.0 * mm;       ///< analysis acceptance, §2.5 [FW-GA]
  double beamTubeRadius = 80.0 * mm;  ///< beam tube diameter 160 mm, §9 (photons detected above it)
  double apothem = 1130.0 * mm;     ///< octagon, §2.1 [FW-GA]
  double cellSize = 19.74 * mm;     ///< §2.1 [FW-GA]
  /// sigma_E/E = a/sqrt(E) (+) b/E (+) c, E in GeV: 3.2%, 9%, 0.42%, §3 (KinFitNeutralParticle.cc).
  double resStochastic = 0.032, resNoiseGeV = 0.09, resConstant = 0.0042;
  /// sigma_xy = 4.2 mm/sqrt(E) (+) 0.6 mm, §3.
  double posStochasticMm = 4.2, posConstant = 0.6 * mm;
  /// sigma_t(E) = t0 + t1/E + t2/sqrt(E) ns: 0.56, 1.53, -0.233, §2.5/§3 (PhotonRejectionLKr.cc).
  double timeT0 = 0.56, timeT1 = 1.53, timeT2 = -0.233;
  double mipMean = 0.58 * GeV, mipSigma = 0.065 * GeV;  ///< muon MIP, §2.5 (0.56-0.60, sigma 55-80 MeV)
  /// Hadronic pions: interaction probability 1 - exp(-L/lambda), L/lambda = 127 cm / 77 cm (M/model);
  /// E/p of interacting pions Gaussian (mean, sigma) clipped to [0.05, 1.05] (model).
  double pionInteractionLengths = 1.65;
  double pionEoverPMean = 0.50, pionEoverPSigma = 0.25;
  double mergeDistance = 40.0 * mm;  ///< clusters closer than ~2 cells merge (model)
  /// Photon inefficiency: ~1e-5 above 10 GeV (§4.3, memory), curve below: model.
  InefficiencyCurve inefficiency{{0.1, 0.5, 1.0, 2.5, 5.0, 10.0}, {1.0, 1.0e-2, 1.0e-3, 3.0e-4, 1.0e-4, 1.0e-5}, 6};
  double accidentalRatePerNs = 5.0e6 / units::s;  ///< random clusters, 5 MHz (model)
  double accidentalMeanEnergy = 1.0 * GeV;        ///< exponential spectrum (model)
};

struct MuvConfig {
  double zMuv1 = 243.418 * m, zMuv2 = 244.435 * m;  ///< §2.1 [FW-GA]
  double muv12RInner = 130.0 * mm, muv12HalfSide = 1100.0 * mm;  ///< §2.1 [FW-GA]
  double muv1Mip = 1.28 * GeV, muv2Mip = 1.15 * GeV;  ///< §2.5 (1.18-1.38, 1.04-1.25)
  double mipRelSigma = 0.15;                         ///< model
  /// Hadronic energy not seen by the LKr: visible fraction and MUV1 share (model),
  /// resolution a/sqrt(E) (model).
  double hadronVisibleFraction = 0.85, muv1Share = 0.6, hadronResStochastic = 0.6;
  double zIronFront = 245.900 * m, zIronBack = 246.700 * m;  ///< 80 cm Fe, §2.1 [FW-MC:MUV3]
  double zMuv3 = 246.800 * m;                               ///< §2.1 [FW-GA]
  double muv3RInner = 103.0 * mm, muv3HalfSide = 1320.0 * mm;  ///< §2.1 [FW-GA]
  double muv3SigmaTime = 0.45 * ns;                         ///< §2.6/§3 (MUV3.conf)
  double muv3MsGeVmm = 530.0;       ///< MS smearing sigma_xy = 530 GeV mm / p, §2.6/§9
  double muonMinMomentum = 5.0 * GeV;  ///< muons below stop before MUV3 (model, ~4.5 GeV energy loss)
  double muv3Efficiency = 0.998;       ///< for muons in acceptance (model)
  double pionPunchThrough = 2.0e-3;    ///< probability a pion gives a MUV3 hit (model)
};

struct IrcConfig {
  double z = 239.700 * m;           ///< §2.1 [FW-GA]
  double rInner = 60.0 * mm, rOuter = 145.0 * mm;  ///< §2.1 [FW-GA]
  double holeCentreX = 12.0 * mm;   ///< inner hole displaced by x = +12 mm, §2.1 [FW-MC:IRC]
  double sigmaTime = 0.56 * ns;     ///< as the SAC (560 ps), §3 (SAVMatching.cc)
  /// model (no reference): 1e-4 above 5 GeV.
  InefficiencyCurve inefficiency{{0.05, 0.2, 1.0, 5.0}, {1.0, 1.0e-2, 1.0e-3, 1.0e-4}, 4};
  double accidentalRatePerNs = 5.0e6 / units::s;  ///< model
  double accidentalMeanEnergy = 1.0 * GeV;
};

struct SacConfig {
  double z = 260.956 * m;           ///< §2.1 [FW-GA]
  double halfSide = 100.0 * mm;     ///< §2.1 [FW-GA] (centred on x = y = 0; tilt ignored)
  double sigmaTime = 0.56 * ns;     ///< §3 (SAVMatching.cc)
  InefficiencyCurve inefficiency{{0.05, 0.2, 1.0, 5.0}, {1.0, 1.0e-2, 1.0e-3, 1.0e-4}, 4};  ///< model
  double accidentalRatePerNs = 5.0e6 / units::s;  ///< model
  double accidentalMeanEnergy = 1.0 * GeV;
};

/// Beam-pipe radii downstream of the decay tank (§9 summary list).
struct BeamPipeConfig {
  double zStart = 219.0 * m;         ///< Al vacuum tube from the STRAW4 exit, §1.2/§9 [FW-BEATCH]
  double radius = 84.0 * mm;         ///< inner radius in CHOD/NewCHOD/LAV12, §9
  double muvRadius = 92.5 * mm;      ///< MUV2/MUV3 beam pipe, §9 (informational)
};

struct AccidentalConfig {
  bool enabled = true;
  double window = 25.0 * ns;  ///< half-width of the readout window for random veto hits (model)
};

struct DetectorConfig {
  std::uint64_t seed = 1;  ///< run seed (streams "detector" and "accidentals")
  KtagConfig ktag{};
  GtkConfig gtk{};
  ChantiConfig chanti{};
  UpstreamConfig upstream{};
  TankConfig tank{};
  LavConfig lav{};
  StrawConfig straw{};
  MagnetConfig magnet{};
  RichConfig rich{};
  ChodConfig chod{};
  LkrConfig lkr{};
  MuvConfig muv{};
  IrcConfig irc{};
  SacConfig sac{};
  BeamPipeConfig beamPipe{};
  AccidentalConfig accidentals{};

  /// Throws kaonlab::ConfigError naming the bad field ("detector.straw.z[2]: ...").
  void validate() const;
};

}  // namespace kaonlab::detector
