#include "kaonlab/io/HistogramTable.hpp"

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace kaonlab::io {

std::size_t HistogramData::cells() const {
  std::size_t n = 1;
  for (const auto& a : axes) n *= static_cast<std::size_t>(a.bins) + 2;
  return n;
}

namespace {
/// Lower and upper edge of cell i (0 = underflow, bins + 1 = overflow) of a regular axis.
std::pair<double, double> edges(const HistogramAxis& a, int i) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double w = (a.hi - a.lo) / a.bins;
  auto at = [&](int k) { return k == a.bins ? a.hi : a.lo + k * w; };  // exact upper end
  if (i == 0) return {-inf, a.lo};
  if (i == a.bins + 1) return {a.hi, inf};
  return {at(i - 1), at(i)};
}
}  // namespace

void writeHistogram(H5OutputFile& file, const HistogramData& h) {
  if (h.axes.empty() || h.axes.size() > 2) throw std::invalid_argument("histogram " + h.name + ": 1 or 2 axes");
  for (const auto& a : h.axes)
    if (a.bins < 1 || !(a.lo < a.hi)) throw std::invalid_argument("histogram " + h.name + ": bad axis " + a.name);
  if (h.sumW.size() != h.cells() || h.sumW2.size() != h.cells())
    throw std::invalid_argument("histogram " + h.name + ": sum_w / sum_w2 sizes differ from the axes' cells");
  ColumnTable& t = file.table(h.name);
  std::vector<Column<double>> low, high;
  for (const auto& a : h.axes) {
    low.push_back(t.column<double>(a.name + "_low", a.unit, "lower edge of the " + a.name + " bin (-inf: underflow)"));
    high.push_back(t.column<double>(a.name + "_high", a.unit, "upper edge of the " + a.name + " bin (+inf: overflow)"));
  }
  const auto w = t.column<double>("sum_w", "", "sum of event weights: " + h.title);
  const auto w2 = t.column<double>("sum_w2", "", "sum of squared event weights (variance of sum_w)");
  const int nx = h.axes[0].bins + 2, ny = h.axes.size() > 1 ? h.axes[1].bins + 2 : 1;
  for (int iy = 0; iy < ny; ++iy)
    for (int ix = 0; ix < nx; ++ix) {
      const std::size_t c = static_cast<std::size_t>(iy) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(ix);
      const auto [xl, xh] = edges(h.axes[0], ix);
      t.set(low[0], xl);
      t.set(high[0], xh);
      if (h.axes.size() > 1) {
        const auto [yl, yh] = edges(h.axes[1], iy);
        t.set(low[1], yl);
        t.set(high[1], yh);
      }
      t.set(w, h.sumW[c]);
      t.set(w2, h.sumW2[c]);
      t.endRow();
    }
}

namespace {
constexpr const char* kFormat = "kaonlab-histograms";
constexpr const char* kFormatVersion = "1";
}  // namespace

const HistogramData* HistogramFile::find(const std::string& name) const {
  for (const auto& h : histograms)
    if (h.name == name) return &h;
  return nullptr;
}

void writeHistogramFile(const std::filesystem::path& path, const std::string& version, const HistogramFile& f) {
  nlohmann::json index = nlohmann::json::array();
  for (const auto& h : f.histograms) {
    nlohmann::json axes = nlohmann::json::array();
    for (const auto& a : h.axes) axes.push_back({{"name", a.name}, {"unit", a.unit}, {"bins", a.bins}, {"lo", a.lo}, {"hi", a.hi}});
    index.push_back({{"name", h.name}, {"title", h.title}, {"axes", axes}});
  }
  H5OutputFile file(path, kFormat, kFormatVersion, version, f.attributes, {"histograms", "events", "mode_names"});
  file.setAttribute("histograms", index.dump());
  file.setAttribute("events", std::to_string(f.events));
  file.setAttribute("mode_names", nlohmann::json(f.modeNames).dump());
  file.writeStrings("modes/name", f.modeNames);
  for (const auto& h : f.histograms) writeHistogram(file, h);
  file.close();
}

HistogramFile readHistogramFile(const std::filesystem::path& path) {
  const H5InputFile in(path);
  auto attrs = in.attributes("/");
  auto fail = [&](const std::string& what) {
    throw std::runtime_error("histogram file '" + path.string() + "': " + what);
  };
  if (attrs["format"] != kFormat) fail("not a kaonlab histogram file (format '" + attrs["format"] + "')");
  HistogramFile f;
  f.modeNames = in.exists("modes/name") ? in.strings("modes/name") : std::vector<std::string>{};
  try {
    f.events = std::stoull(attrs.at("events"));
    for (const auto& e : nlohmann::json::parse(attrs.at("histograms"))) {
      HistogramData h;
      h.name = e.at("name").get<std::string>();
      h.title = e.at("title").get<std::string>();
      for (const auto& a : e.at("axes"))
        h.axes.push_back({a.at("name").get<std::string>(), a.at("unit").get<std::string>(), a.at("bins").get<int>(),
                          a.at("lo").get<double>(), a.at("hi").get<double>()});
      const ColumnTableData t = in.table(h.name);
      h.sumW = t.get<double>("sum_w");
      h.sumW2 = t.get<double>("sum_w2");
      if (h.sumW.size() != h.cells()) fail("table " + h.name + " has " + std::to_string(h.sumW.size()) + " rows, its axes " + std::to_string(h.cells()));
      f.histograms.push_back(std::move(h));
    }
  } catch (const std::runtime_error&) {
    throw;
  } catch (const std::exception& e) {
    fail(std::string("bad index: ") + e.what());
  }
  for (const char* k : {"format", "format_version", "kaonlab_version", "units", "histograms", "events", "mode_names"})
    attrs.erase(k);
  f.attributes = std::move(attrs);
  return f;
}

}  // namespace kaonlab::io
