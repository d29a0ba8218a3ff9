// What every subcommand shares: the session (database, rule files, interpretation options,
// diagnostics) and the output format.
#pragma once

#include <string>

#include "engine/app/session.hpp"
#include "engine/report/table.hpp"

namespace exctl::cli {

// Exit codes (README "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitFound = 1;  // --fail-on matched, a test failed, fmt --check
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;

inline constexpr const char* kVersion = "exctl 0.1.0";

struct Context {
  app::Session session;
  std::string format_name = "text";
  report::Format format = report::Format::text;  // set by prepare()
  char** argv = nullptr;                         // the command line, as main() got it

  // Validates the global options; false (with diagnostics) when any is bad.
  bool prepare();
  // Finishes a command: prints diagnostics to stderr (JSON when --format json) and returns
  // the exit code (2 when any error was reported).
  int finish();
  // finish(), or 1 when it would be 0 and `found` (a --fail-on match, a failing case).
  int finish(bool found);
};

}  // namespace exctl::cli
