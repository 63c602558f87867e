#include "RecoHistograms.hpp"

#include <boost/histogram.hpp>

#include <optional>
#include <tuple>
#include <type_traits>

#include "kaonlab/core/Units.hpp"
#include "kaonlab/io/ColumnTable.hpp"
#include "kaonlab/io/HistogramTable.hpp"

namespace kaonlab::app {
namespace {

namespace bh = boost::histogram;
using Axis = bh::axis::regular<double>;
using H1 = bh::histogram<std::tuple<Axis>, bh::weight_storage>;
using H2 = bh::histogram<std::tuple<Axis, Axis>, bh::weight_storage>;

/// One histogram: its description (for the file) and its Boost.Histogram.
template <class H>
struct Booked {
  io::HistogramData info;  // name, title, axes (sums filled at write time)
  H h;
};

Axis axisOf(const io::HistogramAxis& a) { return Axis(static_cast<unsigned>(a.bins), a.lo, a.hi); }
Booked<H1> book1(std::string name, std::string title, io::HistogramAxis x) {
  return {{std::move(name), std::move(title), {x}, {}, {}}, bh::make_weighted_histogram(axisOf(x))};
}
Booked<H2> book2(std::string name, std::string title, io::HistogramAxis x, io::HistogramAxis y) {
  return {{std::move(name), std::move(title), {x, y}, {}, {}}, bh::make_weighted_histogram(axisOf(x), axisOf(y))};
}

/// The sums of a booked histogram in HistogramData's cell order (flow bins included).
template <class H>
io::HistogramData data(const Booked<H>& b) {
  io::HistogramData d = b.info;
  d.sumW.assign(d.cells(), 0.0);
  d.sumW2.assign(d.cells(), 0.0);
  const std::size_t nx = static_cast<std::size_t>(d.axes[0].bins) + 2;
  for (auto&& x : bh::indexed(b.h, bh::coverage::all)) {
    std::size_t c = static_cast<std::size_t>(x.index(0) + 1);
    if constexpr (std::is_same_v<H, H2>) c += nx * static_cast<std::size_t>(x.index(1) + 1);
    d.sumW[c] = x->value();
    d.sumW2[c] = x->variance();
  }
  return d;
}

// axes (units: GeV, mm, ns; docs/io.md "Histograms")
const io::HistogramAxis kM2{"m2miss", "GeV^2", 300, -0.15, 0.15};
const io::HistogramAxis kM2Coarse{"m2miss", "GeV^2", 150, -0.15, 0.15};
const io::HistogramAxis kP{"p", "GeV", 160, 0.0, 80.0};
const io::HistogramAxis kPCoarse{"p", "GeV", 80, 0.0, 80.0};

}  // namespace

struct RecoHistograms::Impl {
  std::vector<std::string> modeNames;
  Booked<H1> nTracks = book1("n_tracks", "events by number of STRAW tracks (every event)", {"n_tracks", "", 9, -0.5, 8.5});
  Booked<H1> m2 = book1("m2miss", "m2miss (GTK kaon, pi+ mass) of the best K+-matched track", kM2);
  Booked<H2> m2VsP = book2("m2miss_vs_p", "m2miss versus momentum of the best track", kPCoarse, kM2Coarse);
  Booked<H1> p = book1("track_p", "momentum of the best track", kP);
  Booked<H1> vz = book1("vertex_z", "decay vertex z (CDA midpoint) of the best track",
                        {"vertex_z", "mm", 200, 90.0 * units::m, 190.0 * units::m});
  Booked<H1> cda = book1("cda", "GTK-STRAW closest distance of approach of the best track", {"cda", "mm", 100, 0.0, 50.0});
  Booked<H1> dt = book1("dt_gtk", "t(track) - t(GTK) of the best track", {"dt_gtk", "ns", 200, -2.0, 2.0});
  Booked<H1> richMass = book1("rich_mass", "RICH mass of the best track (with a ring; < 0: beta above 1/n)", {"rich_mass", "GeV", 250, -0.1, 0.4});
  Booked<H1> eOverP = book1("e_over_p", "LKr E/p of the best track", {"e_over_p", "", 150, 0.0, 1.5});
  std::map<int, Booked<H1>> m2ByMode;  // truth mode id -> m2miss
  std::uint64_t events = 0;

  std::vector<io::HistogramData> all() const {
    std::vector<io::HistogramData> v{data(nTracks), data(m2), data(m2VsP), data(p), data(vz),
                                     data(cda),     data(dt), data(richMass), data(eOverP)};
    for (const auto& [mode, b] : m2ByMode) v.push_back(data(b));
    return v;
  }
};

RecoHistograms::RecoHistograms(std::vector<std::string> modeNames) : impl_(std::make_unique<Impl>()) {
  impl_->modeNames = std::move(modeNames);
}
RecoHistograms::~RecoHistograms() = default;

void RecoHistograms::fill(const reco::RecoEvent& ev, int truthMode, double weight) {
  Impl& m = *impl_;
  ++m.events;
  const auto w = bh::weight(weight);
  m.nTracks.h(static_cast<double>(ev.nTracks), w);
  if (ev.best < 0) return;
  const reco::RecoTrack& t = ev.tracks[static_cast<std::size_t>(ev.best)];
  m.m2.h(t.m2miss, w);
  m.m2VsP.h(t.p, t.m2miss, w);
  m.p.h(t.p, w);
  m.vz.h(t.vertex.z, w);
  m.cda.h(t.cda, w);
  m.dt.h(t.dtGtk, w);
  if (t.hasRing) m.richMass.h(t.richMass, w);
  if (t.lkrIndex >= 0) m.eOverP.h(t.eOverP, w);
  if (truthMode >= 0 && static_cast<std::size_t>(truthMode) < m.modeNames.size()) {
    auto it = m.m2ByMode.find(truthMode);
    if (it == m.m2ByMode.end())
      it = m.m2ByMode
               .emplace(truthMode, book1("m2miss_mode_" + m.modeNames[static_cast<std::size_t>(truthMode)],
                                         "m2miss of the best track, events generated as " +
                                             m.modeNames[static_cast<std::size_t>(truthMode)],
                                         kM2))
               .first;
    it->second.h(t.m2miss, w);
  }
}

void RecoHistograms::write(const std::filesystem::path& path, const std::string& version,
                           const std::map<std::string, std::string>& attributes) const {
  io::writeHistogramFile(path, version, {impl_->all(), impl_->modeNames, attributes, impl_->events});
}

}  // namespace kaonlab::app
