#pragma once
// Strict reader of one TOML table of a run card (private to the app library): remembers
// which keys were read; finish() rejects the others with file:line: key.
#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "kaonlab/core/Error.hpp"

namespace kaonlab::app {

/// The TOML document of a card (`name` for messages); ConfigError with file:line on a syntax error.
inline toml::table parseCardToml(const std::string& text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    throw ConfigError(name, static_cast<int>(e.source().begin.line), "",
                      fmt::format("TOML syntax error: {}", e.description()));
  }
}

/// The text of a card file; ConfigError naming the file (and `what`, e.g. "run card") when it
/// cannot be opened or read.
inline std::string readCardFile(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path.string(), 0, "", fmt::format("cannot open the {} (missing or unreadable file)", what));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ConfigError(path.string(), 0, "", fmt::format("error while reading the {}", what));
  return ss.str();
}

/// Reads one TOML table, remembering which keys were used; finish() rejects the rest.
class CardTable {
 public:
  CardTable(const toml::table* t, std::string path, const std::string& file) : t_(t), path_(std::move(path)), file_(file) {}

  bool has(std::string_view key) const { return t_ && t_->contains(key); }

  double number(std::string_view key, double def, double lo = -1e300, double hi = 1e300) {
    const toml::node* n = get(key);
    if (!n) return def;
    double v;
    if (auto d = n->value_exact<double>()) v = *d;
    else if (auto i = n->value_exact<int64_t>()) v = static_cast<double>(*i);
    else fail(n, key, fmt::format("expected a number, got {}", typeName(*n)));
    if (!(v >= lo && v <= hi)) fail(n, key, fmt::format("value {} outside the allowed range [{}, {}]", v, lo, hi));
    return v;
  }
  std::int64_t integer(std::string_view key, std::int64_t def, std::int64_t lo, std::int64_t hi) {
    const toml::node* n = get(key);
    if (!n) return def;
    auto i = n->value_exact<int64_t>();
    if (!i) fail(n, key, fmt::format("expected an integer, got {}", typeName(*n)));
    if (*i < lo || *i > hi) fail(n, key, fmt::format("value {} outside the allowed range [{}, {}]", *i, lo, hi));
    return *i;
  }
  bool boolean(std::string_view key, bool def) {
    const toml::node* n = get(key);
    if (!n) return def;
    auto b = n->value_exact<bool>();
    if (!b) fail(n, key, fmt::format("expected true or false, got {}", typeName(*n)));
    return *b;
  }
  std::string string(std::string_view key, std::string def, const std::set<std::string>& allowed = {}) {
    const toml::node* n = get(key);
    if (!n) return def;
    auto s = n->value_exact<std::string>();
    if (!s) fail(n, key, fmt::format("expected a string, got {}", typeName(*n)));
    if (!allowed.empty() && !allowed.count(*s)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + ("\"" + a + "\"");
      fail(n, key, fmt::format("value \"{}\" not allowed; expected one of {}", *s, list));
    }
    return *s;
  }
  std::vector<std::string> strings(std::string_view key, std::vector<std::string> def, int* line = nullptr) {
    const toml::node* n = get(key);
    if (!n) return def;
    if (line) *line = static_cast<int>(n->source().begin.line);
    const toml::array* a = n->as_array();
    if (!a) fail(n, key, fmt::format("expected an array of strings, got {}", typeName(*n)));
    std::vector<std::string> out;
    for (const auto& e : *a) {
      auto s = e.value_exact<std::string>();
      if (!s) fail(&e, key, fmt::format("expected an array of strings, found an element of type {}", typeName(e)));
      out.push_back(*s);
    }
    return out;
  }
  CardTable sub(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return CardTable(nullptr, join(key), file_);
    const toml::table* t = n->as_table();
    if (!t) fail(n, key, fmt::format("expected a table, got {}", typeName(*n)));
    return CardTable(t, join(key), file_);
  }
  /// Keys of this table (for tables keyed by mode name).
  std::vector<std::string> keys() const {
    std::vector<std::string> k;
    if (t_)
      for (const auto& [key, v] : *t_) k.emplace_back(key.str());
    return k;
  }
  int line(std::string_view key) const {
    const toml::node* n = t_ ? t_->get(key) : nullptr;
    return n ? static_cast<int>(n->source().begin.line) : 0;
  }
  void finish() const {
    if (!t_) return;
    for (const auto& [key, node] : *t_) {
      if (!used_.count(std::string(key.str())))
        throw ConfigError(file_, static_cast<int>(node.source().begin.line), join(key.str()), "unknown key");
    }
  }
  /// Array of numbers; `size` = required length (0: any). Empty when the key is absent.
  std::vector<double> numberArray(std::string_view key, std::size_t size) {
    const toml::node* n = get(key);
    if (!n) return {};
    const toml::array* a = n->as_array();
    if (!a) fail(n, key, fmt::format("expected an array of numbers, got {}", typeName(*n)));
    std::vector<double> out;
    for (const auto& e : *a) {
      if (auto d = e.value_exact<double>()) out.push_back(*d);
      else if (auto i = e.value_exact<int64_t>()) out.push_back(static_cast<double>(*i));
      else fail(&e, key, fmt::format("expected an array of numbers, found an element of type {}", typeName(e)));
    }
    if (size && out.size() != size) fail(n, key, fmt::format("expected {} numbers, got {}", size, out.size()));
    return out;
  }
  [[noreturn]] void fail(std::string_view key, const std::string& what) const {
    fail(t_ ? t_->get(key) : nullptr, key, what);
  }
  [[noreturn]] void fail(const toml::node* n, std::string_view key, const std::string& what) const {
    throw ConfigError(file_, n ? static_cast<int>(n->source().begin.line) : 0, join(key), what);
  }
  const std::string& file() const { return file_; }

 private:
  const toml::node* get(std::string_view key) {
    used_.insert(std::string(key));
    return t_ ? t_->get(key) : nullptr;
  }
  std::string join(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }
  static std::string typeName(const toml::node& n) {
    std::ostringstream s;
    s << n.type();
    return s.str();
  }
  const toml::table* t_;
  std::string path_;
  std::string file_;
  std::set<std::string> used_;
};

}  // namespace kaonlab::app
