// Each subcommand registers itself on the app; its callback sets the exit code.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.hpp"
#include "serve/server.hpp"

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

// Runs the server for `serve` once its arguments are parsed, and returns the exit code. Two
// definitions, one per executable: `exctl` hands the same command line to `exctl-serve`
// beside it (serve_exec.cpp), so that no other command loads the HTTP library and the
// OpenSSL it links (about 5 ms at every start); `exctl-serve` runs it (serve_run.cpp).
int run_serve(const serve::ServeOptions& options, Context& ctx);

}  // namespace exctl::cli
