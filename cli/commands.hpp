// Each subcommand registers itself on the app; its callback sets the exit code.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace exctl::cli {

void register_chips(CLI::App& app, Context& ctx, int& exit_code);
void register_models(CLI::App& app, Context& ctx, int& exit_code);
void register_roofline(CLI::App& app, Context& ctx, int& exit_code);
void register_check(CLI::App& app, Context& ctx, int& exit_code);
void register_regimes(CLI::App& app, Context& ctx, int& exit_code);
void register_diff(CLI::App& app, Context& ctx, int& exit_code);
void register_sweep(CLI::App& app, Context& ctx, int& exit_code);
void register_draft(CLI::App& app, Context& ctx, int& exit_code);
void register_envelope(CLI::App& app, Context& ctx, int& exit_code);
void register_loophole(CLI::App& app, Context& ctx, int& exit_code);
void register_fleet(CLI::App& app, Context& ctx, int& exit_code);
void register_plot(CLI::App& app, Context& ctx, int& exit_code);
void register_report(CLI::App& app, Context& ctx, int& exit_code);
void register_serve(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace exctl::cli
