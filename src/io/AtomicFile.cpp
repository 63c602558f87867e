#include "kaonlab/io/AtomicFile.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace kaonlab::io {

namespace fs = std::filesystem;

namespace {

std::atomic<unsigned long> gTempCounter{0};

std::string quoted(const fs::path& p) {
  std::string s(1, '\'');  // built with += : "'" + string trips GCC 12's -Wrestrict false positive
  s += p.native();
  s += '\'';
  return s;
}

fs::path directoryOf(const fs::path& p) {
  const fs::path parent = p.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

/// fsync a file or directory; returns 0 or an errno value.
int syncPath(const fs::path& p, bool directory) {
  const int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return errno;
  int err = 0;
  if (::fsync(fd) != 0) err = errno;
  ::close(fd);
  return err;
}

}  // namespace

AtomicFile::AtomicFile(fs::path finalPath) : final_(std::move(finalPath)) {
  if (final_.empty() || !final_.has_filename())
    throw std::runtime_error("cannot write " + quoted(final_) + ": not a file name");
  const fs::path dir = directoryOf(final_);
  std::error_code ec;
  const auto st = fs::status(dir, ec);
  if (!fs::exists(st))
    throw std::runtime_error("cannot write " + quoted(final_) + ": directory " + quoted(dir) +
                             " does not exist");
  if (!fs::is_directory(st))
    throw std::runtime_error("cannot write " + quoted(final_) + ": " + quoted(dir) +
                             " is not a directory");
  if (fs::is_directory(fs::status(final_, ec)))
    throw std::runtime_error("cannot write " + quoted(final_) + ": it is a directory");
  std::string name(1, '.');
  name += final_.filename().native();
  name += ".tmp-";
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(gTempCounter.fetch_add(1));
  temp_ = final_.parent_path() / name;
}

AtomicFile::~AtomicFile() { discard(); }

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : final_(std::move(o.final_)), temp_(std::move(o.temp_)), committed_(o.committed_),
      active_(o.active_) {
  o.active_ = false;
}

AtomicFile& AtomicFile::operator=(AtomicFile&& o) noexcept {
  if (this != &o) {
    discard();
    final_ = std::move(o.final_);
    temp_ = std::move(o.temp_);
    committed_ = o.committed_;
    active_ = o.active_;
    o.active_ = false;
  }
  return *this;
}

void AtomicFile::discard() noexcept {
  if (!active_ || committed_) return;
  std::error_code ec;
  fs::remove(temp_, ec);  // may not exist: nothing to do then
}

void AtomicFile::commit() {
  if (!active_) throw std::logic_error("AtomicFile::commit on a moved-from object");
  if (committed_) return;
  if (const int err = syncPath(temp_, false); err != 0)
    throw std::runtime_error("cannot write " + quoted(final_) + ": temporary file " +
                             quoted(temp_) + ": " + std::generic_category().message(err));
  std::error_code ec;
  fs::rename(temp_, final_, ec);
  if (ec)
    throw std::runtime_error("cannot write " + quoted(final_) + ": renaming " + quoted(temp_) +
                             " failed: " + ec.message());
  committed_ = true;
  syncPath(directoryOf(final_), true);  // best effort: make the rename durable
}

void writeFileAtomically(const fs::path& path, std::string_view content) {
  AtomicFile file(path);
  {
    std::ofstream out(file.tempPath(), std::ios::binary | std::ios::trunc);
    if (!out)
      throw std::runtime_error("cannot write " + quoted(path) + ": cannot create " +
                               quoted(file.tempPath()));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out)
      throw std::runtime_error("cannot write " + quoted(path) + ": write error on " +
                               quoted(file.tempPath()));
  }
  file.commit();
}

}  // namespace kaonlab::io
