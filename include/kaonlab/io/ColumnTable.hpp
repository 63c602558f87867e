#pragma once
// Generic HDF5 column tables (layout in docs/io.md "Column tables"): an HDF5 group holding
// one 1-D extendible, chunked, compressed dataset per named column, plus the file-level
// helper that owns the all-or-nothing output file and its root attributes. The truth and
// reco ntuples are built on it.
//
//   io::H5OutputFile file(path, "my-format", "1", version, userAttributes);
//   io::ColumnTable& t = file.table("events");
//   auto m2 = t.column<double>("m2miss", "GeV^2", "squared missing mass");
//   auto n = t.column<std::int32_t>("n_tracks", "", "number of tracks");
//   for (...) { t.set(m2, x); t.set(n, k); t.endRow(); }   // rows buffered, appended in blocks
//   file.close();                                          // flush, close, rename into place
//
// Or, listing every column in ONE function used both to declare and to fill them:
//
//   auto cols = [](auto&& col, const Thing& x) {
//     col("m2miss", "GeV^2", "squared missing mass", x.m2miss);
//     col("n_tracks", "", "number of tracks", io::as<std::int32_t>(x.nTracks));
//   };
//   t.declare([&](auto&& col) { cols(col, Thing{}); });
//   t.appendRow([&](auto&& col) { cols(col, thing); });
//
// Column types: uint64, int64, int32, uint8, bool (stored as h5py's boolean: an HDF5 enum
// FALSE=0/TRUE=1 over int8, read by numpy as bool) and double. Files carry no object
// modification times, so identical runs give byte-identical files.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace kaonlab::io {

enum class ColumnType : std::uint8_t { UInt64, Int64, Int32, UInt8, Bool, Double };

/// "uint64", "int64", "int32", "uint8", "bool", "float64".
const char* columnTypeName(ColumnType t);

namespace detail {
template <class T> struct ColumnTypeOf;
template <> struct ColumnTypeOf<std::uint64_t> { static constexpr ColumnType value = ColumnType::UInt64; };
template <> struct ColumnTypeOf<std::int64_t> { static constexpr ColumnType value = ColumnType::Int64; };
template <> struct ColumnTypeOf<std::int32_t> { static constexpr ColumnType value = ColumnType::Int32; };
template <> struct ColumnTypeOf<std::uint8_t> { static constexpr ColumnType value = ColumnType::UInt8; };
template <> struct ColumnTypeOf<bool> { static constexpr ColumnType value = ColumnType::Bool; };
template <> struct ColumnTypeOf<double> { static constexpr ColumnType value = ColumnType::Double; };
/// In-memory element of a column of type T (bool is buffered as one byte).
template <class T> using ColumnStorage = std::conditional_t<std::is_same_v<T, bool>, std::uint8_t, T>;
}  // namespace detail

/// True for the C++ types a column can hold.
template <class T>
inline constexpr bool isColumnType =
    std::is_same_v<T, std::uint64_t> || std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::int32_t> ||
    std::is_same_v<T, std::uint8_t> || std::is_same_v<T, bool> || std::is_same_v<T, double>;

template <class T>
constexpr ColumnType columnTypeOf() {
  static_assert(isColumnType<T>, "column types: uint64_t, int64_t, int32_t, uint8_t, bool, double");
  return detail::ColumnTypeOf<T>::value;
}

/// Typed handle of a declared column (its position in the table).
template <class T>
struct Column {
  std::size_t index = 0;
};

/// A field stored as column type S although its C++ type differs (std::size_t counts,
/// enums, ...): `as<std::int32_t>(ev.nTracks)`. Binds to a const field for writing and to
/// a mutable one for reading back (ColumnTableData::readRow).
template <class S, class F>
struct ColumnCast {
  F& field;
};
template <class S, class F>
ColumnCast<S, F> as(F& field) {
  static_assert(isColumnType<S>);
  return {field};
}

namespace detail {
template <class V> struct IsColumnCast : std::false_type {};
template <class S, class F> struct IsColumnCast<ColumnCast<S, F>> : std::true_type { using target = S; };
}  // namespace detail

class H5OutputFile;

/// One HDF5 group of equally long 1-D column datasets, written row by row. Obtained from
/// H5OutputFile::table(); all columns must be declared before the first endRow(). A column
/// not set in a row gets 0 (false). Single-threaded.
class ColumnTable {
 public:
  /// Rows buffered in memory before a block is appended to the datasets.
  static constexpr std::size_t kDefaultBlockRows = 65536;

