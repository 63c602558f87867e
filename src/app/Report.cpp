#include "kaonlab/app/Report.hpp"

#include <fmt/format.h>

#include <cmath>

namespace kaonlab::app {

nlohmann::json Report::toJson() const {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows_)
    a.push_back({{"group", r.group}, {"quantity", r.quantity}, {"published", r.published},
                 {"published_error", r.publishedError}, {"kaonlab", r.kaonlab}, {"kaonlab_error", r.kaonlabError},
                 {"pull", r.pull()}, {"relative_difference", r.published != 0 ? r.kaonlab / r.published - 1 : 0.0},
                 {"ratio", r.ratio()}, {"source", r.source}, {"published_is_upper_limit", r.isUpperLimit()},
                 {"published_is_approximate", r.isApproximate()}, {"no_mc_event", r.noMcEvent}});
  return a;
}

namespace {
/// Pull when an uncertainty is known, otherwise the relative difference; a limit as a limit,
/// an approximate figure as the ratio.
std::string agreement(const ReportRow& r) {
  if (r.noMcEvent) return "no MC event";
  if (r.published == 0 && r.publishedError == 0) return "-";  // no published value to compare with
  if (r.isApproximate()) return r.published != 0 ? fmt::format("×{:.3g} of ~", r.ratio()) : "-";
  if (r.isUpperLimit()) {
    if (r.belowLimit()) return "below the limit";
    return r.kaonlabError > 0 ? fmt::format("{:+.2f}σ above the limit", r.pull()) : "above the limit";
  }
  if (r.publishedError > 0 || r.kaonlabError > 0) return fmt::format("{:+.2f}σ", r.pull());
  if (r.published == 0) return "-";
  return fmt::format("{:+.1f}%", 100.0 * (r.kaonlab - r.published) / r.published);
}
std::string num(double v, double e, PublishedKind kind = PublishedKind::Value) {
  if (kind == PublishedKind::UpperLimit) return fmt::format("< {:.6g}", v);
  if (kind == PublishedKind::Approximate) return fmt::format("~{:.6g}", v);
  if (e > 0) return fmt::format("{:.4g} ± {:.2g}", v, e);
  return fmt::format("{:.6g}", v);
}
/// kaonlab's column: the value with its error, or for no MC event the weight of one event.
std::string ours(const ReportRow& r) {
  if (r.noMcEvent) return fmt::format("0 (one MC event = {:.2g})", r.kaonlabError);
  return num(r.kaonlab, r.kaonlabError);
}
}  // namespace

std::string Report::toMarkdown(const std::string& title) const {
  std::string s = "# " + title + "\n";
  std::string group;
  for (const auto& r : rows_) {
    if (r.group != group) {
      group = r.group;
      s += fmt::format("\n## {}\n\n| quantity | published | kaonlab | pull (or difference) | source |\n|---|---|---|---|---|\n", group);
    }
    s += fmt::format("| {} | {} | {} | {} | {} |\n", r.quantity, num(r.published, r.publishedError, r.kind), ours(r),
                     agreement(r), r.source);
  }
  return s;
}

std::string Report::toText() const {
  std::string s;
  std::string group;
  for (const auto& r : rows_) {
    if (r.group != group) {
      group = r.group;
      s += fmt::format("\n{}\n{:<58} {:>20} {:>20} {:>8}\n", group, "quantity", "published", "kaonlab", "pull/diff");
    }
    s += fmt::format("{:<58} {:>20} {:>20} {:>8}\n", r.quantity, num(r.published, r.publishedError, r.kind), ours(r),
                     agreement(r));
  }
  return s;
}

}  // namespace kaonlab::app
