#pragma once
// The table "published | kaonlab | pull" that `kaonlab reproduce` prints and writes
// (JSON and Markdown).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kaonlab/core/Comparison.hpp"

namespace kaonlab::app {

/// One row: published value, kaonlab value and how they compare (core::Comparison).
using ReportRow = core::Comparison;
using core::PublishedKind;

class Report {
 public:
  void add(ReportRow row) { rows_.push_back(std::move(row)); }
  const std::vector<ReportRow>& rows() const { return rows_; }
  nlohmann::json toJson() const;
  std::string toMarkdown(const std::string& title) const;
  std::string toText() const;

 private:
  std::vector<ReportRow> rows_;
};

}  // namespace kaonlab::app
