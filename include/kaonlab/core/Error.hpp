#pragma once
// Errors for bad user input: they name the file, the location (line/key) and what was
// expected. The CLI turns ConfigError into exit status 2.
#include <stdexcept>
#include <string>

namespace kaonlab {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, int line, std::string key, const std::string& what)
      : std::runtime_error(format(file, line, key, what)),
        file_(std::move(file)), line_(line), key_(std::move(key)) {}
  /// Configuration error not tied to a file (command line, API use).
  explicit ConfigError(const std::string& what) : std::runtime_error(what), line_(0) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& key() const { return key_; }

 private:
  static std::string format(const std::string& file, int line, const std::string& key,
                            const std::string& what) {
    std::string s;
    s.reserve(file.size() + key.size() + what.size() + 32);
    s.append(file);
    if (line > 0) s.append(":").append(std::to_string(line));
    if (!s.empty()) s.append(": ");
    if (!key.empty()) s.append("key '").append(key).append("': ");
    s.append(what);
    return s;
  }
  std::string file_;
  int line_;
  std::string key_;
};

}  // namespace kaonlab
