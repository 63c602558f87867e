// The "published | kaonlab | pull" table: values, upper limits, JSON.
#include <gtest/gtest.h>

#include "kaonlab/app/Report.hpp"

using namespace kaonlab::app;

TEST(Report, PullOfAValueUsesBothErrors) {
  const ReportRow r{"g", "q", 1.0, 0.3, 1.5, 0.4, "src"};
  EXPECT_DOUBLE_EQ(r.pull(), 1.0);  // 0.5 / hypot(0.3, 0.4)
  EXPECT_FALSE(r.belowLimit());
}

TEST(Report, UpperLimitIsAgreementBelowAndExcessAbove) {
  ReportRow below{"g", "K+ -> pi0 l+ nu", 0.001, 0.0, 1e-5, 3e-6, "talk backup (upper limit)", PublishedKind::UpperLimit};
  EXPECT_TRUE(below.belowLimit());
  EXPECT_DOUBLE_EQ(below.pull(), 0.0);  // not -290 sigma: a value below a limit agrees with it
  ReportRow above{"g", "q", 0.01, 0.0, 0.02, 0.004, "src", PublishedKind::UpperLimit};
  EXPECT_FALSE(above.belowLimit());
  EXPECT_DOUBLE_EQ(above.pull(), 2.5);  // (0.02 - 0.01) / 0.004
  Report rep;
  rep.add(below);
  rep.add(above);
  const std::string md = rep.toMarkdown("t");
  EXPECT_NE(md.find("| K+ -> pi0 l+ nu | < 0.001 | 1e-05 ± 3e-06 | below the limit |"), std::string::npos) << md;
  EXPECT_NE(md.find("+2.50σ above the limit"), std::string::npos) << md;
  const auto j = rep.toJson();
  EXPECT_TRUE(j[0]["published_is_upper_limit"].get<bool>());
  EXPECT_DOUBLE_EQ(j[0]["pull"].get<double>(), 0.0);
}

TEST(Report, ApproximateReferenceIsComparedAsARatio) {
  // "~0.064" from memory, no uncertainty: a pull in kaonlab's MC error (here -18 sigma) says
  // nothing; the ratio does
  const ReportRow r{"g", "acceptance", 0.064, 0.0, 0.0577, 0.00034, "memory", PublishedKind::Approximate};
  EXPECT_DOUBLE_EQ(r.pull(), 0.0);
  EXPECT_NEAR(r.ratio(), 0.0577 / 0.064, 1e-15);
  EXPECT_FALSE(r.belowLimit());
  const ReportRow v{"g", "acceptance", 0.064, 0.0, 0.0577, 0.00034, "memory"};
  EXPECT_LT(v.pull(), -18.0);  // the same numbers as a value
  Report rep;
  rep.add(r);
  const std::string md = rep.toMarkdown("t");
  EXPECT_NE(md.find("| acceptance | ~0.064 | 0.0577 ± 0.00034 | ×0.902 of ~ |"), std::string::npos) << md;
  const auto j = rep.toJson();
  EXPECT_TRUE(j[0]["published_is_approximate"].get<bool>());
  EXPECT_FALSE(j[0]["published_is_upper_limit"].get<bool>());
  EXPECT_NEAR(j[0]["ratio"].get<double>(), 0.0577 / 0.064, 1e-15);
}

TEST(Report, NoMonteCarloEventIsShownAsTheWeightOfOneEventWithoutAPull) {
  // the upstream background: 0 selected MC events, one event weighs 1.5e5 -- not "0 +- 1.5e5,
  // -0.00 sigma" against 3.3
  ReportRow r{"g", "upstream background 2018", 3.3, 0.85, 0.0, 1.5e5, "src"};
  EXPECT_NE(r.pull(), 0.0);  // as a value it would have a (meaningless) pull
  r.noMcEvent = true;
  EXPECT_DOUBLE_EQ(r.pull(), 0.0);
  Report rep;
  rep.add(r);
  const std::string md = rep.toMarkdown("t");
  EXPECT_NE(md.find("| upstream background 2018 | 3.3 ± 0.85 | 0 (one MC event = 1.5e+05) | no MC event |"), std::string::npos)
      << md;
  EXPECT_TRUE(rep.toJson()[0]["no_mc_event"].get<bool>());
}
