// exctl loophole REGIME[,REGIME...] [--to CC] [--hq CC] [--date D] [--goal G] [workload]
// [--objective O] [--year Y | --envelope FILE] [--datacenter yes|no|any] [--emit FILE]
// [--from CHIP]
#include <iostream>

#include "cli/commands.hpp"
#include "engine/app/loophole.hpp"
#include "engine/base/json.hpp"

namespace exctl::cli {
namespace {

int run_loophole(Context& ctx, const app::LoopholeRequest& request) {
  auto run = app::find_loophole(ctx.session, request);
  if (!run) return ctx.finish();
  switch (ctx.format) {
    case report::Format::text:
      std::cout << report::loophole_text(run->view);
      break;
    case report::Format::json:
      std::cout << dump_json(report::loophole_json(run->view), 2) << "\n";
      break;
    default:
      std::cout << report::render(report::loophole_table(run->view), ctx.format);
  }
  return ctx.finish();
}

}  // namespace

void register_loophole(CLI::App& app, Context& ctx, int& exit_code) {
  auto r = std::make_shared<app::LoopholeRequest>();
  auto* cmd = app.add_subcommand(
      "loophole", "The best chip a regime leaves open in a technology envelope (docs/loophole.md)");
  cmd->add_option("regimes", r->regimes, "Regime ids, comma-separated: one row each")->required();
  auto* to = cmd->add_option("--to", r->to.text, "Destination country");
  auto* hq = cmd->add_option("--hq", r->hq.text, "The buyer's headquarters country");
  auto* date = cmd->add_option("--date", r->date.text, "Date of the export (default: today)");
  cmd->add_option("--goal", r->goal, "not-controlled (default), no-licence or not-denied");
  cmd->add_option("--model", r->workload.model, "Model id or config file (default llama-3.1-8b)");
  cmd->add_option("--batch", r->workload.batch, "Concurrent sequences (default 32)");
  cmd->add_option("--input", r->workload.input, "Prompt tokens per sequence (default 1024)");
  cmd->add_option("--output", r->workload.output, "Generated tokens per sequence (default 256)");
  cmd->add_option("--tp", r->workload.tp, "Tensor parallelism (default 1)");
  cmd->add_option("--weights", r->workload.weights, "Weight format (default fp16)");
  cmd->add_option("--kv", r->workload.kv, "KV-cache format (default fp16)");
  cmd->add_option("--objective", r->objective, "decode (default), interactive or ttft");
  auto* year = cmd->add_option("--year", r->envelope.year.text,
                               "The shipped envelope of this year (default: the date's)");
  cmd->add_option("--envelope", r->envelope.file, "An envelope file instead (docs/envelope.md)");
  cmd->add_option("--datacenter", r->datacenter, "The design's datacenter flag: yes, no or any");
  cmd->add_option("--emit", r->emit, "Write the best design as a chip spec (one regime)");
  cmd->add_option("--from", r->from, "Redesign this chip by reductions of its own resources");
  cmd->callback([&ctx, &exit_code, r, to, hq, date, year] {
    r->to.given = to->count() > 0;
    r->hq.given = hq->count() > 0;
    r->date.given = date->count() > 0;
    r->envelope.year.given = year->count() > 0;
    exit_code = ctx.prepare() ? run_loophole(ctx, *r) : ctx.finish();
  });
}

}  // namespace exctl::cli
