// exctl diff R1 R2 [CHIP... | --all | --spec FILE | --specs FILE] [--to CC] [--hq CC]
// [--date D] [--rules-only] [--exit-code]
#include <iostream>

#include "cli/commands.hpp"
#include "engine/app/diff.hpp"
#include "engine/base/json.hpp"
#include "engine/report/diff_report.hpp"

namespace exctl::cli {
namespace {

struct DiffOptions {
  app::DiffRequest request;
  bool exit_code = false;
};

int run_diff(Context& ctx, const DiffOptions& opt) {
  auto result = app::diff_regimes(ctx.session, opt.request);
  if (!result) return ctx.finish();
  const auto& req = result->check->request();
  report::DiffView view{result->before->id,
                        result->after->id,
                        sema::date_text(result->check->date()),
                        req.to.text,
                        req.hq.text,
                        {},
                        result->counts,
                        opt.request.outcomes_only ? nullptr : &result->rules,
                        !opt.request.rules_only};
  for (const auto& c : result->changed)
    view.chips.push_back({c.id, c.name, &c.diff, c.robust ? &*c.robust : nullptr});
  switch (ctx.format) {
    case report::Format::text:
      std::cout << report::diff_text(view);
      break;
    case report::Format::json:
      std::cout << dump_json(report::diff_json(view), 2) << "\n";
      break;
    default:
      std::cout << report::render(report::diff_table(view), ctx.format);
  }
  return ctx.finish(opt.exit_code && result->any());
}

}  // namespace

void register_diff(CLI::App& app, Context& ctx, int& exit_code) {
  auto opt = std::make_shared<DiffOptions>();
  auto& r = opt->request;
  auto* cmd = app.add_subcommand(
      "diff", "What changes between two regimes: chips whose outcome moves, and why; the rules");
  cmd->add_option("before", r.before, "The first regime (e.g. us-2022-10)")->required();
  cmd->add_option("after", r.after, "The second regime (e.g. us-2023-10)")->required();
  cmd->add_option("chips", r.chips, "Chips to compare (default: every chip in the database)");
  cmd->add_flag("--all", r.all, "Every chip in the database (the default)");
  cmd->add_option("--spec", r.spec, "A chip spec file not in the database");
  cmd->add_option("--specs", r.specs, "A catalogue (.csv or .jsonl)");
  auto* to = cmd->add_option("--to", r.to.text, "Destination country (ISO 3166-1 alpha-2)");
  auto* hq = cmd->add_option("--hq", r.hq.text, "The buyer's headquarters country");
  auto* date = cmd->add_option("--date", r.date.text, "Date of the export (default: today)");
  cmd->add_flag("--rules-only", r.rules_only, "Only the rules as written, no chips");
  cmd->add_flag("--outcomes-only", r.outcomes_only, "Only the chips, not the rules as written");
  cmd->add_flag("--exit-code", opt->exit_code, "Exit 1 when anything differs");
  cmd->add_flag("--robust", opt->request.robust,
                "Each chip's change under every reading and every value in its spec's ranges: "
                "also lists chips whose outcome moves under some of them");
  cmd->callback([&ctx, &exit_code, opt, to, hq, date] {
    opt->request.to.given = to->count() > 0;
    opt->request.hq.given = hq->count() > 0;
    opt->request.date.given = date->count() > 0;
    if (opt->request.rules_only && opt->request.outcomes_only) {
      ctx.session.sink.error("E0100", "--rules-only and --outcomes-only leave nothing to show");
      exit_code = ctx.finish();
      return;
    }
    exit_code = ctx.prepare() ? run_diff(ctx, *opt) : ctx.finish();
  });
}

}  // namespace exctl::cli
