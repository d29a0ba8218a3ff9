// How `loophole` and `fleet` are shown: one row per regime with the best design, its
// objective against the H100 SXM and the best real chip, and the constraint that binds each
// resource; and a fleet's rows and totals.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/draft/fleet.hpp"
#include "engine/draft/loophole.hpp"
#include "engine/report/table.hpp"

namespace exctl::report {

// One field of a redesigned chip (--from): as it was and as redesigned.
struct FieldChange {
  std::string field, unit;
  std::optional<Rational> before, after;
};

struct LoopholeRow {
  std::string regime;
  draft::LoopholeResult result;
  std::string memory;                // the design's memory technology
  std::optional<double> h100_ratio;  // objective over the H100 SXM's
  std::string best_real;             // the best chip in the database meeting the goal
  std::optional<double> best_real_ratio;
  std::optional<double> original_ratio;  // --from: over the chip as it is
  std::vector<FieldChange> changes;      // --from: every field, changed or not
};

struct LoopholeView {
  std::string goal, objective, space, to, hq, date;
  std::string workload;  // "llama-3.1-8b, BF16, batch 32, 1024 in / 256 out, tp 1"
  std::string from;      // --from: the chip redesigned
  std::vector<LoopholeRow> rows;
  std::string emitted;  // the spec file written
};

// "just below 1,400 GB/s" or "1,400 GB/s".
std::string bound_text(const draft::Bound& b, const std::string& unit);

std::string loophole_text(const LoopholeView& v);
nlohmann::ordered_json loophole_json(const LoopholeView& v);
Table loophole_table(const LoopholeView& v);

struct FleetView {
  std::string file, workload, date, to;
  std::vector<std::string> regimes;
  const draft::FleetResult* result = nullptr;
};

std::string fleet_text(const FleetView& v);
nlohmann::ordered_json fleet_json(const FleetView& v);
Table fleet_table(const FleetView& v);  // one row per fleet row, then the total

}  // namespace exctl::report
