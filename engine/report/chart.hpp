// SVG charts of the records the other renderers print: the plane of two chip fields with a
// regime's regions (TPP x performance density, memory x interconnect bandwidth), the
// roofline of chips with a workload's prefill and decode points, and a parameter sweep.
// The records hold what the chart shows; nothing here decides or estimates.
#pragma once

#include <string>
#include <vector>

#include "engine/draft/plane.hpp"
#include "engine/eval/decide.hpp"
#include "engine/report/sweep_report.hpp"

namespace exctl::report {

struct ChartAxis {
  std::string title;  // "Total processing performance (TPP)"
  std::string unit;   // "per mm²", "GB/s", "" for none
  bool log = false;
  double lo = 1, hi = 10;  // canonical units
  std::string short_name;  // on threshold labels: "TPP", "PD"
  std::string label_unit;  // after a threshold label's value: " GB/s", or ""
};

struct PlaneChip {
  std::string id, name;
  double x = 0, y = 0;
  eval::Verdict verdict = eval::Verdict::not_controlled;
  std::string paragraphs;  // "3A090.a", or ""
  std::string region;      // the region it lies in: a paragraph, "not controlled" or "depends"
  std::string detail;      // the tooltip's second line
};

struct PlanePanel {
  std::string regime, title, citation;
  draft::PlaneRegions regions;
  std::vector<PlaneChip> chips;
};

struct PlaneChart {
  std::string kind;  // "tpp-pd" or "bandwidth": the root element's data-chart
  std::string title, subtitle;
  ChartAxis x, y;
  std::vector<PlanePanel> panels;
  std::vector<std::string> unplotted;  // "H20 (no die area: performance density unknown)"
  std::vector<std::string> notes;      // under the chart, after the citations
};
std::string plane_svg(const PlaneChart& chart);

struct RooflineChip {
  std::string id, name;
  double peak = 0;                                     // FLOP/s of the workload's GEMM format
  double bandwidth = 0;                                // bytes/s
  double prefill_intensity = 0, decode_intensity = 0;  // FLOP per byte
  std::string bottleneck_prefill, bottleneck_decode;
};
struct RooflineChart {
  std::string title, subtitle, format;  // format: "FP16" (of the peak)
  std::vector<RooflineChip> chips;
  std::vector<std::string> notes;
};
std::string roofline_svg(const RooflineChart& chart);

struct SweepChart {
  std::string title, subtitle, citation;
  std::string unit;                // of the parameter, for the axis
  SweepView view;                  // points into the sweep's result, which must outlive the chart
  std::vector<std::string> names;  // chip names by index, for the breakpoint labels
  double current = 0;              // the parameter's value in the regime as written
  bool has_current = false;
  std::vector<std::string> notes;
};
// One parameter: the count caught at each step as a step line, each chip's breakpoint
// marked on the axis with its name. E-free: the caller checks there is one axis.
std::string sweep_svg(const SweepChart& chart);

}  // namespace exctl::report
