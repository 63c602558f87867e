#pragma once
// One "published | kaonlab" comparison: the unit of every report (app::Report prints and
// writes them; each analysis returns its own, e.g. analysis::pnnReportRows). How the two
// numbers are compared depends on what the published figure is: a measurement with its
// uncertainty (pull in sigma), an upper limit (agreement below it), or an approximate
// reference figure ("~value": from memory or a design statement, without an uncertainty;
// a pull would only measure kaonlab's Monte Carlo error, so the ratio is given instead).
#include <cmath>
#include <string>

namespace kaonlab::core {

enum class PublishedKind {
  Value,        ///< a measurement (publishedError its uncertainty, 0 if none was quoted)
  UpperLimit,   ///< "< published"
  Approximate,  ///< "~published": an order-of-magnitude reference, compared as a ratio
};

struct Comparison {
  std::string group;     ///< analysis / validation block
  std::string quantity;  ///< what is compared
  double published = 0;  ///< reference value
  double publishedError = 0;
  double kaonlab = 0;  ///< our value
  double kaonlabError = 0;
  std::string source;  ///< where the reference value comes from
  PublishedKind kind = PublishedKind::Value;
  /// kaonlab selected no Monte Carlo event: kaonlab = 0 and kaonlabError holds the weight of one
  /// event (the scale below which the sample cannot see anything), not an uncertainty; no pull.
  bool noMcEvent = false;

  bool isUpperLimit() const { return kind == PublishedKind::UpperLimit; }
  bool isApproximate() const { return kind == PublishedKind::Approximate; }
  /// kaonlab agrees with an upper limit: its value lies below the limit.
  bool belowLimit() const { return isUpperLimit() && kaonlab <= published; }
  /// kaonlab / published (0 when there is no published value).
  double ratio() const { return published != 0 ? kaonlab / published : 0.0; }
  /// Value: (kaonlab - published) / sqrt(err_p^2 + err_k^2), 0 when both errors vanish.
  /// Upper limit: 0 below it, else the excess over the limit in kaonlab errors.
  /// Approximate: 0 (no sigma is meaningful; see ratio()). No MC event: 0.
  double pull() const {
    if (noMcEvent) return 0.0;
    switch (kind) {
      case PublishedKind::UpperLimit:
        if (belowLimit()) return 0.0;
        return kaonlabError > 0 ? (kaonlab - published) / kaonlabError : 0.0;
      case PublishedKind::Approximate:
        return 0.0;
      case PublishedKind::Value:
        break;
    }
    const double s = std::hypot(publishedError, kaonlabError);
    return s > 0 ? (kaonlab - published) / s : 0.0;
  }
};

}  // namespace kaonlab::core
