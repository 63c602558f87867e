// `kaonlab analyse --input run.reco.h5`: apply an analysis selection to a reconstructed ntuple
// (written by `kaonlab simulate`, or by any tool that follows docs/io.md) and write the cut flow,
// the m2miss-region counts per generated mode and the signal-region candidates as JSON.
// Analyses: the K+ -> pi+ nu nubar selection (--analysis pnn, analysis::PnnSelection;
// docs/analysis-pnn.md) and the three-track K+ -> pi+ mu+ mu- / K+ -> pi+ pi+ pi- selections
// (--analysis pimumu, analysis::selectPiMuMu / selectK3pi; docs/analysis-pimumu.md).
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <algorithm>
#include <memory>
#include <optional>
#include <vector>
#include <nlohmann/json.hpp>

#include "kaonlab/analysis/PiMuMuAnalysis.hpp"
#include "kaonlab/analysis/PnnSelection.hpp"
#include "kaonlab/app/Card.hpp"
#include "PnnCard.hpp"
#include "Shards.hpp"
#include "kaonlab/app/Commands.hpp"
#include "kaonlab/app/Progress.hpp"
#include "kaonlab/app/Version.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/io/AtomicFile.hpp"
#include "kaonlab/io/ColumnTable.hpp"
#include "kaonlab/io/RecoNtuple.hpp"

