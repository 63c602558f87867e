#include "kaonlab/io/ColumnTable.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/io/AtomicFile.hpp"

namespace kaonlab::io {

namespace fs = std::filesystem;

namespace {

constexpr const char* kUnits = "GeV, mm, ns";
constexpr int kDeflateLevel = 1;
constexpr hsize_t kChunkRows = 8192;

std::string quoted(const fs::path& p) {
  std::string s(1, '\'');  // built with += : "'" + string trips GCC 12's -Wrestrict false positive
  s += p.native();
  s += '\'';
  return s;
}

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

Handle utf8StringType() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!t.valid() || H5Tset_size(t.get(), H5T_VARIABLE) < 0 || H5Tset_cset(t.get(), H5T_CSET_UTF8) < 0)
    return {};
  return t;
}

/// h5py's boolean: enum {FALSE = 0, TRUE = 1} over an 8-bit signed integer.
Handle boolType(hid_t base) {
  Handle t(H5Tenum_create(base), H5Tclose);
  const signed char f = 0, t1 = 1;
  if (!t.valid() || H5Tenum_insert(t.get(), "FALSE", &f) < 0 || H5Tenum_insert(t.get(), "TRUE", &t1) < 0) return {};
  return t;
}

/// Memory (or, with file = true, file) type of a column; bool types are new enum types.
Handle hdf5Type(ColumnType t, bool file) {
  const auto copy = [](hid_t id) { return Handle(H5Tcopy(id), H5Tclose); };
  switch (t) {
    case ColumnType::UInt64: return copy(file ? H5T_STD_U64LE : H5T_NATIVE_UINT64);
    case ColumnType::Int64: return copy(file ? H5T_STD_I64LE : H5T_NATIVE_INT64);
    case ColumnType::Int32: return copy(file ? H5T_STD_I32LE : H5T_NATIVE_INT32);
    case ColumnType::UInt8: return copy(file ? H5T_STD_U8LE : H5T_NATIVE_UINT8);
    case ColumnType::Bool: return boolType(file ? H5T_STD_I8LE : H5T_NATIVE_SCHAR);
    case ColumnType::Double: return copy(file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE);
  }
  return {};
}

std::size_t storageSize(ColumnType t) {
  switch (t) {
    case ColumnType::UInt64:
    case ColumnType::Int64:
    case ColumnType::Double: return 8;
    case ColumnType::Int32: return 4;
    case ColumnType::UInt8:
    case ColumnType::Bool: return 1;
  }
  return 8;
}

/// State shared by an output file and its tables.
struct FileState {
  AtomicFile file;  // declared first: destroyed last, after every HDF5 handle is closed
  Handle h5;
  bool closed = false, failed = false;

  explicit FileState(fs::path p) : file(std::move(p)) {}

  [[noreturn]] void fail(const std::string& what) {
    failed = true;
    throw std::runtime_error("HDF5 output " + quoted(file.finalPath()) + ": " + what + hdf5Message());
  }

  void checkUsable(const char* operation) {
    if (closed) throw std::logic_error(std::string(operation) + " after close() of " + quoted(file.finalPath()));
    if (failed) fail(std::string(operation) + " after an earlier error");
  }

  Handle createGroup(hid_t loc, const std::string& name) {
    Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
    // no modification times in object headers: identical runs give byte-identical files
    if (!gcpl.valid() || H5Pset_obj_track_times(gcpl.get(), 0) < 0) fail("cannot set up group " + name);
    Handle g(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
    if (!g.valid()) fail("cannot create group " + name);
    return g;
  }

  void stringAttribute(hid_t loc, const std::string& name, const std::string& value) {
    Handle type = utf8StringType();
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle attr(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    const char* p = value.c_str();
    if (!attr.valid() || H5Awrite(attr.get(), type.get(), &p) < 0) fail("cannot write attribute '" + name + "'");
  }
};

}  // namespace

const char* columnTypeName(ColumnType t) {
  switch (t) {
    case ColumnType::UInt64: return "uint64";
    case ColumnType::Int64: return "int64";
    case ColumnType::Int32: return "int32";
    case ColumnType::UInt8: return "uint8";
    case ColumnType::Bool: return "bool";
    case ColumnType::Double: return "float64";
  }
  return "?";
}

// ---- ColumnTable ----------------------------------------------------------------------------

struct ColumnTable::Impl {
  struct Col {
    std::string name;
    ColumnType type;
    Handle dataset;
    Handle memType;
    std::unique_ptr<std::uint64_t[]> buffer;  // blockRows elements of the storage type (8-byte aligned)
  };
  FileState* file;
  std::string name;
  Handle group;
  std::vector<Col> cols;

