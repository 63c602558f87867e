#include "kaonlab/io/TruthNtuple.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <utility>

#include "kaonlab/io/ColumnTable.hpp"

namespace kaonlab::io {

namespace fs = std::filesystem;
using generator::TruthEvent;
using generator::TruthParticle;

namespace {

constexpr const char* kFormat = "kaonlab-truth-ntuple";
constexpr const char* kFormatVersion = "1";

// The writer's column listings: names, order, units and meaning of the columns (the
// reader's forEachColumn below lists the same names for the TruthNtuple vectors).
template <class Col>
void eventColumns(Col&& col, const TruthEvent& ev, const std::int64_t& firstParticle) {
  col("index", "", "event index in the run (drives its random numbers)", ev.index);
  col("mode", "", "decay mode id (row of /modes/name), -1 = none", as<std::int32_t>(ev.mode));
  col("weight", "", "event weight", ev.weight);
  col("beam_pdg", "", "PDG id of the beam particle (321 = K+)", as<std::int32_t>(ev.beamPdgId));
  col("beam_px", "GeV", "beam particle momentum, x", ev.beamMomentum.px);
  col("beam_py", "GeV", "beam particle momentum, y", ev.beamMomentum.py);
  col("beam_pz", "GeV", "beam particle momentum, z", ev.beamMomentum.pz);
  col("beam_e", "GeV", "beam particle energy", ev.beamMomentum.e);
  col("origin_x", "mm", "where the beam particle crosses the reference plane, x", ev.beamOrigin.px);
  col("origin_y", "mm", "where the beam particle crosses the reference plane, y", ev.beamOrigin.py);
  col("origin_z", "mm", "where the beam particle crosses the reference plane, z", ev.beamOrigin.pz);
  col("origin_t", "ns", "time at the reference plane", ev.beamOrigin.e);
  col("vertex_x", "mm", "K+ decay vertex, x", ev.decayVertex.px);
  col("vertex_y", "mm", "K+ decay vertex, y", ev.decayVertex.py);
  col("vertex_z", "mm", "K+ decay vertex, z", ev.decayVertex.pz);
  col("vertex_t", "ns", "K+ decay time", ev.decayVertex.e);
  col("n_particles", "", "number of rows of this event in /particles", as<std::int32_t>(ev.nParticles));
  col("first_particle", "", "row of its first particle in /particles", firstParticle);
}

template <class Col>
void particleColumns(Col&& col, const TruthParticle& p, const std::uint64_t& event) {
  col("event", "", "index of the event it belongs to (join key)", event);
  col("pdg", "", "PDG id", as<std::int32_t>(p.pdgId));
  col("parent", "", "index of the parent within the event's particles; -1 = the K+", as<std::int32_t>(p.parent));
  col("status", "", "1 = final state, 2 = decayed (pi0)", as<std::int32_t>(p.status));
  col("px", "GeV", "lab momentum, x", p.p.px);
  col("py", "GeV", "lab momentum, y", p.p.py);
  col("pz", "GeV", "lab momentum, z", p.p.pz);
  col("e", "GeV", "lab energy", p.p.e);
}

// The reader's column lists (TruthNtuple's vectors by column name).
template <class F>
void forEachColumn(TruthNtuple::Events& c, F&& f) {
  f("index", c.index);
  f("mode", c.mode);
  f("weight", c.weight);
  f("beam_pdg", c.beam_pdg);
  f("beam_px", c.beam_px);
  f("beam_py", c.beam_py);
  f("beam_pz", c.beam_pz);
  f("beam_e", c.beam_e);
  f("origin_x", c.origin_x);
  f("origin_y", c.origin_y);
  f("origin_z", c.origin_z);
  f("origin_t", c.origin_t);
  f("vertex_x", c.vertex_x);
  f("vertex_y", c.vertex_y);
  f("vertex_z", c.vertex_z);
  f("vertex_t", c.vertex_t);
  f("n_particles", c.n_particles);
  f("first_particle", c.first_particle);
}

template <class F>
void forEachColumn(TruthNtuple::Particles& c, F&& f) {
  f("event", c.event);
  f("pdg", c.pdg);
  f("parent", c.parent);
  f("status", c.status);
  f("px", c.px);
  f("py", c.py);
  f("pz", c.pz);
  f("e", c.e);
}

}  // namespace

// ---- writer -------------------------------------------------------------------------------

struct TruthNtupleWriter::Impl {
  H5OutputFile file;
  ColumnTable* events = nullptr;
  ColumnTable* particles = nullptr;

