#pragma once
// All-or-nothing output files. Every kaonlab output is written to a temporary file in
// the directory of its final name and renamed over the final name only when it is
// complete, so a reader never sees a half-written file and a crash or an exception
// leaves nothing behind (the temporary is removed by the destructor).
//
//   io::AtomicFile out("run/summary.json");
//   std::ofstream f(out.tempPath());  ... write, check f ...
//   f.close();
//   out.commit();                      // rename: the file appears whole, or not at all
#include <filesystem>
#include <string_view>

namespace kaonlab::io {

class AtomicFile {
 public:
  /// Reserves a temporary name ".<name>.tmp-<pid>-<n>" next to `finalPath`. Nothing is
  /// created yet. Throws std::runtime_error naming `finalPath` when its directory does
  /// not exist or is not a directory, or when `finalPath` is an existing directory.
  explicit AtomicFile(std::filesystem::path finalPath);
  /// Removes the temporary file unless commit() succeeded. Never throws.
  ~AtomicFile();

  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;

  const std::filesystem::path& finalPath() const { return final_; }
  /// Where to write the content (same directory as finalPath()).
  const std::filesystem::path& tempPath() const { return temp_; }
  bool committed() const { return committed_; }

  /// Flushes the temporary file to disk (fsync) and renames it over finalPath().
  /// The writer must have closed its stream/handle first. Throws std::runtime_error
  /// naming both paths when the temporary is missing or the rename fails; the
  /// temporary is then still removed by the destructor.
  void commit();
  /// Removes the temporary now (what the destructor does). Never throws.
  void discard() noexcept;

 private:
  std::filesystem::path final_;
  std::filesystem::path temp_;
  bool committed_ = false;
  bool active_ = true;  // false after a move-from
};

/// Writes a small text/binary file (JSON summaries, ...) atomically: the content goes
/// to a temporary file that is renamed to `path` once fully written. Throws
/// std::runtime_error naming `path` on any failure; no file is left behind then.
void writeFileAtomically(const std::filesystem::path& path, std::string_view content);

}  // namespace kaonlab::io
