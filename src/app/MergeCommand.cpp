// `kaonlab merge -o run.reco.h5 run.shard-*.reco.h5`: the parts of one run (kaonlab
// generate|simulate --shard K/N) joined into one truth or reco ntuple, in event-index order,
// or their histogram files (simulate, [output] histograms) summed bin by bin. The parts are
// checked as for `kaonlab analyse` (Shards.hpp); a merged ntuple is the file the single job
// would have written (same rows, columns and attributes; test
// Cli.ShardsOfARunConcatenateAndMergeToTheSingleJob). Written all-or-nothing like every output.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "Shards.hpp"
#include "kaonlab/app/Commands.hpp"
#include "kaonlab/app/Progress.hpp"
#include "kaonlab/app/Version.hpp"
#include "kaonlab/core/Error.hpp"
#include "kaonlab/io/ColumnTable.hpp"
#include "kaonlab/io/HistogramTable.hpp"
#include "kaonlab/io/RecoNtuple.hpp"
#include "kaonlab/io/TruthNtuple.hpp"

namespace kaonlab::app {
namespace {

namespace fs = std::filesystem;

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string output;
  bool quiet = false;
};

/// Root attributes the ntuple writers set themselves (not copied from the parts).
bool builtIn(const std::string& name) {
  return name == "kaonlab_version" || name == "units" || name == "format" || name == "format_version" ||
         name == "mode_names";
}

/// The user attributes of the merged file: those of the first part, with first_event the
/// smallest of the parts' (or their smallest event index when a part does not record it).
std::map<std::string, std::string> mergedAttributes(const std::vector<std::map<std::string, std::string>>& parts,
                                                    std::uint64_t firstIndex) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : parts.front())
    if (!builtIn(k)) out[k] = v;
  std::uint64_t first = firstIndex;
  bool all = true;
  for (const auto& a : parts) {
    const auto it = a.find("first_event");
    if (it == a.end()) {
      all = false;
      break;
    }
    first = std::min<std::uint64_t>(first, std::stoull(it->second));
  }
  if (all || out.count("first_event")) out["first_event"] = std::to_string(all ? first : firstIndex);
  return out;
}

/// What the checks and the ordering need of a part, without its rows.
struct PartHeader {
  std::string file;
  std::vector<std::string> modes;
  std::map<std::string, std::string> attributes;
  std::vector<std::uint64_t> index;  ///< /events/index
  std::uint64_t first() const { return index.empty() ? 0 : *std::min_element(index.begin(), index.end()); }
};

PartHeader readHeader(const std::string& file) {
  const io::H5InputFile in(file);
  PartHeader h{file, in.exists("modes/name") ? in.strings("modes/name") : std::vector<std::string>{}, in.attributes("/"), {}};
  h.index = in.table("events", {"index"}).get<std::uint64_t>("index");
  return h;
}

/// Ntuples: a first pass over the parts' headers (modes, attributes, event indices) checks
/// and orders them; the second reads one part at a time and appends its rows (memory: the
/// largest part, not the sum).
template <class Read, class Write>
std::uint64_t mergeParts(const MergeOptions& opt, Read&& read, Write&& write) {
  std::vector<PartHeader> parts;
  ShardCheck check;
  std::uint64_t total = 0;
  for (const auto& f : opt.inputs) {
    parts.push_back(readHeader(f));
    check.add(f, parts.back().modes, parts.back().attributes, parts.back().index);
    total += parts.back().index.size();
  }
  std::stable_sort(parts.begin(), parts.end(), [](const PartHeader& a, const PartHeader& b) { return a.first() < b.first(); });
  std::vector<std::map<std::string, std::string>> ordered;
  for (const auto& p : parts) ordered.push_back(p.attributes);
  const auto attributes = mergedAttributes(ordered, check.firstIndex().value_or(0));
  ProgressBar bar("merge", total, !opt.quiet);
  std::uint64_t done = 0;
  write(parts.front().modes, attributes, [&](auto&& sink) {
    for (const auto& p : parts) {
      const auto nt = read(p.file);
      for (std::size_t row = 0; row < nt.size(); ++row) sink(nt, row);
      done += nt.size();
      bar.update(done);
    }
  });
  bar.finish();
  return total;
}