  Impl(fs::path path, std::string version, const std::map<std::string, std::string>& attributes)
      : file(std::move(path), kFormat, kFormatVersion, std::move(version), attributes, {"mode_names"}) {}
};

TruthNtupleWriter::TruthNtupleWriter(fs::path path, std::string version, std::vector<std::string> modeNames,
                                     std::map<std::string, std::string> attributes)
    : impl_(std::make_unique<Impl>(std::move(path), std::move(version), attributes)) {
  Impl& m = *impl_;
  m.file.setAttribute("mode_names", nlohmann::json(modeNames).dump());
  m.file.writeStrings("modes/name", modeNames);  // row = mode id
  m.events = &m.file.table("events", kDefaultBlockRows);
  m.particles = &m.file.table("particles", kDefaultBlockRows * 4);
  m.events->declare([](auto&& col) { eventColumns(col, TruthEvent{}, std::int64_t{}); });
  m.particles->declare([](auto&& col) { particleColumns(col, TruthParticle{}, std::uint64_t{}); });
}

TruthNtupleWriter::~TruthNtupleWriter() = default;
TruthNtupleWriter::TruthNtupleWriter(TruthNtupleWriter&&) noexcept = default;
TruthNtupleWriter& TruthNtupleWriter::operator=(TruthNtupleWriter&&) noexcept = default;

const fs::path& TruthNtupleWriter::path() const { return impl_->file.path(); }
std::uint64_t TruthNtupleWriter::eventsWritten() const { return impl_->events->rows(); }
std::uint64_t TruthNtupleWriter::particlesWritten() const { return impl_->particles->rows(); }

void TruthNtupleWriter::write(const TruthEvent& ev) {
  Impl& m = *impl_;
  if (m.file.closed()) throw std::logic_error("TruthNtupleWriter::write after close() for '" + path().string() + "'");
  const auto firstParticle = static_cast<std::int64_t>(m.particles->rows());
  m.events->appendRow([&](auto&& col) { eventColumns(col, ev, firstParticle); });
  for (std::size_t i = 0; i < ev.nParticles; ++i)
    m.particles->appendRow([&](auto&& col) { particleColumns(col, ev.particles[i], ev.index); });
}

void TruthNtupleWriter::close() { impl_->file.close(); }

// ---- reader -------------------------------------------------------------------------------

TruthEvent TruthNtuple::event(std::size_t row) const {
  TruthEvent ev;
  ev.index = events.index.at(row);
  ev.mode = events.mode[row];
  ev.weight = events.weight[row];
  ev.beamPdgId = events.beam_pdg[row];
  ev.beamMomentum = {events.beam_px[row], events.beam_py[row], events.beam_pz[row], events.beam_e[row]};
  ev.beamOrigin = {events.origin_x[row], events.origin_y[row], events.origin_z[row], events.origin_t[row]};
  ev.decayVertex = {events.vertex_x[row], events.vertex_y[row], events.vertex_z[row], events.vertex_t[row]};
  const auto first = static_cast<std::size_t>(events.first_particle[row]);
  const auto n = static_cast<std::size_t>(events.n_particles[row]);
  if (n > TruthEvent::kMaxParticles || first + n > particles.event.size())
    throw std::out_of_range("truth ntuple: event row " + std::to_string(row) + " has bad particle range");
  for (std::size_t i = first; i < first + n; ++i)
    ev.add({particles.pdg[i], {particles.px[i], particles.py[i], particles.pz[i], particles.e[i]},
            particles.parent[i], particles.status[i]});
  return ev;
}

TruthNtuple readTruthNtuple(const fs::path& path) {
  const H5InputFile in(path);
  TruthNtuple out;
  const auto readColumns = [&](const char* group, auto& cols) {
    const ColumnTableData table = in.table(group);
    forEachColumn(cols, [&](const char* name, auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      if (!table.has(name))
        throw std::runtime_error("HDF5 input '" + path.string() + "': missing column /" + group + "/" + name);
      v = table.get<T>(name);
    });
  };
  readColumns("events", out.events);
  readColumns("particles", out.particles);
  if (in.exists("modes/name")) out.modeNames = in.strings("modes/name");
  out.attributes = in.attributes("/");
  return out;
}

}  // namespace kaonlab::io
