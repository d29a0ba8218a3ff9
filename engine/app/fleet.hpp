// `fleet FILE.toml`: a stockpile of chips (docs/fleet.md) in aggregate compute, memory and
// inference capacity on a workload, and the share of it each regime given controls.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/app/check.hpp"
#include "engine/app/roofline.hpp"
#include "engine/draft/fleet.hpp"

namespace exctl::app {

struct FleetRequest {
  std::string file;
  std::vector<std::string> regimes;  // ids, comma-separated or repeated
  Given to, hq, date;
  RooflineRequest workload;

  FleetRequest() {
    workload.model = "llama-3.1-8b";
    workload.batch = "32";
  }
};

struct FleetRun {
  std::unique_ptr<Check> check;
  std::vector<std::string> regimes;
  std::string workload, date, to;
  draft::FleetResult result;
};

// E0720-E0724 (the file: syntax, a missing key, an unknown key, a wrong type, a negative or
// non-integer count), E0725 (no rows), E0726 (a row with both or neither of chip and spec),
// E0727 (totals past exact arithmetic), E0101/E0102 (unknown or ambiguous chip), E0114 (unknown
// regime), workload codes (E05xx).
std::optional<FleetRun> fleet_capacity(Session& session, const FleetRequest& request);

}  // namespace exctl::app
