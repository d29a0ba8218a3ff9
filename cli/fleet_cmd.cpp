// exctl fleet FILE.toml [--regime R,...] [--to CC] [--hq CC] [--date D] [workload]
#include <iostream>

#include "cli/commands.hpp"
#include "engine/app/fleet.hpp"
#include "engine/base/json.hpp"
#include "engine/report/loophole_report.hpp"

namespace exctl::cli {
namespace {

int run_fleet(Context& ctx, const app::FleetRequest& request) {
  auto run = app::fleet_capacity(ctx.session, request);
  if (!run) return ctx.finish();
  report::FleetView view{request.file, run->workload, run->date,
                         run->to,      run->regimes,  &run->result};
  switch (ctx.format) {
    case report::Format::text:
      std::cout << report::fleet_text(view);
      break;
    case report::Format::json:
      std::cout << dump_json(report::fleet_json(view), 2) << "\n";
      break;
    default:
      std::cout << report::render(report::fleet_table(view), ctx.format);
  }
  return ctx.finish();
}

}  // namespace

void register_fleet(CLI::App& app, Context& ctx, int& exit_code) {
  auto r = std::make_shared<app::FleetRequest>();
  auto* cmd = app.add_subcommand(
      "fleet", "A stockpile of chips: compute, memory, inference capacity (docs/fleet.md)");
  cmd->add_option("file", r->file, "The fleet file (TOML: [[row]] chip, count, source)")
      ->required();
  cmd->add_option("--regime", r->regimes, "Regimes whose share of the fleet to count");
  auto* to = cmd->add_option("--to", r->to.text, "Destination: count licence requirements");
  auto* hq = cmd->add_option("--hq", r->hq.text, "The buyer's headquarters country");
  auto* date = cmd->add_option("--date", r->date.text, "Date of the decisions (default: today)");
  cmd->add_option("--model", r->workload.model, "Model id or config file (default llama-3.1-8b)");
  cmd->add_option("--batch", r->workload.batch, "Concurrent sequences per replica (default 32)");
  cmd->add_option("--input", r->workload.input, "Prompt tokens per sequence (default 1024)");
  cmd->add_option("--output", r->workload.output, "Generated tokens per sequence (default 256)");
  cmd->add_option("--weights", r->workload.weights, "Weight format (default fp16)");
  cmd->add_option("--kv", r->workload.kv, "KV-cache format (default fp16)");
  cmd->callback([&ctx, &exit_code, r, to, hq, date] {
    r->to.given = to->count() > 0;
    r->hq.given = hq->count() > 0;
    r->date.given = date->count() > 0;
    exit_code = ctx.prepare() ? run_fleet(ctx, *r) : ctx.finish();
  });
}

}  // namespace exctl::cli
