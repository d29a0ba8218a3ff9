// `plot`: the records of the SVG charts (report/chart.hpp), built from the same check,
// estimate and sweep calls as `check`, `roofline` and `sweep`; and writing a chart or a
// report to its file whole or not at all.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/app/check.hpp"
#include "engine/app/roofline.hpp"
#include "engine/app/sweep.hpp"
#include "engine/report/chart.hpp"

namespace exctl::app {

enum class PlaneKind { tpp_pd, bandwidth };

struct PlaneRequest {
  PlaneKind kind = PlaneKind::tpp_pd;
  std::vector<std::string> regimes;  // default: us-2023-10 (tpp-pd), us-2026-01 (bandwidth)
  std::vector<std::string> chips;    // default: every chip of the database
  bool all = false;
  std::string spec, specs;
  Given to, date;
};

// A plane chart: one panel per regime. E0802 when a regime has no control on the plane's
// fields (no TPP or PD clause for tpp-pd); E0801 when no chip is selected (an empty
// catalogue); the check's own diagnostics otherwise.
std::optional<report::PlaneChart> plane_chart(Session& session, const PlaneRequest& request);
// The same for chips already checked (`serve` decides once for its check, diff and charts):
// `checked`'s subjects, and its rows for the regimes drawn, which its check must include.
std::optional<report::PlaneChart> plane_chart(Session& session, const PlaneRequest& request,
                                              const CheckRun& checked);

// The roofline chart of a `roofline` request: its chips (CHIP, then --compare's) at its
// workload, at the request's first batch.
std::optional<report::RooflineChart> roofline_chart(Session& session,
                                                    const RooflineRequest& request);

// A sweep chart: one --param only (E0803 otherwise). Owns what its view points into.
struct SweepChartRun {
  std::unique_ptr<SweepResult> result;
  report::SweepView view;
  report::SweepChart chart;
};
std::optional<SweepChartRun> sweep_chart(Session& session, const SweepRequest& request);

// Writes an output file whole (a temporary file renamed over it): E0110 when it cannot.
bool write_output(Session& session, const std::string& path, const std::string& content);

}  // namespace exctl::app