/// Histogram files (kaonlab simulate, [output] histograms): the parts' tables summed bin by
/// bin in event order (equal to the single job's sums up to rounding); a table missing from a
/// part (a decay mode without events there) counts as empty; axes must agree.
std::uint64_t mergeHistograms(const MergeOptions& opt, const fs::path& out) {
  struct Part {
    std::string file;
    io::HistogramFile h;
    std::uint64_t first;  // first_event (0 when not recorded)
  };
  std::vector<Part> parts;
  ShardCheck check;
  for (const auto& f : opt.inputs) {
    io::HistogramFile h = io::readHistogramFile(f);
    const auto it = h.attributes.find("first_event");
    const std::uint64_t first = it == h.attributes.end() ? 0 : std::stoull(it->second);
    check.add(f, h.modeNames, h.attributes, h.events > 0 ? std::vector<std::uint64_t>{first, first + h.events - 1}
                                                         : std::vector<std::uint64_t>{});
    parts.push_back({f, std::move(h), first});
  }
  std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.first < b.first; });
  io::HistogramFile m;
  m.modeNames = parts.front().h.modeNames;
  std::vector<std::map<std::string, std::string>> attrs;
  for (const auto& p : parts) {
    attrs.push_back(p.h.attributes);
    m.events += p.h.events;
    for (const auto& h : p.h.histograms) {
      io::HistogramData* s = nullptr;
      for (auto& x : m.histograms)
        if (x.name == h.name) s = &x;
      if (!s) {
        m.histograms.push_back(h);
        continue;
      }
      if (s->axes != h.axes) throw ConfigError(p.file, 0, h.name, "histogram axes differ from the other parts'");
      for (std::size_t c = 0; c < h.sumW.size(); ++c) {
        s->sumW[c] += h.sumW[c];
        s->sumW2[c] += h.sumW2[c];
      }
    }
  }
  m.attributes = mergedAttributes(attrs, check.firstIndex().value_or(0));
  io::writeHistogramFile(out, version(), m);
  return m.events;
}

}  // namespace

void addMergeCommand(CLI::App& app) {
  auto opt = std::make_shared<MergeOptions>();
  CLI::App* sub = app.add_subcommand(
      "merge", "Join the parts of one run (--shard K/N): truth or reco ntuples in event order, histogram files summed");
  sub->add_option("inputs", opt->inputs, "the parts: truth (.h5), reco (.reco.h5) ntuples or histograms (.hist.h5) of one run")
      ->required();
  sub->add_option("--output,-o", opt->output, "merged file")->required();
  sub->add_flag("--quiet,-q", opt->quiet, "no progress bar or summary");
  sub->callback([opt] {
    std::string format;
    for (const auto& f : opt->inputs) {
      if (!fs::exists(f)) throw ConfigError(f, 0, "", "cannot open the ntuple (missing file)");
      if (fs::exists(opt->output) && fs::equivalent(f, opt->output))
        throw ConfigError(opt->output, 0, "", "the output is one of the inputs");
      std::map<std::string, std::string> a;
      try {
        a = io::H5InputFile(f).attributes("/");
      } catch (const std::runtime_error& e) {  // not an HDF5 file: bad input (exit 2)
        throw ConfigError(f, 0, "", std::string("not a kaonlab ntuple: ") + e.what());
      }
      const auto it = a.find("format");
      const std::string fmtName = it == a.end() ? std::string() : it->second;
      if (fmtName != "kaonlab-truth-ntuple" && fmtName != "kaonlab-reco-ntuple" && fmtName != "kaonlab-histograms")
        throw ConfigError(f, 0, "format",
                          "expected a kaonlab truth or reco ntuple or a histogram file (root attribute format = "
                          "kaonlab-truth-ntuple, kaonlab-reco-ntuple or kaonlab-histograms), found '" + fmtName + "'");
      if (!format.empty() && fmtName != format)
        throw ConfigError(f, 0, "format", fmt::format("is a {}, the first input a {}", fmtName, format));
      format = fmtName;
    }
    const fs::path out = opt->output;
    if (out.has_parent_path()) fs::create_directories(out.parent_path());
    std::uint64_t n = 0;
    if (format == "kaonlab-histograms") {
      n = mergeHistograms(*opt, out);
    } else if (format == "kaonlab-reco-ntuple") {
      n = mergeParts(
          *opt, [](const std::string& f) { return io::readRecoNtuple(f); },
          [&](const std::vector<std::string>& modes, const std::map<std::string, std::string>& attributes, auto&& rows) {
            io::RecoNtupleWriter w(out, version(), modes, attributes);
            rows([&](const io::RecoNtuple& nt, std::size_t row) { w.write(nt.event(row), nt.truthMode(row), nt.weight(row)); });
            w.close();
          });
    } else {
      n = mergeParts(
          *opt, [](const std::string& f) { return io::readTruthNtuple(f); },
          [&](const std::vector<std::string>& modes, const std::map<std::string, std::string>& attributes, auto&& rows) {
            io::TruthNtupleWriter w(out, version(), modes, attributes);
            rows([&](const io::TruthNtuple& nt, std::size_t row) { w.write(nt.event(row)); });
            w.close();
          });
    }
    if (!opt->quiet) fmt::print("kaonlab merge: {} events from {} parts -> {}\n", n, opt->inputs.size(), out.string());
  });
}

}  // namespace kaonlab::app
