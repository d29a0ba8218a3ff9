// How a parameter sweep is shown: a row per step (the count caught, the chips that entered
// and left), a grid for two parameters, and each chip's breakpoints.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/draft/sweep.hpp"
#include "engine/report/table.hpp"

namespace exctl::report {

struct SweepView {
  std::string regime, date, to, hq;
  const std::vector<draft::Axis>* axes = nullptr;
  const std::vector<std::string>* ids = nullptr;  // chip of each index
  const std::vector<draft::SweepStep>* steps = nullptr;
  const std::vector<draft::ChipBreakpoints>* breakpoints = nullptr;
  bool licence = false;  // counting licences (a destination was given), not controls
  bool robust = false;   // over every reading and range: steps count those caught always
};

// "controlled for dram_cap <= 4,000 GB/s; not controlled above".
std::string breakpoint_text(const SweepView& v, const draft::ChipBreakpoints& b);

std::string sweep_text(const SweepView& v, bool breakpoints_only);
nlohmann::ordered_json sweep_json(const SweepView& v, bool breakpoints_only);
Table sweep_table(const SweepView& v);       // one row per step (per cell for two)
Table breakpoint_table(const SweepView& v);  // one row per piece of each chip that changes

}  // namespace exctl::report
