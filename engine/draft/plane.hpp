// The regions of a regime on a plane of two chip fields (TPP x performance density, memory
// x interconnect bandwidth): the plane is cut along every threshold line the regime's
// clauses draw on it, and each piece is decided once at an interior point with the other
// fields as given (unknown unless fixed), so a region is exactly where the rule puts it.
// For charts; an analysis of the checked IR through eval that only reports.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/eval/decide.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::draft {

using PlanePoint = std::pair<double, double>;  // (x, y) in the fields' canonical units

// A threshold drawn on the plane: a * x + b * y = c (one of `x op c`, `y op c`,
// `x + y op c` as the regime writes it).
struct PlaneLine {
  int a = 0, b = 0;
  Rational c;
  std::string quantity;                 // "tpp", "memory_bandwidth + interconnect_bandwidth"
  std::string param;                    // the parameter written, or ""
  std::vector<std::string> paragraphs;  // controls and exclusions whose conditions use it
  sema::CmpOp op = sema::CmpOp::ge;     // as normalised: `quantity op c`
  bool licence = false;                 // only licence rules or exceptions use it (a policy window)
  std::string licence_note;             // for those: the policy ("case_by_case"), or ""
  // For those: the other comparisons of the same licence rules, off this plane
  // ("tpp < 21,000").
  std::vector<std::string> also;
};

// One piece of the plane, convex, with what the regime says of a chip there.
struct PlaneCell {
  std::vector<PlanePoint> polygon;  // counter-clockwise
  // The first paragraph controlled here among those the plane decides, or "" when none;
  // `depends` when none is controlled and one is unknown without the other fields.
  std::string paragraph;
  bool depends = false;
  std::vector<std::string> missing;  // the fields it depends on
};

struct PlaneRegions {
  sema::FieldId x{}, y{};
  std::vector<std::string> paragraphs;  // the controls whose conditions read x or y
  std::vector<PlaneLine> lines;
  std::vector<PlaneCell> cells;
  // Comparisons on x and y this plane cannot draw as a straight line (a product, a ratio,
  // or `x + y` on a log axis): their text; the cells are still decided exactly at their
  // interior points, but a region may then bend inside a cell.
  std::vector<std::string> not_drawn;
};

struct PlaneRequest {
  sema::FieldId x{}, y{};
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;  // the viewport, canonical units
  bool straight_sums = true;                      // `x + y` is a straight line (false on log axes)
  eval::FieldValues fixed;                        // other fields' values (e.g. datacenter = true)
  eval::Query query;
};

// The regions; empty `paragraphs` when no control of the regime reads x or y.
PlaneRegions plane_regions(const sema::Regime& regime, const PlaneRequest& request);

// The cell containing `p` (on an edge, either), or nullptr.
const PlaneCell* cell_at(const PlaneRegions& plane, PlanePoint p);

}  // namespace exctl::draft