  ColumnTable(const ColumnTable&) = delete;
  ColumnTable& operator=(const ColumnTable&) = delete;
  ~ColumnTable();

  /// Declares a column (a dataset `name` with string attributes `unit` and `description`).
  /// Throws std::logic_error after the first endRow() or for a duplicate name.
  template <class T>
  Column<T> column(const std::string& name, const std::string& unit = {}, const std::string& description = {}) {
    return {addColumn(name, columnTypeOf<T>(), unit, description)};
  }

  /// Sets the value of column `c` in the current row.
  template <class T>
  void set(Column<T> c, std::type_identity_t<T> value) {
    static_cast<detail::ColumnStorage<T>*>(data_[c.index])[row_] = static_cast<detail::ColumnStorage<T>>(value);
  }

  /// Completes the current row; appends the buffered block to the file when it is full.
  /// Throws std::runtime_error naming the file when HDF5 fails.
  void endRow() {
    if (++row_ == blockRows_) flush();
    else if (row_ == 1 && !frozen_) freeze();
  }

  /// Declares the columns listed by `fn(sink)`: fn calls sink(name, unit, description, value)
  /// once per column, value being a field of a column type or an as<S>(field) cast (the
  /// value itself is ignored; only its type counts).
  template <class Fn>
  void declare(Fn&& fn) {
    fn([this](const char* name, const char* unit, const char* description, const auto& value) {
      addColumn(name, columnTypeOf<typename FieldType<std::decay_t<decltype(value)>>::type>(), unit, description);
    });
  }

  /// Fills one row from the same kind of listing as declare() (columns in declaration order),
  /// then endRow(). Throws std::logic_error when the listing does not match the declaration.
  template <class Fn>
  void appendRow(Fn&& fn) {
    std::size_t i = 0;
    fn([this, &i](const char*, const char*, const char*, const auto& value) {
      using V = std::decay_t<decltype(value)>;
      using S = typename FieldType<V>::type;
      if (i >= types_.size() || types_[i] != columnTypeOf<S>()) listingMismatch(i);
      set(Column<S>{i++}, static_cast<S>(FieldType<V>::get(value)));
    });
    if (i != types_.size()) listingMismatch(i);
    endRow();
  }

  /// Writes the buffered rows now (also done by endRow() when the block is full and by
  /// H5OutputFile::close()).
  void flush();

  const std::string& name() const;
  std::size_t columns() const { return types_.size(); }
  /// Rows completed so far (written and buffered).
  std::uint64_t rows() const { return written_ + row_; }

 private:
  friend class H5OutputFile;
  struct Impl;
  ColumnTable(std::unique_ptr<Impl> impl, std::size_t blockRows);

  template <class V>
  struct FieldType {
    using type = V;
    static const V& get(const V& v) { return v; }
  };
  template <class S, class F>
  struct FieldType<ColumnCast<S, F>> {
    using type = S;
    static S get(const ColumnCast<S, F>& c) { return static_cast<S>(c.field); }
  };

  std::size_t addColumn(const std::string& name, ColumnType type, const std::string& unit,
                        const std::string& description);
  void freeze();
  [[noreturn]] void listingMismatch(std::size_t i) const;

  std::unique_ptr<Impl> impl_;
  std::vector<void*> data_;          // per column: blockRows_ elements of its storage type
  std::vector<ColumnType> types_;
  std::size_t row_ = 0;              // rows buffered
  std::size_t blockRows_;
  std::uint64_t written_ = 0;        // rows already in the file
  bool frozen_ = false;              // columns fixed ("columns" attribute written)
};

/// An HDF5 output file written all-or-nothing (io::AtomicFile: temporary name, renamed at
/// close(); destroyed without close() or after an error, nothing is left at `path`).
/// Root attributes (scalar UTF-8 strings): format, format_version, kaonlab_version,
/// units = "GeV, mm, ns", then every user attribute.
class H5OutputFile {
 public:
  /// `reserved`: further attribute names the format sets itself (with setAttribute); user
  /// `attributes` named like a built-in or reserved one (or empty) give kaonlab::ConfigError.
  /// Throws std::runtime_error naming `path` when the file cannot be created.
  H5OutputFile(std::filesystem::path path, std::string format, std::string formatVersion, std::string version,
               const std::map<std::string, std::string>& attributes = {},
               const std::vector<std::string>& reserved = {});
  ~H5OutputFile();
  H5OutputFile(const H5OutputFile&) = delete;
  H5OutputFile& operator=(const H5OutputFile&) = delete;
  H5OutputFile(H5OutputFile&&) noexcept;
  H5OutputFile& operator=(H5OutputFile&&) noexcept;

