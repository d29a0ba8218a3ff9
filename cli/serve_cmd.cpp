// exctl serve [--port 8080] [--host 127.0.0.1]: the drafting page (serve/, docs/serve.md).
#include "cli/commands.hpp"

namespace exctl::cli {

void register_serve(CLI::App& app, Context& ctx, int& exit_code) {
  auto options = std::make_shared<serve::ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve", "A local page to move a regime's thresholds and see which chips cross them");
  cmd->add_option("--port", options->port, "TCP port (default 8080; 0: any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--host", options->host,
                  "Address to listen on (default 127.0.0.1: this machine only)");
  cmd->callback([&ctx, &exit_code, options] {
    if (!ctx.prepare()) {
      exit_code = ctx.finish();
      return;
    }
    options->api.db_path = ctx.session.db_path;
    options->api.rule_files = ctx.session.rule_files;
    options->api.interpret = ctx.session.interpret;
    exit_code = run_serve(*options, ctx);
  });
}

}  // namespace exctl::cli
