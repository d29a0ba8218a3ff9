// Loophole search: the best chip a vendor could still ship under a regime. A design space
// (what technology allows in a year, or an existing chip's own resources to cut) is searched
// for the design that meets a goal under the regime (decided by the evaluator, through the
// compiled form) and maximises the roofline estimate on a workload.
//
// Exact for a monotone objective: each resource's candidates are its upper limit and every
// threshold the regime compares it (or a quantity derived from it) with, attained and "just
// below"; the optimum of a monotone objective over a cell of the thresholds' grid is at such
// a corner, and the product of candidates holds every corner (docs/loophole.md).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/chip.hpp"
#include "engine/eval/compiled.hpp"
#include "engine/eval/decide.hpp"
#include "engine/metrics/metrics.hpp"
#include "engine/roofline/estimate.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::draft {

// What a design must reach under the regime: not controlled (or excluded); no licence for
// the destination; or, where a licence is required, a review policy other than presumption
// of denial (case by case or approval; a licence without a stated policy is not counted).
enum class Goal { not_controlled, no_licence, not_denied };
std::optional<Goal> goal_from_name(std::string_view name);  // "not-controlled", ...
std::string_view goal_name(Goal g);
bool needs_destination(Goal g);  // no_licence and not_denied ask about a destination
bool meets(const eval::Decision& d, Goal g);

// What the search maximises: steady decode tokens/s per chip; tokens/s per user; or the
// time to first token (smaller is better: maximised as its inverse).
enum class Objective { decode, interactive, ttft };
std::optional<Objective> objective_from_name(std::string_view name);
std::string_view objective_name(Objective o);
// Larger is better; 0 when the estimate is not ok.
double objective_value(const roofline::Estimate& e, Objective o);

// The resources a design has, for the binding constraint of each.
enum class Resource { tpp, area, bandwidth, capacity, interconnect };
inline constexpr size_t kResourceCount = 5;
std::string_view resource_name(Resource r);  // "tpp", "die_area", "memory_bandwidth", ...

// Where the value of a resource comes from: the space's limit, or a threshold of the rule.
struct Bound {
  Rational value;     // the supremum: attained, or approached from below when `open`
  bool open = false;  // "just below value"
  enum class Kind { limit, threshold } kind = Kind::limit;
  std::string item;    // the limit's item, or the comparison "memory_bandwidth >= 1,400 GB/s"
  std::string clause;  // a threshold's clause: "us-2025-04-h20 control \"H20 criteria\""
};

// The space searched. Every resource is a continuous amount between zero and its limit;
// the memory technology and the datacenter flag are discrete choices.
struct DesignSpace {
  std::string label;        // "envelope 2024", "H20 (reductions only)"
  int64_t year = 0;         // the design's release year
  Rational max_area;        // logic die area over all dies, mm2
  bool area_fixed = false;  // only max_area (a redesign keeps its die)
  int64_t dies = 1;
  std::string area_item;
  // Dense peak throughput per mm2 of logic per precision (TFLOPS or TOPS): at area A the
  // design's peak in a precision is at most this times A. Unset: the design lacks it.
  std::array<std::optional<Rational>, kPrecisionCount> peak_per_mm2{};
  std::string peak_item;
  struct Memory {
    std::string name;  // "HBM3E 8-high": the spec's memory type starts with HBM for HBM
    bool hbm = true;
    Rational bandwidth, capacity;  // GB/s, GB
    std::string item;
  };
  std::vector<Memory> memories;  // at least one
  Rational interconnect;         // chip-to-chip, aggregate bidirectional GB/s
  std::string interconnect_item;
  Rational host_link, tdp;           // fixed: GB/s, W
  Rational transistors_per_mm2;      // transistors (a count) per mm2 of logic
  std::optional<bool> datacenter;    // nullopt: either
  std::string process = "envelope";  // the die's process, for the spec written
};

// One concrete design: every value as a chip spec writes it (at most 4 decimal places).
struct Design {
  Rational area;  // over all dies
  int64_t dies = 1;
  std::array<std::optional<Rational>, kPrecisionCount> peak{};  // dense TFLOPS/TOPS
  size_t memory = 0;
  Rational bandwidth, capacity, interconnect, host_link, tdp, transistors_billion;
  bool datacenter = true;
  Rational tpp, pd;  // as the metrics compute them from the values above
};

// The chip record of a design, as `--emit` writes it and `check --spec` reads it.
Chip design_chip(const Design& d, const DesignSpace& space, const std::string& id,
                 const std::string& name, const std::string& source);
// The rule fields of a design, as eval::chip_values gives them for design_chip (the unit
// test holds the two together), without building the record.
eval::FieldValues design_values(const Design& d, const DesignSpace& space,
                                sema::DateKey export_date, const MetricOptions& options);
// As roofline::hardware_of(design_chip(...)).
roofline::Hardware design_hardware(const Design& d);

struct ObjectiveSpec {
  roofline::ModelShape shape;
  roofline::Workload workload;
  roofline::Calibration calib;
  Objective objective = Objective::decode;
};

struct LoopholeResult {
  bool found = false;  // some design meets the goal and runs the workload
  Design design;
  std::array<Bound, kResourceCount> bounds;  // by Resource
  roofline::Estimate estimate;
  double objective = 0;
  eval::Decision decision;  // of the design, by eval::decide, with its trace
  uint64_t points = 0;      // designs decided
  uint64_t feasible = 0;    // of them meeting the goal
  uint64_t no_fit = 0;      // of those, where the workload does not fit
  // Where the search is not exact: a comparison on an expression it does not solve for.
  std::vector<std::string> notes;
};

// The best design of `space` meeting `goal` under `regime` for `query`, by `objective`.
// Throws eval::ArithmeticOverflow as decide() does.
LoopholeResult search(const sema::Regime& regime, const eval::Query& query, Goal goal,
                      const DesignSpace& space, const ObjectiveSpec& objective,
                      const MetricOptions& options);

// The same over a grid: `steps` equal steps of every continuous resource (area, TPP,
// bandwidth, capacity, interconnect) up to its limit, every discrete choice. For tests of
// search() and for the benchmark; bounds name no threshold.
LoopholeResult grid_search(const sema::Regime& regime, const eval::Query& query, Goal goal,
                           const DesignSpace& space, const ObjectiveSpec& objective,
                           const MetricOptions& options, int steps);

}  // namespace exctl::draft
