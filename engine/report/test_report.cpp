#include "engine/report/test_report.hpp"

#include <fmt/format.h>

namespace exctl::report {

std::string table_run_text(const TableRun& run) {
  std::string out;
  for (const auto& c : run.cases) {
    switch (c.status) {
      case CaseOutcome::Status::passed:
        continue;
      case CaseOutcome::Status::known_passes:
        out += fmt::format("{}:{}: FAIL {}\n    passes now: remove its known_issue\n", c.path,
                           c.line, c.name);
        continue;
      case CaseOutcome::Status::known:
        out += fmt::format("{}:{}: KNOWN {}\n    {}\n", c.path, c.line, c.name, c.known_issue);
        break;
      case CaseOutcome::Status::failed:
        out += fmt::format("{}:{}: FAIL {}\n", c.path, c.line, c.name);
        break;
    }
    for (const auto& p : c.problems)
      out += fmt::format("    {}\n", p);
  }
  if (run.known)
    out += fmt::format("{} known issue{} (see above)\n", run.known, run.known == 1 ? "" : "s");
  out += fmt::format("{} passed, {} failed\n", run.passed, run.failed);
  return out;
}

}  // namespace exctl::report