  /// A new column table in group `name` (reference valid until the file is destroyed).
  ColumnTable& table(const std::string& name, std::size_t blockRows = ColumnTable::kDefaultBlockRows);
  /// A scalar UTF-8 string attribute of the root group.
  void setAttribute(const std::string& name, const std::string& value);
  /// A 1-D dataset of variable-length UTF-8 strings at `path` ("modes/name"; the group is
  /// created when missing).
  void writeStrings(const std::string& path, const std::vector<std::string>& values);

  /// Flushes every table, closes the file and renames it into place. Throws
  /// std::runtime_error naming the file on failure (nothing is left then).
  void close();
  bool closed() const;
  const std::filesystem::path& path() const;

 private:
  struct Impl;
  static bool closeTable(ColumnTable& t);
  std::unique_ptr<Impl> impl_;
};

/// A whole column table read back (for tests and small files).
class ColumnTableData {
 public:
  using Values = std::variant<std::vector<std::uint64_t>, std::vector<std::int64_t>, std::vector<std::int32_t>,
                              std::vector<std::uint8_t>, std::vector<bool>, std::vector<double>>;
  struct ColumnData {
    std::string name, unit, description;
    ColumnType type;
    Values values;
  };

  /// Column names in file order (the group's "columns" attribute).
  std::vector<std::string> names() const;
  std::size_t rows() const { return rows_; }
  bool has(const std::string& name) const { return index_.count(name) > 0; }
  /// Throws std::out_of_range naming the column when absent.
  const ColumnData& column(const std::string& name) const;
  /// Values of a column stored with exactly type T; std::runtime_error otherwise.
  template <class T>
  const std::vector<T>& get(const std::string& name) const {
    const ColumnData& c = column(name);
    if (const auto* v = std::get_if<std::vector<T>>(&c.values)) return *v;
    typeMismatch(c, columnTypeOf<T>());
  }
  /// Any column converted to double.
  std::vector<double> asDouble(const std::string& name) const;

  /// Fills the fields of a listing like ColumnTable::declare()'s from row `row` (fields
  /// bound by reference, as<S>(field) converted back). Throws std::runtime_error naming a
  /// missing column or one of another type.
  template <class Fn>
  void readRow(std::size_t row, Fn&& fn) const {
    fn([this, row](const char* name, const char*, const char*, auto&& field) {
      assign(column(name), row, std::forward<decltype(field)>(field));
    });
  }

  std::vector<ColumnData> columns;  ///< in file order

 private:
  friend class H5InputFile;
  template <class T>
  void assign(const ColumnData& c, std::size_t row, T&& field) const {
    using V = std::remove_cvref_t<T>;
    if constexpr (detail::IsColumnCast<V>::value) {
      using F = std::remove_reference_t<decltype(field.field)>;
      field.field = static_cast<F>(get<typename detail::IsColumnCast<V>::target>(c.name).at(row));
    } else {
      field = get<V>(c.name).at(row);
    }
  }
  [[noreturn]] void typeMismatch(const ColumnData& c, ColumnType wanted) const;

  std::size_t rows_ = 0;
  std::map<std::string, std::size_t> index_;
  std::string where_;  // "'file' /group" for messages
};

/// An HDF5 file opened for reading. Throws std::runtime_error naming the file on errors.
class H5InputFile {
 public:
  explicit H5InputFile(std::filesystem::path path);
  ~H5InputFile();
  H5InputFile(const H5InputFile&) = delete;
  H5InputFile& operator=(const H5InputFile&) = delete;

  bool exists(const std::string& objectPath) const;
  /// Every column of group `group`, in the order of its "columns" attribute (all 1-D
  /// datasets, by name, when it has none). All columns must have the same length.
  ColumnTableData table(const std::string& group) const;
  /// Only the named columns of group `group` (in that order); std::runtime_error naming a
  /// missing one.
  ColumnTableData table(const std::string& group, const std::vector<std::string>& columns) const;
  /// A 1-D dataset of strings.
  std::vector<std::string> strings(const std::string& objectPath) const;
  /// Every scalar string attribute of an object ("/" = root group).
  std::map<std::string, std::string> attributes(const std::string& objectPath = "/") const;

 private:
  ColumnTableData readTable(const std::string& group, const std::vector<std::string>* only) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kaonlab::io
