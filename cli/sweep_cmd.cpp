// exctl sweep REGIME --param NAME=FROM..TO[/STEP] [--param ...] [CHIP... | --specs FILE]
// [--to CC] [--hq CC] [--date D] [--breakpoints]
#include <iostream>

#include "cli/commands.hpp"
#include "engine/app/sweep.hpp"
#include "engine/base/json.hpp"
#include "engine/report/sweep_report.hpp"

namespace exctl::cli {
namespace {

struct SweepOptions {
  app::SweepRequest request;
  bool breakpoints_only = false;
};

int run_sweep(Context& ctx, const SweepOptions& opt) {
  auto r = app::sweep_regime(ctx.session, opt.request);
  if (!r) return ctx.finish();
  const auto& req = r->check->request();
  report::SweepView view{r->regime->id,
                         sema::date_text(r->check->date()),
                         req.to.text,
                         req.hq.text,
                         &r->axes,
                         &r->ids,
                         &r->steps,
                         &r->breakpoints,
                         !req.to.text.empty() || !req.hq.text.empty(),
                         r->robust};
  switch (ctx.format) {
    case report::Format::text:
      std::cout << report::sweep_text(view, opt.breakpoints_only);
      break;
    case report::Format::json:
      std::cout << dump_json(report::sweep_json(view, opt.breakpoints_only), 2) << "\n";
      break;
    default:
      std::cout << report::render(
          opt.breakpoints_only ? report::breakpoint_table(view) : report::sweep_table(view),
          ctx.format);
  }
  return ctx.finish();
}

}  // namespace

void register_sweep(CLI::App& app, Context& ctx, int& exit_code) {
  auto opt = std::make_shared<SweepOptions>();
  auto& r = opt->request;
  auto* cmd = app.add_subcommand(
      "sweep", "Vary a regime's parameter over the chips: counts per step, exact breakpoints");
  cmd->add_option("regime", r.regime, "The regime whose parameter varies")->required();
  cmd->add_option("chips", r.chips, "Chips to sweep (default: every chip in the database)");
  cmd->add_option("--param", r.params,
                  "NAME=FROM..TO[/STEP], e.g. dram_cap=1000GB/s..4TB/s/100GB/s (one or two)");
  cmd->add_option("--specs", r.specs, "A catalogue (.csv or .jsonl) instead of the database");
  auto* to = cmd->add_option("--to", r.to.text, "Destination: count chips that need a licence");
  auto* hq = cmd->add_option("--hq", r.hq.text, "The buyer's headquarters country");
  auto* date = cmd->add_option("--date", r.date.text, "Date of the export (default: today)");
  cmd->add_flag("--breakpoints", opt->breakpoints_only, "Only each chip's breakpoints");
  cmd->add_flag("--robust", r.robust,
                "Over every reading of the rule and every value in the specs' ranges: count "
                "chips caught whatever the reading, those that depend on one, and breakpoints "
                "of what each chip can be");
  cmd->callback([&ctx, &exit_code, opt, to, hq, date] {
    opt->request.to.given = to->count() > 0;
    opt->request.hq.given = hq->count() > 0;
    opt->request.date.given = date->count() > 0;
    exit_code = ctx.prepare() ? run_sweep(ctx, *opt) : ctx.finish();
  });
}

}  // namespace exctl::cli
