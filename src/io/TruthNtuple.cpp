#include "kaonlab/io/TruthNtuple.hpp"

#include <hdf5.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/io/AtomicFile.hpp"

namespace kaonlab::io {

namespace fs = std::filesystem;
using generator::TruthEvent;
using generator::TruthParticle;

namespace {

constexpr const char* kFormat = "kaonlab-truth-ntuple";
constexpr const char* kFormatVersion = "1";
constexpr const char* kUnits = "GeV, mm, ns";
constexpr int kDeflateLevel = 1;
constexpr hsize_t kChunkRows = 8192;

std::string quoted(const fs::path& p) {
  std::string s(1, '\'');  // built with += : "'" + string trips GCC 12's -Wrestrict false positive
  s += p.native();
  s += '\'';
  return s;
}

// ---- HDF5 helpers ---------------------------------------------------------------------------

/// Owns an HDF5 identifier; closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, -1);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  /// Closes now; returns false when HDF5 reports an error.
  bool reset() {
    herr_t r = 0;
    if (id_ >= 0 && close_) r = close_(id_);
    id_ = -1;
    return r >= 0;
  }

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

/// Turns HDF5's automatic error-stack printing off for its lifetime (errors become
/// exceptions with the innermost HDF5 message instead).
class QuietHdf5 {
 public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

/// The innermost message of HDF5's current error stack (then cleared).
std::string hdf5Message() {
  std::string msg;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* e, void* out) -> herr_t {
        if (n == 0 && e && e->desc) *static_cast<std::string*>(out) = e->desc;
        return 0;
      },
      &msg);
  H5Eclear2(H5E_DEFAULT);
  return msg.empty() ? std::string() : " (HDF5: " + msg + ")";
}

template <class T> hid_t memType();
template <> hid_t memType<std::uint64_t>() { return H5T_NATIVE_UINT64; }
template <> hid_t memType<std::int64_t>() { return H5T_NATIVE_INT64; }
template <> hid_t memType<std::int32_t>() { return H5T_NATIVE_INT32; }
template <> hid_t memType<double>() { return H5T_NATIVE_DOUBLE; }
template <class T> hid_t fileType();
template <> hid_t fileType<std::uint64_t>() { return H5T_STD_U64LE; }
template <> hid_t fileType<std::int64_t>() { return H5T_STD_I64LE; }
template <> hid_t fileType<std::int32_t>() { return H5T_STD_I32LE; }
template <> hid_t fileType<double>() { return H5T_IEEE_F64LE; }

Handle utf8StringType() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!t.valid() || H5Tset_size(t.get(), H5T_VARIABLE) < 0 || H5Tset_cset(t.get(), H5T_CSET_UTF8) < 0)
    return {};
  return t;
}

// The column lists: the one place that names the columns and their order.
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

template <class Cols>
std::string columnList(Cols& cols) {
  std::string s;
  forEachColumn(cols, [&](const char* name, auto&) {
    if (!s.empty()) s += ',';
    s += name;
  });
  return s;
}

}  // namespace

// ---- writer -------------------------------------------------------------------------------

struct TruthNtupleWriter::Impl {
  AtomicFile file;  // declared first: destroyed last, after every HDF5 handle is closed
  Handle h5;
  Handle eventsGroup, particlesGroup;
  std::vector<Handle> eventSets, particleSets;  // in forEachColumn order
  TruthNtuple::Events events;                    // buffered rows
  TruthNtuple::Particles particles;
  std::uint64_t eventsWritten = 0, particlesWritten = 0;
  bool closed = false, failed = false;

  explicit Impl(fs::path p) : file(std::move(p)) {}
  ~Impl() {
    QuietHdf5 quiet;
    closeHandles();
  }

  [[noreturn]] void fail(const std::string& what) {
    failed = true;
    throw std::runtime_error("HDF5 output " + quoted(file.finalPath()) + ": " + what + hdf5Message());
  }

  bool closeHandles() {
    bool ok = true;
    for (auto& h : eventSets) ok = h.reset() && ok;
    for (auto& h : particleSets) ok = h.reset() && ok;
    ok = eventsGroup.reset() && ok;
    ok = particlesGroup.reset() && ok;
    ok = h5.reset() && ok;
    return ok;
  }

