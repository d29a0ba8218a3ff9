// `loophole REGIME[,REGIME...]`: the best design a regime leaves open in a technology
// envelope (or, --from CHIP, the least-loss redesign of a chip), for a goal and a workload.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/app/check.hpp"
#include "engine/app/envelope.hpp"
#include "engine/app/roofline.hpp"
#include "engine/report/loophole_report.hpp"

namespace exctl::app {

struct LoopholeRequest {
  std::string regimes;  // comma-separated ids
  Given to, hq, date;
  std::string goal = "not-controlled";
  RooflineRequest workload;  // model, batch, input, output, tp, weights, kv
  std::string objective = "decode";
  EnvelopeRequest envelope;
  std::string datacenter = "any";  // yes, no, any
  std::string emit;                // a chip spec to write (one regime)
  std::string from;                // a chip to redesign by reductions only

  LoopholeRequest() {
    workload.model = "llama-3.1-8b";
    workload.batch = "32";
  }
};

struct LoopholeRun {
  std::unique_ptr<Check> check;
  report::LoopholeView view;
};

// E0710 (unknown goal), E0711 (a goal that needs --to without it), E0712 (the workload fits
// no design meeting the goal), E0713 (unknown objective), E0714 (bad --datacenter), E0715
// (--from a chip lacking a value the redesign needs), E0716 (--emit with several regimes, or
// no design to write), E0717 (values past exact arithmetic), E0114 (unknown regime), E0707
// (envelope), workload codes (E05xx).
std::optional<LoopholeRun> find_loophole(Session& session, const LoopholeRequest& request);

}  // namespace exctl::app
