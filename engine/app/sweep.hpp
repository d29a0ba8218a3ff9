// `sweep REGIME --param NAME=FROM..TO[/STEP]`: a regime's parameter varied over the chips
// of the database (or a catalogue), with each chip's exact breakpoints.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/app/check.hpp"
#include "engine/draft/sweep.hpp"

namespace exctl::app {

struct SweepRequest {
  std::string regime;
  std::vector<std::string> params;  // "dram_cap=1000GB/s..4TB/s/100GB/s", one or two
  std::vector<std::string> chips;   // default: every chip of the database
  std::string specs;                // a catalogue instead
  Given to, hq, date;
  bool breakpoints = true;  // compute each chip's breakpoints (one parameter only)
  bool robust = false;      // over every reading and range (app/robust): chip records only
};

// A `--param` value: "NAME=FROM..TO[/STEP]", each value a number with a unit where the
// parameter has one ("1.4TB/s", "4800"). Without /STEP, ten equal steps. E0601 (unknown
// parameter, listing those the regime declares), E0602 (malformed), E0603 (wrong unit),
// E0604 (empty range, step not above zero, more than 100,000 steps).
std::optional<draft::Axis> parse_axis(const sema::Regime& regime, const std::string& text,
                                      DiagnosticSink& sink);

// A parameter set to one value: "NAME=VALUE" ("dram_cap=4.1TB/s", "tpp_cap=4800"). E0601
// (unknown parameter), E0602 (malformed), E0603 (wrong unit), E0610 (negative, or more than
// kMaxParamFactor times the regime's own value: past any slider, and past exact arithmetic).
inline constexpr int64_t kMaxParamFactor = 1000;
struct ParamValue {
  std::string name;
  Rational value;
  sema::Dim dim;
};
std::optional<ParamValue> parse_param_value(const sema::Regime& regime, const std::string& text,
                                            DiagnosticSink& sink);

struct SweepResult {
  std::unique_ptr<Check> check;
  const sema::Regime* regime = nullptr;
  std::vector<draft::Axis> axes;
  std::vector<std::string> ids, names;  // of the chips swept
  std::vector<draft::SweepStep> steps;
  // One axis only. With robust, each piece holds every outcome some reading or value in
  // range gives, and each step counts the chips that are caught whatever the reading.
  std::vector<draft::ChipBreakpoints> breakpoints;
  bool robust = false;
};

std::optional<SweepResult> sweep_regime(Session& session, const SweepRequest& request);

}  // namespace exctl::app
