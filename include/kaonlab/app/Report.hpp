#pragma once
// The table "published | kaonlab | pull" that `kaonlab reproduce` prints and writes
// (JSON and Markdown).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kaonlab::app {

struct ReportRow {
  std::string group;      ///< analysis / validation block
  std::string quantity;   ///< what is compared
  double published = 0;   ///< reference value
  double publishedError = 0;
  double kaonlab = 0;     ///< our value
  double kaonlabError = 0;
  std::string source;     ///< where the reference value comes from
  bool publishedIsUpperLimit = false;  ///< `published` is an upper limit ("< value")

  /// (kaonlab - published) / sqrt(err_p^2 + err_k^2); 0 when both errors vanish. For an
  /// upper limit: 0 when kaonlab is below it, else the excess over the limit in kaonlab errors.
  double pull() const;
  /// kaonlab agrees with an upper limit: its value lies below the limit.
  bool belowLimit() const { return publishedIsUpperLimit && kaonlab <= published; }
};

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
