#pragma once
// kaonlab unit convention (the HepMC3/Geant4 one): energy GeV, length mm, time ns.
// Rule: multiply by the unit on input, divide by it on output.
//   double p = 75 * units::GeV;   double zm = z / units::m;
// A name that carries a non-native unit says so (sigmaTimeInPs).

namespace kaonlab::units {

// energy, momentum (c = 1 in momentum and mass units: GeV, GeV/c, GeV/c^2 are all "GeV")
inline constexpr double GeV = 1.0;
inline constexpr double MeV = 1.0e-3;
inline constexpr double keV = 1.0e-6;
inline constexpr double eV = 1.0e-9;
inline constexpr double TeV = 1.0e3;

// length
inline constexpr double mm = 1.0;
inline constexpr double um = 1.0e-3;
inline constexpr double nm = 1.0e-6;
inline constexpr double cm = 10.0;
inline constexpr double m = 1000.0;

// time
inline constexpr double ns = 1.0;
inline constexpr double ps = 1.0e-3;
inline constexpr double s = 1.0e9;

// angle
inline constexpr double rad = 1.0;
inline constexpr double mrad = 1.0e-3;
inline constexpr double urad = 1.0e-6;

// magnetic field: 1 T bends a unit-charge track by 0.299792458 GeV/c per metre
inline constexpr double tesla = 1.0;

}  // namespace kaonlab::units

namespace kaonlab::constants {

/// speed of light, CODATA exact: 299 792 458 m/s = 299.792458 mm/ns
inline constexpr double c_light = 299.792458 * units::mm / units::ns;
/// hbar*c = 197.3269804 MeV fm (CODATA 2018) expressed in GeV*mm
inline constexpr double hbarc = 197.3269804e-3 * units::GeV * 1.0e-12 * units::mm;
/// transverse-momentum kick per tesla-metre for unit charge [GeV / (T m)]
inline constexpr double kick_per_tesla_metre = 0.299792458 * units::GeV;
/// fine-structure constant alpha(0) (CODATA 2018: 1/137.035999084)
inline constexpr double alpha_em = 1.0 / 137.035999084;
/// Fermi constant G_F = 1.1663788e-5 GeV^-2 (PDG 2024)
inline constexpr double G_F = 1.1663788e-5 / (units::GeV * units::GeV);
inline constexpr double pi = 3.14159265358979323846;
inline constexpr double two_pi = 2.0 * pi;

}  // namespace kaonlab::constants