  bool closeHandles() {
    bool ok = true;
    for (auto& c : cols) {
      ok = c.dataset.reset() && ok;
      c.memType.reset();
    }
    return group.reset() && ok;
  }
};

ColumnTable::ColumnTable(std::unique_ptr<Impl> impl, std::size_t blockRows)
    : impl_(std::move(impl)), blockRows_(std::max<std::size_t>(blockRows, 1)) {}

ColumnTable::~ColumnTable() {
  QuietHdf5 quiet;
  impl_->closeHandles();
}

const std::string& ColumnTable::name() const { return impl_->name; }

std::size_t ColumnTable::addColumn(const std::string& name, ColumnType type, const std::string& unit,
                                   const std::string& description) {
  Impl& m = *impl_;
  const std::string where = "column '" + name + "' of table '" + m.name + "'";
  if (frozen_ || row_ > 0 || written_ > 0) throw std::logic_error("cannot declare " + where + " after the first row");
  if (name.empty() || name.find(',') != std::string::npos || name.find('/') != std::string::npos)
    throw std::logic_error("bad name for " + where + " (empty, or with ',' or '/')");
  for (const auto& c : m.cols)
    if (c.name == name) throw std::logic_error("duplicate " + where);
  m.file->checkUsable("declaring a column");

  QuietHdf5 quiet;
  const hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = kChunkRows;
  Handle space(H5Screate_simple(1, &dims, &maxdims), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  // no modification times in object headers: identical runs give byte-identical files
  if (!space.valid() || !dcpl.valid() || H5Pset_obj_track_times(dcpl.get(), 0) < 0 ||
      H5Pset_chunk(dcpl.get(), 1, &chunk) < 0 || H5Pset_shuffle(dcpl.get()) < 0 ||
      H5Pset_deflate(dcpl.get(), kDeflateLevel) < 0)
    m.file->fail("cannot set up " + where);
  Handle ftype = hdf5Type(type, true);
  Impl::Col col{name, type, {}, hdf5Type(type, false), nullptr};
  if (!ftype.valid() || !col.memType.valid()) m.file->fail("cannot make the type of " + where);
  col.dataset = Handle(
      H5Dcreate2(m.group.get(), name.c_str(), ftype.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      H5Dclose);
  if (!col.dataset.valid()) m.file->fail("cannot create " + where);
  m.file->stringAttribute(col.dataset.get(), "unit", unit);
  m.file->stringAttribute(col.dataset.get(), "description", description);
  col.buffer = std::make_unique<std::uint64_t[]>((blockRows_ * storageSize(type) + 7) / 8);  // zeroed
  data_.push_back(col.buffer.get());
  types_.push_back(type);
  m.cols.push_back(std::move(col));
  return types_.size() - 1;
}

void ColumnTable::freeze() {
  if (frozen_) return;
  Impl& m = *impl_;
  std::string list;
  for (const auto& c : m.cols) {
    if (!list.empty()) list += ',';
    list += c.name;
  }
  QuietHdf5 quiet;
  m.file->stringAttribute(m.group.get(), "columns", list);
  frozen_ = true;
}

void ColumnTable::flush() {
  Impl& m = *impl_;
  m.file->checkUsable("writing a row");
  freeze();
  if (row_ == 0) return;
  QuietHdf5 quiet;
  const hsize_t start = written_, count = row_, newSize = written_ + row_;
  Handle mspace(H5Screate_simple(1, &count, nullptr), H5Sclose);
  if (!mspace.valid()) m.file->fail("cannot write table '" + m.name + "'");
  for (auto& c : m.cols) {
    const std::string where = "column '" + c.name + "' of table '" + m.name + "'";
    if (H5Dset_extent(c.dataset.get(), &newSize) < 0) m.file->fail("cannot extend " + where);
    Handle fspace(H5Dget_space(c.dataset.get()), H5Sclose);
    if (!fspace.valid() ||
        H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0 ||
        H5Dwrite(c.dataset.get(), c.memType.get(), mspace.get(), fspace.get(), H5P_DEFAULT, c.buffer.get()) < 0)
      m.file->fail("cannot write " + where);
    // unset values of the next block read 0
    std::memset(c.buffer.get(), 0, row_ * storageSize(c.type));
  }
  written_ += row_;
  row_ = 0;
}

void ColumnTable::listingMismatch(std::size_t i) const {
  throw std::logic_error("table '" + impl_->name + "': the row listing does not match the declared columns at column " +
                         std::to_string(i) + " (of " + std::to_string(types_.size()) + ")");
}

// ---- H5OutputFile ---------------------------------------------------------------------------

struct H5OutputFile::Impl : FileState {
  std::vector<std::unique_ptr<ColumnTable>> tables;
  std::vector<Handle> groups;  // created by writeStrings

  explicit Impl(fs::path p) : FileState(std::move(p)) {}
  ~Impl() {
    QuietHdf5 quiet;
    closeHandles();
  }
  bool closeHandles() {
    bool ok = true;
    for (auto& t : tables) ok = closeTable(*t) && ok;
    for (auto& g : groups) ok = g.reset() && ok;
    return h5.reset() && ok;
  }
};

bool H5OutputFile::closeTable(ColumnTable& t) { return t.impl_->closeHandles(); }

H5OutputFile::H5OutputFile(fs::path path, std::string format, std::string formatVersion, std::string version,
                           const std::map<std::string, std::string>& attributes,
                           const std::vector<std::string>& reserved)
    : impl_(std::make_unique<Impl>(std::move(path))) {
  Impl& m = *impl_;
  std::set<std::string> taken{"kaonlab_version", "units", "format", "format_version"};
  taken.insert(reserved.begin(), reserved.end());
  for (const auto& [key, value] : attributes)
    if (taken.count(key) || key.empty())
      throw ConfigError(m.file.finalPath().string(), 0, key,
                        "attribute name is reserved by the " + format + " format (or empty)");

  QuietHdf5 quiet;
  // CLOSE_STRONG: H5Fclose really closes (and flushes) the file before it is renamed
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.valid() || H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG) < 0) m.fail("cannot set up file access");
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);  // root group without modification times too
  if (!fcpl.valid() || H5Pset_obj_track_times(fcpl.get(), 0) < 0) m.fail("cannot set up file creation");
  m.h5 = Handle(H5Fcreate(m.file.tempPath().c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose);
  if (!m.h5.valid()) m.fail("cannot create temporary file " + quoted(m.file.tempPath()));

  const hid_t root = m.h5.get();
  m.stringAttribute(root, "format", format);
  m.stringAttribute(root, "format_version", formatVersion);
  m.stringAttribute(root, "kaonlab_version", version);
  m.stringAttribute(root, "units", kUnits);
  for (const auto& [key, value] : attributes) m.stringAttribute(root, key, value);
}

H5OutputFile::~H5OutputFile() = default;
H5OutputFile::H5OutputFile(H5OutputFile&&) noexcept = default;
H5OutputFile& H5OutputFile::operator=(H5OutputFile&&) noexcept = default;

const fs::path& H5OutputFile::path() const { return impl_->file.finalPath(); }
bool H5OutputFile::closed() const { return impl_->closed; }

ColumnTable& H5OutputFile::table(const std::string& name, std::size_t blockRows) {
  Impl& m = *impl_;
  m.checkUsable("creating a table");
  QuietHdf5 quiet;
  auto impl = std::make_unique<ColumnTable::Impl>();
  impl->file = &m;
  impl->name = name;
  impl->group = m.createGroup(m.h5.get(), name);
  m.tables.push_back(std::unique_ptr<ColumnTable>(new ColumnTable(std::move(impl), blockRows)));
  return *m.tables.back();
}

void H5OutputFile::setAttribute(const std::string& name, const std::string& value) {
  Impl& m = *impl_;
  m.checkUsable("setting an attribute");
  QuietHdf5 quiet;
  m.stringAttribute(m.h5.get(), name, value);
}

void H5OutputFile::writeStrings(const std::string& path, const std::vector<std::string>& values) {
  Impl& m = *impl_;
  m.checkUsable("writing a string dataset");
  QuietHdf5 quiet;
  // create the missing parent groups
  for (std::size_t pos = path.find('/'); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    const std::string parent = path.substr(0, pos);
    if (!parent.empty() && H5Lexists(m.h5.get(), parent.c_str(), H5P_DEFAULT) <= 0)
      m.groups.push_back(m.createGroup(m.h5.get(), parent));
  }
  Handle type = utf8StringType();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!type.valid() || !space.valid() || !dcpl.valid() || H5Pset_obj_track_times(dcpl.get(), 0) < 0)
    m.fail("cannot set up /" + path);
  Handle d(H5Dcreate2(m.h5.get(), path.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
           H5Dclose);
  std::vector<const char*> ptrs;
  for (const auto& s : values) ptrs.push_back(s.c_str());
  if (!d.valid() || (n > 0 && H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0))
    m.fail("cannot write /" + path);
}

void H5OutputFile::close() {
  Impl& m = *impl_;
  if (m.closed) return;
  if (m.failed) m.fail("close() after an earlier error: file not written");
  for (auto& t : m.tables) t->flush();
  {
    QuietHdf5 quiet;
    if (!m.closeHandles()) m.fail("error while closing " + quoted(m.file.tempPath()));
  }
  try {
    m.file.commit();
  } catch (...) {
    m.failed = true;
    throw;
  }
  m.closed = true;
}

// ---- reading --------------------------------------------------------------------------------

std::vector<std::string> ColumnTableData::names() const {
  std::vector<std::string> out;
  for (const auto& c : columns) out.push_back(c.name);
  return out;
}

const ColumnTableData::ColumnData& ColumnTableData::column(const std::string& name) const {
  const auto it = index_.find(name);
  if (it == index_.end()) throw std::out_of_range("HDF5 table " + where_ + ": no column '" + name + "'");
  return columns[it->second];
}

void ColumnTableData::typeMismatch(const ColumnData& c, ColumnType wanted) const {
  throw std::runtime_error("HDF5 table " + where_ + ": column '" + c.name + "' is " + columnTypeName(c.type) +
                           ", not " + columnTypeName(wanted));
}

std::vector<double> ColumnTableData::asDouble(const std::string& name) const {
  return std::visit([](const auto& v) { return std::vector<double>(v.begin(), v.end()); }, column(name).values);
}

struct H5InputFile::Impl {
  fs::path path;
  Handle h5;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("HDF5 input " + quoted(path) + ": " + what + hdf5Message());
  }