namespace kaonlab::app {
namespace {

using analysis::PnnCut;
using analysis::PnnRegion;

constexpr int kRegions = static_cast<int>(PnnRegion::SignalBoxFail) + 1;
/// Signal-region candidates listed one by one in the JSON (the counts include all).
constexpr std::size_t kMaxListedCandidates = 1000;

struct Options {
  std::vector<std::string> inputs;
  std::string analysis = "pnn";
  std::string card;
  bool printCard = false;
  std::string selection = "2018";
  std::string output;  ///< default analysis/<analysis>
  bool quiet = false;
};

struct Sum {
  std::uint64_t events = 0;
  double weight = 0;
  void add(double w) {
    ++events;
    weight += w;
  }
  nlohmann::json json() const { return {{"events", events}, {"weight", weight}}; }
};

analysis::PnnSelectionConfig selectionConfig(const Options& opt) {
  analysis::PnnSelectionConfig cfg =
      opt.selection == "2018" ? analysis::PnnSelectionConfig{} : analysis::PnnSelectionConfig::run2016_2017();
  return opt.card.empty() ? cfg : readPnnCard(opt.card, cfg);
}

/// Per-event classification table (PREFIX.h5, group /events; join with the reco ntuple on
/// `index`), with the cut and region names as /cuts/name and /regions/name.
struct EventTable {
  io::H5OutputFile file;
  io::ColumnTable& t;
  io::Column<std::uint64_t> index;
  io::Column<std::int32_t> mode, stage, region;
  io::Column<std::int64_t> failed;
  io::Column<double> weight, p, m2miss;
  io::Column<bool> selected;
  EventTable(const std::string& path, const std::string& input)
      : file(path, "kaonlab-pnn-selection", "1", version(), {{"input", input}}), t(file.table("events")),
        index(t.column<std::uint64_t>("index", "", "event index (join key with the reco ntuple's /events/index)")),
        mode(t.column<std::int32_t>("truth_mode", "", "generated decay mode id (row of /modes/name of the reco ntuple)")),
        stage(t.column<std::int32_t>("stage", "", "cuts passed in order = row of /cuts/name of the first failed cut (number of cuts: all passed)")),
        region(t.column<std::int32_t>("region", "", "m2miss region, row of /regions/name")),
        failed(t.column<std::int64_t>("failed", "", "bit mask of the failed cuts (bit k = row k of /cuts/name)")),
        weight(t.column<double>("weight", "", "event weight")),
        p(t.column<double>("p", "GeV", "pi+ candidate momentum (0: no candidate)")),
        m2miss(t.column<double>("m2miss", "GeV^2", "GTK m2miss of the candidate")),
        selected(t.column<bool>("selected", "", "passes every cut (R1 or R2)")) {}
};

/// The inputs as one string ("a.reco.h5, b.reco.h5"), for the outputs' `input` fields.
std::string inputList(const Options& opt) {
  std::string list;
  for (const auto& f : opt.inputs) list += (list.empty() ? "" : ", ") + f;
  return list;
}

/// Name of a generated mode id of a reco ntuple ("unknown" outside its mode table).
std::string modeName(const io::RecoNtuple& nt, std::int32_t m) {
  return m >= 0 && static_cast<std::size_t>(m) < nt.modeNames.size() ? nt.modeNames[static_cast<std::size_t>(m)]
                                                                     : std::string("unknown");
}

nlohmann::json runPnn(const Options& opt, const analysis::PnnSelectionConfig& cfg) {
  const auto t0 = std::chrono::steady_clock::now();
  const analysis::PnnSelection sel(cfg);
  const std::string inputs = inputList(opt);
  EventTable table(opt.output + ".h5", inputs);

  analysis::CutFlow flow;                              // [0] all, [k+1] after cut k (in order)
  std::array<Sum, analysis::kPnnCutCount> onlyThis{};  // fail this cut and no other
  std::map<std::string, std::array<Sum, kRegions>> regions;  // all cuts but the signal region
  std::map<std::string, Sum> selected;
  nlohmann::json candidates = nlohmann::json::array();
  // several inputs: the shards of one run (kaonlab simulate --shard K/N), analysed as one sample
  ShardCheck check;
  std::uint64_t events = 0;
  for (const auto& input : opt.inputs) {
    const io::RecoNtuple nt = io::readRecoNtuple(input);
    check.add(input, nt.modeNames, nt.attributes, nt.events.get<std::uint64_t>("index"));
    events += nt.size();
    ProgressBar bar(opt.inputs.size() > 1 ? "analyse " + input : std::string("analyse"), nt.size(), !opt.quiet);
    for (std::size_t row = 0; row < nt.size(); ++row) {
      const reco::RecoEvent ev = nt.event(row);
      const double w = nt.weight(row);
      const std::string mode = modeName(nt, nt.truthMode(row));
      const analysis::PnnClassification c = sel.classify(ev);
      auto& t = table.t;
      t.set(table.index, ev.index);
      t.set(table.mode, nt.truthMode(row));
      t.set(table.stage, c.stage);
      t.set(table.region, static_cast<std::int32_t>(c.region));
      t.set(table.failed, static_cast<std::int64_t>(c.failed));
      t.set(table.weight, w);
      t.set(table.p, c.p);
      t.set(table.m2miss, c.m2miss);
      t.set(table.selected, c.passed());
      t.endRow();
      flow.fill(c, w);
      for (int k = 0; k < analysis::kPnnCutCount; ++k)
        if (c.failed == analysis::bit(static_cast<PnnCut>(k))) onlyThis[static_cast<std::size_t>(k)].add(w);
      if (c.passesAllBut(analysis::bit(PnnCut::SignalRegion)))
        regions[mode][static_cast<std::size_t>(c.region)].add(w);
      if (c.passed()) {
        selected[mode].add(w);
        if (candidates.size() < kMaxListedCandidates)
          candidates.push_back({{"index", ev.index}, {"mode", mode}, {"weight", w}, {"p_GeV", c.p},
                                {"m2miss_GeV2", c.m2miss}, {"region", std::string(analysis::regionName(c.region))}});
      }
      if ((row & 0xffff) == 0) bar.update(row);
    }
    bar.finish();
  }
  std::vector<std::string> cuts, regionNames;
  for (int k = 0; k < analysis::kPnnCutCount; ++k) cuts.emplace_back(analysis::cutName(static_cast<PnnCut>(k)));
  for (int k = 0; k < kRegions; ++k) regionNames.emplace_back(analysis::regionName(static_cast<PnnRegion>(k)));
  table.file.writeStrings("cuts/name", cuts);
  table.file.writeStrings("regions/name", regionNames);
  table.file.close();

  nlohmann::json j;
  j["kaonlab_version"] = version();
  j["command"] = "analyse";
  j["analysis"] = "pnn";
  j["selection"] = !opt.card.empty() ? "analysis card (every value in selection_card)"
                   : opt.selection == "2018" ? "2018 (pi+ 15-45 GeV/c)"
                                             : "2016-17 (pi+ 15-35 GeV/c)";
  j["card"] = opt.card;
  j["selection_card"] = pnnCardText(cfg);  // every selection value used
  j["input"] = inputs;
  j["inputs"] = opt.inputs;
  j["events_table"] = opt.output + ".h5";
  j["events"] = events;
  j["note"] =
      "NA62's calorimetric BDT is not simulated: multiply counts after calo_pion_id by its working point "
      "(0.75 for pi+, 1.2e-5 for mu+, docs/analysis-pnn.md); the photon, RICH and MUV3 decisions are the simulated ones";
  nlohmann::json cf = nlohmann::json::array();
  auto count = [](double n) { return static_cast<std::uint64_t>(n); };  // CutFlow counts events in doubles
  cf.push_back({{"cut", "all events"}, {"events", count(flow.events[0])}, {"weight", flow.weights[0]}});
  for (int k = 0; k < analysis::kPnnCutCount; ++k) {
    const auto i = static_cast<std::size_t>(k);
    cf.push_back({{"cut", std::string(analysis::cutName(static_cast<PnnCut>(k)))},
                  {"events", count(flow.events[i + 1])},
                  {"weight", flow.weights[i + 1]},
                  {"failing_only_this_cut", onlyThis[i].json()}});
  }
  j["cut_flow"] = cf;
  nlohmann::json reg = nlohmann::json::object();
  for (const auto& [mode, r] : regions) {
    nlohmann::json m = nlohmann::json::object();
    for (int k = 0; k < kRegions; ++k)
      if (r[static_cast<std::size_t>(k)].events > 0)
        m[std::string(analysis::regionName(static_cast<PnnRegion>(k)))] = r[static_cast<std::size_t>(k)].json();
    reg[mode] = m;
  }
  j["regions_all_cuts_but_signal_region"] = reg;
  nlohmann::json s = nlohmann::json::object();
  for (const auto& [mode, v] : selected) s[mode] = v.json();
  j["selected"] = s;
  j["candidates"] = candidates;
  j["candidates_listed_max"] = kMaxListedCandidates;
  j["wall_time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return j;
}

/// The three-track selections on a reco ntuple: K+ -> pi+ mu+ mu- (with z and cos theta_Kmu)
/// and the K+ -> pi+ pi+ pi- normalisation, counted per generated mode, with the z spectrum of
/// the pi+ mu+ mu- candidates and a per-event table. The geometric acceptance needs the
/// detector of the simulation: it is rebuilt from the run card stored in the ntuple.
nlohmann::json runPiMuMu(const Options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const analysis::PiMuMuSelectionConfig cfg{};
  const analysis::PiMuMuSpectrum spectrum;
  constexpr int kBins = 15;  // as analysis::PiMuMuAnalysisConfig::zBins
  std::vector<double> edges(kBins + 1), zCounts(kBins, 0.0);
  for (int i = 0; i <= kBins; ++i) edges[i] = spectrum.zMin() + (spectrum.zMax() - spectrum.zMin()) * i / kBins;
  const std::string inputs = inputList(opt);
  io::H5OutputFile file(opt.output + ".h5", "kaonlab-pimumu-selection", "1", version(), {{"input", inputs}});
  io::ColumnTable& t = file.table("events");
  auto index = t.column<std::uint64_t>("index", "", "event index (join key with the reco ntuple's /events/index)");
  auto mode = t.column<std::int32_t>("truth_mode", "", "generated decay mode id (row of /modes/name of the reco ntuple)");
  auto weight = t.column<double>("weight", "", "event weight");
  auto pimumu = t.column<bool>("pimumu", "", "passes the K+ -> pi+ mu+ mu- selection");
  auto k3pi = t.column<bool>("k3pi", "", "passes the K+ -> pi+ pi+ pi- (normalisation) selection");
  auto z = t.column<double>("z", "", "m2(mu+ mu-)/m2(K) of a pi+ mu+ mu- candidate (0 otherwise)");
  auto cosTheta = t.column<double>("cos_theta_kmu", "", "cos(theta_Kmu) of a pi+ mu+ mu- candidate (0 otherwise)");
  auto mass = t.column<double>("m_pimumu", "GeV", "three-track mass with (m_pi, m_mu, m_mu) (0: no assignment)");
  std::map<std::string, Sum> selPiMuMu, selK3pi;
  double forward = 0, backward = 0;
  ShardCheck check;
  std::uint64_t events = 0;
  for (const auto& input : opt.inputs) {
    const io::RecoNtuple nt = io::readRecoNtuple(input);
    check.add(input, nt.modeNames, nt.attributes, nt.events.get<std::uint64_t>("index"));
    const auto card = nt.attributes.find("run_card");
    if (card == nt.attributes.end())
      throw ConfigError(input, 0, "run_card", "the reco ntuple has no run card attribute (needed for the detector geometry)");
    const RunCard rc = parseRunCard(card->second, input + ":/run_card");
    const reco::Reconstruction rec(rc.reco, rc.detector);
    events += nt.size();
    ProgressBar bar(opt.inputs.size() > 1 ? "analyse " + input : std::string("analyse"), nt.size(), !opt.quiet);
    for (std::size_t row = 0; row < nt.size(); ++row) {
      const reco::RecoEvent ev = nt.event(row);
      const double w = nt.weight(row);
      const std::int32_t m = nt.truthMode(row);
      const std::string name = modeName(nt, m);
      const analysis::PiMuMuCandidate c = analysis::selectPiMuMu(ev, rec, cfg);
      const bool n3 = analysis::selectK3pi(ev, rec, cfg);
      t.set(index, ev.index);
      t.set(mode, m);
      t.set(weight, w);
      t.set(pimumu, c.selected);
      t.set(k3pi, n3);
      t.set(z, c.selected ? c.z : 0.0);
      t.set(cosTheta, c.selected ? c.cosTheta : 0.0);
      t.set(mass, c.mass);
      t.endRow();
      if (c.selected) {
        selPiMuMu[name].add(w);
        const auto b = std::upper_bound(edges.begin(), edges.end(), c.z) - edges.begin() - 1;
        if (b >= 0 && b < kBins) zCounts[static_cast<std::size_t>(b)] += 1;
        (c.cosTheta > 0 ? forward : backward) += 1;
      }
      if (n3) selK3pi[name].add(w);
      if ((row & 0xffff) == 0) bar.update(row);
    }
    bar.finish();
  }
  file.close();
  nlohmann::json j;
  j["kaonlab_version"] = version();
  j["command"] = "analyse";
  j["analysis"] = "pimumu";
  j["selection"] = "three-track vertex (NA62 K3piSelection cuts: z 104-180 m, |P - 75| < 3 GeV/c, 490-497 MeV/c^2), "
                   "mu: MUV3 and E/p < 0.2, pi: no MUV3 and E/p < 0.85 (docs/analysis-pimumu.md)";
  j["input"] = inputs;
  j["inputs"] = opt.inputs;
  j["events_table"] = opt.output + ".h5";
  j["events"] = events;
  nlohmann::json a = nlohmann::json::object(), b = nlohmann::json::object();
  for (const auto& [k, v] : selPiMuMu) a[k] = v.json();
  for (const auto& [k, v] : selK3pi) b[k] = v.json();
  j["selected"] = {{"pimumu", a}, {"k3pi", b}};
  j["pimumu_z_bin_edges"] = edges;
  j["pimumu_z_counts"] = zCounts;
  j["pimumu_forward_backward"] = {forward, backward};
  j["wall_time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return j;
}

void printCutFlow(const nlohmann::json& j) {
  if (j["analysis"] == "pimumu") {
    fmt::print("kaonlab analyse: three-track selections on {} ({} events)\n", j["input"].get<std::string>(),
               j["events"].get<std::uint64_t>());
    for (const char* sel : {"pimumu", "k3pi"})
      for (const auto& [mode, v] : j["selected"][sel].items())
        fmt::print("  {} selected in {}: {} events (weight {:.6g})\n", sel, mode, v["events"].get<std::uint64_t>(),
                   v["weight"].get<double>());
    return;
  }
  fmt::print("kaonlab analyse: {} selection on {} ({} events)\n", j["selection"].get<std::string>(),
             j["input"].get<std::string>(), j["events"].get<std::uint64_t>());
  fmt::print("  {:<44} {:>12} {:>14} {:>16}\n", "cut (cumulative)", "events", "weight", "fail only this");
  for (const auto& c : j["cut_flow"]) {
    const std::string only = c.contains("failing_only_this_cut")
                                 ? fmt::format("{}", c["failing_only_this_cut"]["events"].get<std::uint64_t>())
                                 : "";
    fmt::print("  {:<44} {:>12} {:>14.6g} {:>16}\n", c["cut"].get<std::string>(), c["events"].get<std::uint64_t>(),
               c["weight"].get<double>(), only);
  }
  for (const auto& [mode, v] : j["selected"].items())
    fmt::print("  selected {}: {} events (weight {:.6g})\n", mode, v["events"].get<std::uint64_t>(),
               v["weight"].get<double>());
}

}  // namespace

void addAnalyseCommand(CLI::App& app) {
  auto opt = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("analyse", "Apply an analysis selection to a reco ntuple (cut flow, regions, candidates as JSON)");
  sub->alias("analyze");
  sub->add_option("--input,-i", opt->inputs,
                  "reco ntuple (HDF5) written by `kaonlab simulate`; several: the shards of one run (same run card, "
                  "seed and modes, disjoint event indices), analysed as one sample");
  sub->add_option("--analysis,-a", opt->analysis,
                  "pnn (K+ -> pi+ nu nubar) or pimumu (the three-track K+ -> pi+ mu+ mu- and K3pi selections)")
      ->check(CLI::IsMember({"pnn", "pimumu"}));
  sub->add_option("--card,-c", opt->card, "analysis card: a [pnn] table overriding any selection value (see --print-card)");
  sub->add_flag("--print-card", opt->printCard, "print the [pnn] card of the chosen selection, every key documented, and exit");
  sub->add_option("--selection,-s", opt->selection, "pnn selection: 2018 (pi+ 15-45 GeV/c) or 2016-17 (15-35 GeV/c)")
      ->check(CLI::IsMember({"2018", "2016-17"}));
  sub->add_option("--output,-o", opt->output,
                  "output prefix: writes PREFIX.json (summary) and PREFIX.h5 (per-event classification); default "
                  "analysis/<analysis>");
  sub->add_flag("--quiet,-q", opt->quiet, "no progress bar and no cut-flow table");
  sub->callback([opt] {
    const analysis::PnnSelectionConfig cfg = selectionConfig(*opt);
    if (opt->printCard) {
      fmt::print("{}", pnnCardText(cfg));
      return;
    }
    if (opt->inputs.empty()) throw ConfigError("analyse: --input (a reco ntuple) is required");
    if (opt->analysis != "pnn" && (!opt->card.empty() || opt->selection != "2018"))
      throw ConfigError("analyse: --card and --selection apply to --analysis pnn only");
    if (opt->output.empty()) opt->output = "analysis/" + opt->analysis;
    for (const auto& f : opt->inputs)
      if (!std::filesystem::exists(f)) throw ConfigError(f, 0, "", "cannot open the reco ntuple (missing file)");
    const std::filesystem::path out = opt->output + ".json";
    if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
    const nlohmann::json j = opt->analysis == "pimumu" ? runPiMuMu(*opt) : runPnn(*opt, cfg);
    io::writeFileAtomically(out, j.dump(2) + "\n");
    if (!opt->quiet) {
      printCutFlow(j);
      fmt::print("wrote {} and {}.h5\n", out.string(), opt->output);
    }
  });
}

}  // namespace kaonlab::app
