// How decisions are shown: a table row per (chip, regime), the JSON contract of `check`,
// and the rationale record of `--explain`.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/eval/decide.hpp"
#include "engine/eval/robust.hpp"
#include "engine/report/table.hpp"

namespace exctl::report {

struct DecisionRow {
  std::string chip;  // id
  std::string chip_name;
  const sema::Regime* regime;  // nullptr for the combined "current"
  eval::Decision decision;
};

Table decision_table(const std::vector<DecisionRow>& rows);
// One row per chip, one column per regime; a cell is the paragraphs, "-" (not
// controlled), "excluded (Note 2)" or "? (missing ...)". JSON cells carry the verdict.
// With `robust`, one verdict per row: a cell whose decision depends on a reading or a
// value in range is marked "~" (JSON: "robust": false).
Table decision_matrix(const std::vector<DecisionRow>& rows,
                      const std::vector<eval::RobustVerdict>* robust = nullptr);
// `with_trace` false leaves the trace out (a catalogue decided through the compiled form).
nlohmann::ordered_json decision_json(const DecisionRow& row, bool with_trace = true);
// One clause of a trace as `check --format json` writes it: kind, id, result, cite,
// source, comparisons with exact values and margins, regimes consulted, missing fields.
nlohmann::ordered_json clause_json(const eval::ClauseTrace& clause);
// A comparison's values and margin for people: "2,368 is 32 below 2,400".
std::string margin_text(const eval::Comparison& c);

// What `--explain` adds: where each value came from and which options were used.
struct ExplainContext {
  const Chip* chip = nullptr;  // nullptr for a synthetic spec
  const eval::FieldValues* values = nullptr;
  std::vector<std::string> interpretation;
  std::string date;
  std::string inference;  // the reference-workload line, when it was estimated
};
std::string explain_text(const DecisionRow& row, const ExplainContext& ctx);

std::string licence_text(const eval::LicenceOutcome& l);

// A catalogue's decisions, one line each: CSV rows under header(), or JSON lines, the same
// text as decision_table and decision_json. The compiled form hands out one decision per
// cell to every chip in it, so the text after the chip is rendered once per such `stable`
// decision and kept: a row costs an escape and two appends.
class DecisionLines {
 public:
  DecisionLines(Format format, bool with_trace);
  const std::string& header() const { return header_; }  // CSV: the header line; else ""
  void append(std::string& out, std::string_view chip, const eval::Decision& d, bool stable);

 private:
  std::string tail(const eval::Decision& d) const;

  bool csv_, with_trace_;
  std::string header_;
  std::unordered_map<const eval::Decision*, std::string> tails_;
};

// The line under a decision table: the date, and the destination and headquarters asked
// about (each code with its country's name), or a hint to ask.
// What `current` left out or replaced on the date (is-informed letters, compliance dates).
std::string current_footer(const std::vector<std::string>& notes);
std::string query_footer(const std::string& date, const std::string& to, const std::string& to_name,
                         const std::string& hq, const std::string& hq_name);
// The line under a decision matrix: the date and what '-' and '?' mean.
std::string matrix_footer(const std::string& date);

}  // namespace exctl::report
