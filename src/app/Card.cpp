#include "kaonlab/app/Card.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <toml++/toml.h>

#include "kaonlab/core/Error.hpp"
#include "CardTable.hpp"
#include "DetectorCard.hpp"

namespace kaonlab::app {
namespace {

using units::GeV;
using units::m;
using units::MeV;
using units::mm;
using units::mrad;

}  // namespace

RunCard parseRunCard(const std::string& text, const std::string& name) {
  const toml::table root = parseCardToml(text, name);
  RunCard card;
  card.path = name;
  card.text = text;
  CardTable top(&root, "", name);

  CardTable run = top.sub("run");
  card.generator.seed = static_cast<std::uint64_t>(run.integer("seed", 1, 0, INT64_MAX));
  card.events = static_cast<std::uint64_t>(run.integer("events", 10000, 1, INT64_MAX));
  card.firstEvent = static_cast<std::uint64_t>(run.integer("first_event", 0, 0, INT64_MAX));
  if (card.firstEvent > static_cast<std::uint64_t>(INT64_MAX) - card.events)
    run.fail("first_event", "first_event + events must be at most 2^63 - 1");
  card.threads = static_cast<int>(run.integer("threads", 0, 0, 4096));
  run.finish();

  CardTable out = top.sub("output");
  card.output.prefix = out.string("prefix", card.output.prefix.string());
  card.output.hepmc3 = out.boolean("hepmc3", true);
  card.output.hdf5 = out.boolean("hdf5", true);
  card.output.histograms = out.boolean("histograms", false);
  out.finish();

  auto& g = card.generator;
  CardTable gen = top.sub("generate");
  g.modes = gen.strings("modes", {"all"}, &card.modesLine);
  if (g.modes.empty()) throw ConfigError(name, card.modesLine, "generate.modes", "at least one decay mode is required");
  const auto& known = generator::DecayCatalogue::knownKeys();
  auto knownList = [&] {
    std::string s = "all";
    for (const auto& k : known) s += ", " + k;
    return s;
  };
  for (const auto& k : g.modes)
    if (k != "all" && std::find(known.begin(), known.end(), k) == known.end())
      throw ConfigError(name, card.modesLine, "generate.modes",
                        fmt::format("unknown decay mode \"{}\"; known modes: {}", k, knownList()));
  const std::string sel = gen.string("selection", "br", {"br", "uniform"});
  g.selection = sel == "br" ? generator::ModeSelection::BranchingRatio : generator::ModeSelection::Uniform;
  g.catalogue.radiativeEGammaMin = gen.number("radiative_egamma_min_MeV", 10.0, 0.01, 100.0) * MeV;
  gen.finish();

  auto& b = g.beam;
  CardTable beam = top.sub("beam");
  b.momentum = beam.number("momentum_GeV", b.momentum / GeV, 1e-3, 1e4) * GeV;
  b.momentumSpread = beam.number("momentum_spread", b.momentumSpread, 0.0, 0.5);
  b.referenceZ = beam.number("reference_z_m", b.referenceZ / m, 0.0, 1e4) * m;
  b.meanSlopeX = beam.number("mean_slope_x_mrad", b.meanSlopeX / mrad, -100, 100) * mrad;
  b.meanSlopeY = beam.number("mean_slope_y_mrad", b.meanSlopeY / mrad, -100, 100) * mrad;
  b.divergence = beam.number("divergence_mrad", b.divergence / mrad, 0.0, 100) * mrad;
  b.halfWidthX = beam.number("half_width_x_mm", b.halfWidthX / mm, 0.0, 1e4) * mm;
  b.halfHeightY = beam.number("half_height_y_mm", b.halfHeightY / mm, 0.0, 1e4) * mm;
  b.meanX = beam.number("mean_x_mm", b.meanX / mm, -1e4, 1e4) * mm;
  b.meanY = beam.number("mean_y_mm", b.meanY / mm, -1e4, 1e4) * mm;
  b.fractionKaon = beam.number("fraction_kaon", b.fractionKaon, 0.0, 1.0);
  b.fractionPion = beam.number("fraction_pion", b.fractionPion, 0.0, 1.0);
  b.fractionProton = beam.number("fraction_proton", b.fractionProton, 0.0, 1.0);
  b.rate = beam.number("rate_MHz", b.rate * units::s / 1e6, 0.0, 1e5) * 1e6 / units::s;
  beam.finish();
  try {
    b.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(name, beam.line("fraction_kaon"), "beam", e.what());
  }

  CardTable fid = top.sub("fiducial");
  g.fiducial.zMin = fid.number("z_min_m", g.fiducial.zMin / m, 0.0, 1e4) * m;
  g.fiducial.zMax = fid.number("z_max_m", g.fiducial.zMax / m, 0.0, 1e4) * m;
  try {
    g.fiducial.validate(b.referenceZ);
  } catch (const ConfigError& e) {
    throw ConfigError(name, fid.line("z_min_m"), "fiducial", e.what());
  }
  fid.finish();

  CardTable pi0 = top.sub("pi0");
  g.catalogue.pi0.dalitzSlope = pi0.number("dalitz_slope", g.catalogue.pi0.dalitzSlope, -1.0, 1.0);
  pi0.finish();

  // Per-mode parameters: [modes.<key>]; every mode accepts "br".
  auto& c = g.catalogue;
  CardTable modes = top.sub("modes");
  for (const std::string& key : modes.keys()) {
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw ConfigError(name, modes.line(key), "modes." + key,
                        fmt::format("unknown decay mode; known modes: {}", knownList().substr(5)));
    CardTable t = modes.sub(key);
    if (t.has("br")) c.brOverrides.emplace_back(key, t.number("br", 0.0, 0.0, 1.0));
    if (key == "k3pi" || key == "k3pi00") {
      auto& k = key == "k3pi" ? c.k3pi : c.k3pi00;
      k.g = t.number("g", k.g, -10, 10);
      k.h = t.number("h", k.h, -10, 10);
      k.k = t.number("k", k.k, -10, 10);
    } else if (key == "ke3" || key == "kmu3") {
      auto& k = key == "ke3" ? c.ke3 : c.kmu3;
      k.lambdaPlus1 = t.number("lambda_plus1", k.lambdaPlus1, -1, 1);
      k.lambdaPlus2 = t.number("lambda_plus2", k.lambdaPlus2, -1, 1);
      k.lambda0 = t.number("lambda0", k.lambda0, -1, 1);
    } else if (key == "pinunu") {
      c.pinunu.lambdaPlus1 = t.number("lambda_plus1", c.pinunu.lambdaPlus1, -1, 1);
      c.pinunu.lambdaPlus2 = t.number("lambda_plus2", c.pinunu.lambdaPlus2, -1, 1);
    } else if (key == "pimumu" || key == "piee") {
      auto& k = key == "pimumu" ? c.pimumu : c.piee;
      k.aPlus = t.number("a_plus", k.aPlus, -100, 100);
      k.bPlus = t.number("b_plus", k.bPlus, -100, 100);
    } else if (key == "pigg") {
      c.pigg.cHat = t.number("c_hat", c.pigg.cHat, -10, 10);
      const std::string order = t.string("order", "p6", {"p4", "p6"});
      c.pigg.order = order == "p4" ? generator::PiGammaGammaDecay::Config::Order::P4
                                   : generator::PiGammaGammaDecay::Config::Order::P6;
    }
    t.finish();
  }
  readDetectorTables(top, card.detector, card.reco);
  top.finish();
  card.detector.tank.fiducialZMin = g.fiducial.zMin;  // one fiducial region for generator and analysis
  card.detector.tank.fiducialZMax = g.fiducial.zMax;
  try {
    card.detector.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(name, 0, "", e.what());
  }
  return card;
}

RunCard readRunCard(const std::filesystem::path& path) {
  return parseRunCard(readCardFile(path, "run card"), path.string());
}

std::string defaultCardText() {
  return R"(# kaonlab run card (TOML). Every key is optional; shown at its default.
# Units are part of the key names.

[run]
seed = 1          # run seed: event i uses Philox(seed, stream, i)
events = 10000    # number of K+ decays in the fiducial region
first_event = 0   # index of this job's first event (batch shards; see also --shard K/N)
threads = 0       # 0 = all cores (results do not depend on it)

[output]
prefix = "kaonlab-run"   # writes <prefix>.hepmc3, <prefix>.h5, <prefix>.json
hepmc3 = true
hdf5 = true
histograms = false       # kaonlab simulate: <prefix>.hist.h5, histograms of the reconstructed best track

[generate]
modes = ["all"]          # "all" = every SM mode with its PDG BR, or keys, e.g. ["k2pi", "pinunu"]
selection = "br"         # "br": modes drawn by BR; "uniform": equal numbers, BR in the weight
radiative_egamma_min_MeV = 10.0   # photon cut of the IB channels kmu2g, k2pig (K rest frame)

[beam]                   # at the GTK3 reference plane
momentum_GeV = 75.0
momentum_spread = 0.01   # relative rms
reference_z_m = 102.4
mean_slope_x_mrad = 1.2
mean_slope_y_mrad = 0.0
divergence_mrad = 0.1    # rms per projection
half_width_x_mm = 30.4
half_height_y_mm = 13.5
mean_x_mm = 0.0
mean_y_mm = 0.0
fraction_kaon = 0.06
fraction_pion = 0.70
fraction_proton = 0.23
rate_MHz = 450.0

[fiducial]
z_min_m = 105.0
z_max_m = 165.0

[pi0]
dalitz_slope = 0.032

# Per-mode parameters; every mode also accepts br = <value>.
[modes.pimumu]
a_plus = -0.575
b_plus = -0.722

[modes.piee]
a_plus = -0.578
b_plus = -0.779

[modes.pigg]
c_hat = 1.713
order = "p6"
)";
}

}  // namespace kaonlab::app