  Handle createGroup(const char* name) {
    Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
    if (!gcpl.valid() || H5Pset_obj_track_times(gcpl.get(), 0) < 0) fail(std::string("cannot set up group ") + name);
    Handle g(H5Gcreate2(h5.get(), name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
    if (!g.valid()) fail(std::string("cannot create group ") + name);
    return g;
  }

  void stringAttribute(hid_t loc, const std::string& name, const std::string& value) {
    Handle type = utf8StringType();
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle attr(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    const char* p = value.c_str();
    if (!attr.valid() || H5Awrite(attr.get(), type.get(), &p) < 0)
      fail("cannot write attribute '" + name + "'");
  }

  template <class T>
  Handle createColumn(hid_t group, const char* name) {
    const hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = kChunkRows;
    Handle space(H5Screate_simple(1, &dims, &maxdims), H5Sclose);
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    // no modification times in object headers: identical runs give byte-identical files
    if (!space.valid() || !dcpl.valid() || H5Pset_obj_track_times(dcpl.get(), 0) < 0 ||
        H5Pset_chunk(dcpl.get(), 1, &chunk) < 0 ||
        H5Pset_shuffle(dcpl.get()) < 0 || H5Pset_deflate(dcpl.get(), kDeflateLevel) < 0)
      fail(std::string("cannot set up column ") + name);
    Handle d(H5Dcreate2(group, name, fileType<T>(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
             H5Dclose);
    if (!d.valid()) fail(std::string("cannot create column ") + name);
    return d;
  }

  template <class T>
  void append(const Handle& d, const std::vector<T>& rows, std::uint64_t offset, const char* name) {
    if (rows.empty()) return;
    const hsize_t start = offset, count = rows.size(), newSize = offset + rows.size();
    if (H5Dset_extent(d.get(), &newSize) < 0) fail(std::string("cannot extend column ") + name);
    Handle fspace(H5Dget_space(d.get()), H5Sclose);
    Handle mspace(H5Screate_simple(1, &count, nullptr), H5Sclose);
    if (!fspace.valid() || !mspace.valid() ||
        H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0 ||
        H5Dwrite(d.get(), memType<T>(), mspace.get(), fspace.get(), H5P_DEFAULT, rows.data()) < 0)
      fail(std::string("cannot write column ") + name);
  }

  void flush() {
    std::size_t i = 0;
    forEachColumn(events, [&](const char* name, auto& v) {
      append(eventSets[i++], v, eventsWritten, name);
    });
    i = 0;
    forEachColumn(particles, [&](const char* name, auto& v) {
      append(particleSets[i++], v, particlesWritten, name);
    });
    eventsWritten += events.index.size();
    particlesWritten += particles.event.size();
    forEachColumn(events, [](const char*, auto& v) { v.clear(); });
    forEachColumn(particles, [](const char*, auto& v) { v.clear(); });
  }
};

TruthNtupleWriter::TruthNtupleWriter(fs::path path, std::string version, std::vector<std::string> modeNames,
                                     std::map<std::string, std::string> attributes)
    : impl_(std::make_unique<Impl>(std::move(path))) {
  Impl& m = *impl_;
  static constexpr std::string_view kReserved[] = {"kaonlab_version", "units", "format", "format_version",
                                                   "mode_names"};
  for (const auto& [key, value] : attributes)
    if (std::find(std::begin(kReserved), std::end(kReserved), key) != std::end(kReserved) || key.empty())
      throw ConfigError(m.file.finalPath().string(), 0, key,
                        "attribute name is reserved by the truth ntuple format (or empty)");

  QuietHdf5 quiet;
  // CLOSE_STRONG: H5Fclose really closes (and flushes) the file before it is renamed
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.valid() || H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG) < 0) m.fail("cannot set up file access");
  m.h5 = Handle(H5Fcreate(m.file.tempPath().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose);
  if (!m.h5.valid()) m.fail("cannot create temporary file " + quoted(m.file.tempPath()));

  const hid_t root = m.h5.get();
  m.stringAttribute(root, "format", kFormat);
  m.stringAttribute(root, "format_version", kFormatVersion);
  m.stringAttribute(root, "kaonlab_version", version);
  m.stringAttribute(root, "units", kUnits);
  m.stringAttribute(root, "mode_names", nlohmann::json(modeNames).dump());
  for (const auto& [key, value] : attributes) m.stringAttribute(root, key, value);

  // /modes/name: variable-length UTF-8 strings, row = mode id
  {
    Handle group = m.createGroup("modes");
    Handle type = utf8StringType();
    const hsize_t n = modeNames.size();
    Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (!dcpl.valid() || H5Pset_obj_track_times(dcpl.get(), 0) < 0) m.fail("cannot set up /modes/name");
    Handle d(H5Dcreate2(group.get(), "name", type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
             H5Dclose);
    std::vector<const char*> ptrs;
    for (const auto& s : modeNames) ptrs.push_back(s.c_str());
    if (!d.valid() || (n > 0 && H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0))
      m.fail("cannot write /modes/name");
  }

  m.eventsGroup = m.createGroup("events");
  m.particlesGroup = m.createGroup("particles");
  m.stringAttribute(m.eventsGroup.get(), "columns", columnList(m.events));
  m.stringAttribute(m.particlesGroup.get(), "columns", columnList(m.particles));
  forEachColumn(m.events, [&](const char* name, auto& v) {
    m.eventSets.push_back(m.createColumn<typename std::decay_t<decltype(v)>::value_type>(m.eventsGroup.get(), name));
    v.reserve(kDefaultBlockRows);
  });
  forEachColumn(m.particles, [&](const char* name, auto& v) {
    m.particleSets.push_back(
        m.createColumn<typename std::decay_t<decltype(v)>::value_type>(m.particlesGroup.get(), name));
    v.reserve(kDefaultBlockRows * 4);
  });
}

TruthNtupleWriter::~TruthNtupleWriter() = default;
TruthNtupleWriter::TruthNtupleWriter(TruthNtupleWriter&&) noexcept = default;
TruthNtupleWriter& TruthNtupleWriter::operator=(TruthNtupleWriter&&) noexcept = default;

const fs::path& TruthNtupleWriter::path() const { return impl_->file.finalPath(); }
std::uint64_t TruthNtupleWriter::eventsWritten() const { return impl_->eventsWritten + impl_->events.index.size(); }
std::uint64_t TruthNtupleWriter::particlesWritten() const {
  return impl_->particlesWritten + impl_->particles.event.size();
}

void TruthNtupleWriter::write(const TruthEvent& ev) {
  Impl& m = *impl_;
  if (m.closed) throw std::logic_error("TruthNtupleWriter::write after close() for " + quoted(path()));
  if (m.failed) m.fail("write() after an earlier error");
  auto& e = m.events;
  auto& p = m.particles;
  e.index.push_back(ev.index);
  e.mode.push_back(ev.mode);
  e.weight.push_back(ev.weight);
  e.beam_pdg.push_back(ev.beamPdgId);
  e.beam_px.push_back(ev.beamMomentum.px);
  e.beam_py.push_back(ev.beamMomentum.py);
  e.beam_pz.push_back(ev.beamMomentum.pz);
  e.beam_e.push_back(ev.beamMomentum.e);
  e.origin_x.push_back(ev.beamOrigin.px);
  e.origin_y.push_back(ev.beamOrigin.py);
  e.origin_z.push_back(ev.beamOrigin.pz);
  e.origin_t.push_back(ev.beamOrigin.e);
  e.vertex_x.push_back(ev.decayVertex.px);
  e.vertex_y.push_back(ev.decayVertex.py);
  e.vertex_z.push_back(ev.decayVertex.pz);
  e.vertex_t.push_back(ev.decayVertex.e);
  e.n_particles.push_back(static_cast<std::int32_t>(ev.nParticles));
  e.first_particle.push_back(static_cast<std::int64_t>(m.particlesWritten + p.event.size()));
  for (std::size_t i = 0; i < ev.nParticles; ++i) {
    const TruthParticle& tp = ev.particles[i];
    p.event.push_back(ev.index);
    p.pdg.push_back(tp.pdgId);
    p.parent.push_back(tp.parent);
    p.status.push_back(tp.status);
    p.px.push_back(tp.p.px);
    p.py.push_back(tp.p.py);
    p.pz.push_back(tp.p.pz);
    p.e.push_back(tp.p.e);
  }
  if (e.index.size() >= kDefaultBlockRows) {
    QuietHdf5 quiet;
    m.flush();
  }
}

void TruthNtupleWriter::close() {
  Impl& m = *impl_;
  if (m.closed) return;
  if (m.failed) m.fail("close() after an earlier error: file not written");
  {
    QuietHdf5 quiet;
    m.flush();
    if (!m.closeHandles()) m.fail("error while closing " + quoted(m.file.tempPath()));
  }
  m.file.commit();
  m.closed = true;
}

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
  QuietHdf5 quiet;
  const auto fail = [&](const std::string& what) {
    throw std::runtime_error("HDF5 input " + quoted(path) + ": " + what + hdf5Message());
  };
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) fail("no such file");
  Handle h5(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!h5.valid()) fail("cannot open as HDF5");

  TruthNtuple out;
  const auto readColumns = [&](const char* group, auto& cols) {
    std::size_t rows = 0;
    bool firstColumn = true;
    forEachColumn(cols, [&](const char* name, auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      const std::string full = std::string("/") + group + "/" + name;
      if (H5Lexists(h5.get(), group, H5P_DEFAULT) <= 0) fail("no group /" + std::string(group));
      Handle g(H5Gopen2(h5.get(), group, H5P_DEFAULT), H5Gclose);
      if (H5Lexists(g.get(), name, H5P_DEFAULT) <= 0) fail("missing column " + full);
      Handle d(H5Dopen2(g.get(), name, H5P_DEFAULT), H5Dclose);
      Handle space(H5Dget_space(d.get()), H5Sclose);
      if (!d.valid() || !space.valid() || H5Sget_simple_extent_ndims(space.get()) != 1)
        fail("column " + full + " is not a 1-D dataset");
      hsize_t n = 0;
      H5Sget_simple_extent_dims(space.get(), &n, nullptr);
      if (!firstColumn && n != rows) fail("column " + full + " has " + std::to_string(n) + " rows, expected " + std::to_string(rows));
      firstColumn = false;
      rows = n;
      v.resize(n);
      if (n > 0 && H5Dread(d.get(), memType<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
        fail("cannot read column " + full);
    });
  };
  readColumns("events", out.events);
  readColumns("particles", out.particles);

  // /modes/name
  if (H5Lexists(h5.get(), "modes", H5P_DEFAULT) > 0 && H5Lexists(h5.get(), "modes/name", H5P_DEFAULT) > 0) {
    Handle d(H5Dopen2(h5.get(), "modes/name", H5P_DEFAULT), H5Dclose);
    Handle space(H5Dget_space(d.get()), H5Sclose);
    Handle type = utf8StringType();
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (!d.valid() || n < 0) fail("cannot read /modes/name");
    std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
    if (n > 0) {
      if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0) fail("cannot read /modes/name");
      for (char* s : ptrs) out.modeNames.emplace_back(s ? s : "");
      H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, ptrs.data());
    }
  }

  // string attributes of the root group
  struct Ctx {
    TruthNtuple* out;
  } ctx{&out};
  hsize_t idx = 0;
  H5Aiterate2(
      h5.get(), H5_INDEX_NAME, H5_ITER_INC, &idx,
      [](hid_t loc, const char* name, const H5A_info_t*, void* data) -> herr_t {
        auto* c = static_cast<Ctx*>(data);
        Handle a(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
        Handle ftype(H5Aget_type(a.get()), H5Tclose);
        Handle space(H5Aget_space(a.get()), H5Sclose);
        if (!a.valid() || H5Tget_class(ftype.get()) != H5T_STRING ||
            H5Sget_simple_extent_npoints(space.get()) != 1)
          return 0;  // not a scalar string: skip
        if (H5Tis_variable_str(ftype.get()) > 0) {
          Handle mtype = utf8StringType();
          char* s = nullptr;
          if (H5Aread(a.get(), mtype.get(), &s) >= 0 && s) {
            c->out->attributes[name] = s;
            H5free_memory(s);
          }
        } else {
          std::string s(H5Tget_size(ftype.get()), '\0');
          Handle mtype(H5Tcopy(ftype.get()), H5Tclose);
          if (H5Aread(a.get(), mtype.get(), s.data()) >= 0) {
            s.resize(std::strlen(s.c_str()));
            c->out->attributes[name] = s;
          }
        }
        return 0;
      },
      &ctx);
  H5Eclear2(H5E_DEFAULT);
  return out;
}

}  // namespace kaonlab::io