  /// Scalar string attribute `name` of `loc`; nullopt-like: returns false when absent.
  static bool stringAttribute(hid_t loc, const char* name, std::string& out) {
    if (H5Aexists(loc, name) <= 0) return false;
    Handle a(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
    Handle ftype(H5Aget_type(a.get()), H5Tclose);
    Handle space(H5Aget_space(a.get()), H5Sclose);
    if (!a.valid() || H5Tget_class(ftype.get()) != H5T_STRING || H5Sget_simple_extent_npoints(space.get()) != 1)
      return false;
    if (H5Tis_variable_str(ftype.get()) > 0) {
      Handle mtype = utf8StringType();
      char* s = nullptr;
      if (H5Aread(a.get(), mtype.get(), &s) < 0 || !s) return false;
      out = s;
      H5free_memory(s);
      return true;
    }
    std::string s(H5Tget_size(ftype.get()), '\0');
    Handle mtype(H5Tcopy(ftype.get()), H5Tclose);
    if (H5Aread(a.get(), mtype.get(), s.data()) < 0) return false;
    s.resize(std::strlen(s.c_str()));
    out = s;
    return true;
  }
};

H5InputFile::H5InputFile(fs::path path) : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  QuietHdf5 quiet;
  std::error_code ec;
  if (!fs::is_regular_file(impl_->path, ec)) impl_->fail("no such file");
  impl_->h5 = Handle(H5Fopen(impl_->path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!impl_->h5.valid()) impl_->fail("cannot open as HDF5");
}

H5InputFile::~H5InputFile() = default;

bool H5InputFile::exists(const std::string& objectPath) const {
  QuietHdf5 quiet;
  // check each level: H5Lexists fails (rather than returning 0) when a parent is missing
  std::size_t pos = 0;
  while (true) {
    pos = objectPath.find('/', pos + 1);
    const std::string prefix = objectPath.substr(0, pos);
    if (!prefix.empty() && prefix != "/" && H5Lexists(impl_->h5.get(), prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (pos == std::string::npos) return true;
  }
}

ColumnTableData H5InputFile::table(const std::string& group) const { return readTable(group, nullptr); }

ColumnTableData H5InputFile::table(const std::string& group, const std::vector<std::string>& columns) const {
  return readTable(group, &columns);
}

ColumnTableData H5InputFile::readTable(const std::string& group, const std::vector<std::string>* only) const {
  const Impl& m = *impl_;
  QuietHdf5 quiet;
  if (!exists(group)) m.fail("no group /" + group);
  Handle g(H5Gopen2(m.h5.get(), group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.valid()) m.fail("cannot open group /" + group);

  std::vector<std::string> names;
  std::string list;
  if (Impl::stringAttribute(g.get(), "columns", list)) {
    for (std::size_t a = 0; a <= list.size();) {
      const std::size_t b = std::min(list.find(',', a), list.size());
      if (b > a) names.push_back(list.substr(a, b - a));
      a = b + 1;
    }
  } else {
    hsize_t idx = 0;
    H5Literate(
        g.get(), H5_INDEX_NAME, H5_ITER_INC, &idx,
        [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
          static_cast<std::vector<std::string>*>(out)->emplace_back(name);
          return 0;
        },
        &names);
  }

  if (only) {
    for (const auto& c : *only)
      if (std::find(names.begin(), names.end(), c) == names.end()) m.fail("no column /" + group + "/" + c);
    names = *only;
  }
  ColumnTableData out;
  out.where_ = quoted(m.path) + " /" + group;
  bool first = true;
  for (const auto& name : names) {
    const std::string full = "/" + group + "/" + name;
    if (H5Lexists(g.get(), name.c_str(), H5P_DEFAULT) <= 0) m.fail("missing column " + full);
    Handle d(H5Dopen2(g.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.valid()) m.fail("cannot open column " + full);
    Handle space(H5Dget_space(d.get()), H5Sclose);
    Handle ftype(H5Dget_type(d.get()), H5Tclose);
    if (!space.valid() || !ftype.valid() || H5Sget_simple_extent_ndims(space.get()) != 1)
      m.fail("column " + full + " is not a 1-D dataset");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.get(), &n, nullptr);
    if (!first && n != out.rows_)
      m.fail("column " + full + " has " + std::to_string(n) + " rows, expected " + std::to_string(out.rows_));
    first = false;
    out.rows_ = n;

    ColumnTableData::ColumnData c;
    c.name = name;
    const H5T_class_t cls = H5Tget_class(ftype.get());
    const std::size_t size = H5Tget_size(ftype.get());
    const bool isSigned = cls == H5T_INTEGER && H5Tget_sign(ftype.get()) == H5T_SGN_2;
    if (cls == H5T_FLOAT) c.type = ColumnType::Double;
    else if (cls == H5T_ENUM && H5Tget_nmembers(ftype.get()) == 2 && size == 1) c.type = ColumnType::Bool;
    else if (cls == H5T_INTEGER && size == 8) c.type = isSigned ? ColumnType::Int64 : ColumnType::UInt64;
    else if (cls == H5T_INTEGER && size == 4 && isSigned) c.type = ColumnType::Int32;
    else if (cls == H5T_INTEGER && size == 1 && !isSigned) c.type = ColumnType::UInt8;
    else m.fail("column " + full + " has an unsupported type");

    Handle mtype = hdf5Type(c.type, false);
    const auto read = [&](auto& v) {
      v.resize(n);
      if (n > 0 && H5Dread(d.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
        m.fail("cannot read column " + full);
    };
    switch (c.type) {
      case ColumnType::UInt64: { std::vector<std::uint64_t> v; read(v); c.values = std::move(v); break; }
      case ColumnType::Int64: { std::vector<std::int64_t> v; read(v); c.values = std::move(v); break; }
      case ColumnType::Int32: { std::vector<std::int32_t> v; read(v); c.values = std::move(v); break; }
      case ColumnType::UInt8: { std::vector<std::uint8_t> v; read(v); c.values = std::move(v); break; }
      case ColumnType::Double: { std::vector<double> v; read(v); c.values = std::move(v); break; }
      case ColumnType::Bool: {
        std::vector<signed char> v;
        read(v);
        c.values = std::vector<bool>(v.begin(), v.end());
        break;
      }
    }
    Impl::stringAttribute(d.get(), "unit", c.unit);
    Impl::stringAttribute(d.get(), "description", c.description);
    out.index_[c.name] = out.columns.size();
    out.columns.push_back(std::move(c));
  }
  H5Eclear2(H5E_DEFAULT);
  return out;
}

std::vector<std::string> H5InputFile::strings(const std::string& objectPath) const {
  const Impl& m = *impl_;
  QuietHdf5 quiet;
  if (!exists(objectPath)) m.fail("no dataset /" + objectPath);
  Handle d(H5Dopen2(m.h5.get(), objectPath.c_str(), H5P_DEFAULT), H5Dclose);
  Handle space(H5Dget_space(d.get()), H5Sclose);
  Handle type = utf8StringType();
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (!d.valid() || n < 0) m.fail("cannot read /" + objectPath);
  std::vector<std::string> out;
  std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
  if (n > 0) {
    if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
      m.fail("cannot read /" + objectPath);
    for (char* s : ptrs) out.emplace_back(s ? s : "");
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, ptrs.data());
  }
  return out;
}

std::map<std::string, std::string> H5InputFile::attributes(const std::string& objectPath) const {
  const Impl& m = *impl_;
  QuietHdf5 quiet;
  Handle obj(H5Oopen(m.h5.get(), objectPath.c_str(), H5P_DEFAULT), H5Oclose);
  if (!obj.valid()) m.fail("no object " + objectPath);
  std::map<std::string, std::string> out;
  hsize_t idx = 0;
  H5Aiterate2(
      obj.get(), H5_INDEX_NAME, H5_ITER_INC, &idx,
      [](hid_t loc, const char* name, const H5A_info_t*, void* data) -> herr_t {
        std::string value;
        if (Impl::stringAttribute(loc, name, value))  // not a scalar string: skipped
          (*static_cast<std::map<std::string, std::string>*>(data))[name] = value;
        return 0;
      },
      &out);
  H5Eclear2(H5E_DEFAULT);
  return out;
}

}  // namespace kaonlab::io
