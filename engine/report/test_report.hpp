// The results of running decision tables (`exctl test`) and how they are shown.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace exctl::report {

struct CaseOutcome {
  enum class Status {
    passed,
    failed,
    known,         // a documented known issue that still fails
    known_passes,  // a known issue that passes now: its marker must go, so it fails the run
  };
  std::string path;  // the decision table
  uint32_t line = 0;
  std::string name;
  Status status = Status::passed;
  std::string known_issue;            // why it fails today, for known issues
  std::vector<std::string> problems;  // "verdict: expected controlled, got not_controlled"
};

struct TableRun {
  std::vector<CaseOutcome> cases;
  int passed = 0, failed = 0, known = 0;
};

// Each case that did not simply pass, then the counts: "12 passed, 0 failed".
std::string table_run_text(const TableRun& run);

}  // namespace exctl::report
