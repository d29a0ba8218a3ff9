// `report`: everything the HTML report shows, from the same calls as `check --matrix`,
// `plot` and `roofline --compare`: the decisions, the two plane charts, the roofline of
// the chosen chips on a model, and the chip records with their sources.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/app/check.hpp"
#include "engine/report/html_report.hpp"

namespace exctl::app {

struct ReportRequest {
  std::vector<std::string> regimes;  // default: every shipped regime
  std::vector<std::string> chips;    // default: every chip of the database
  bool all = false;
  std::string spec;
  Given to, date;
  std::string model = "llama-3.1-8b";  // the roofline comparison's model
  std::string version;                 // "exctl 0.1.0", from the executable
};

// Owns what its view points into.
struct ReportRun {
  CheckRun check;
  std::vector<sema::Regime> regimes;
  std::vector<Chip> database;
  std::optional<report::PlaneChart> tpp_pd, bandwidth;
  std::optional<report::RooflineChart> roofline;
  std::vector<report::RooflinePoint> roofline_points;
  report::ReportView view;
};

// E0801 when no chip is selected; the check's diagnostics (E0101, E0114, ...), an unknown
// model (E0501). A chart that no chosen regime can draw is left out with a note, not an error.
std::unique_ptr<ReportRun> build_report(Session& session, const ReportRequest& request);

}  // namespace exctl::app
