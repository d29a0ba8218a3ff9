// Each subcommand registers itself on the app; its callback sets the exit code.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace exctl::cli {

void register_chips(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace exctl::cli
