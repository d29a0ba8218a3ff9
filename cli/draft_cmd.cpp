// exctl draft --catch CHIPS --spare CHIPS [--metric M]... [--base REGIME] [--to CC,...]
// [--date D] [--emit FILE.rules] [--id ID]
#include <iostream>

#include "cli/commands.hpp"
#include "engine/app/draft.hpp"
#include "engine/base/json.hpp"
#include "engine/report/draft_report.hpp"

namespace exctl::cli {
namespace {

int run_draft(Context& ctx, const app::DraftRequest& request) {
  auto r = app::draft_threshold(ctx.session, request);
  if (!r) return ctx.finish();
  report::DraftView view{r->base->id,     sema::date_text(r->check->date()),
                         &r->chips,       &r->values,
                         &r->separations, &r->pairs,
                         r->rule_text,    r->emitted};
  switch (ctx.format) {
    case report::Format::text:
      std::cout << report::draft_text(view);
      break;
    case report::Format::json:
      std::cout << dump_json(report::draft_json(view), 2) << "\n";
      break;
    default:
      std::cout << report::render(report::separation_table(view), ctx.format);
  }
  return ctx.finish();
}

}  // namespace

void register_draft(CLI::App& app, Context& ctx, int& exit_code) {
  auto r = std::make_shared<app::DraftRequest>();
  auto* cmd = app.add_subcommand(
      "draft", "Threshold search: the rules that catch some chips and spare others; a draft file");
  cmd->add_option("--catch", r->catch_chips,
                  "Chips the rule must catch: names, FILE.toml or a catalogue (comma-separated)")
      ->required();
  cmd->add_option("--spare", r->spare_chips, "Chips the rule must spare (the same forms)")
      ->required();
  cmd->add_option(
      "--metric", r->metrics,
      "A field or an expression of fields, e.g. 'memory_bandwidth + "
      "interconnect_bandwidth' (repeatable; default: every field and the shipped sums)");
  cmd->add_option("--base", r->base, "The regime the draft extends (default: the one in force)");
  cmd->add_option("--to", r->to, "Destinations of the draft's licence rule: countries or groups");
  auto* date = cmd->add_option("--date", r->date.text, "The date (default: today)");
  cmd->add_option("--emit", r->emit, "Write the draft regime to FILE.rules");
  auto* id = cmd->add_option("--id", r->id.text, "The draft regime's id (default: draft-<metric>)");
  cmd->callback([&ctx, &exit_code, r, date, id] {
    r->date.given = date->count() > 0;
    r->id.given = id->count() > 0;
    exit_code = ctx.prepare() ? run_draft(ctx, *r) : ctx.finish();
  });
}

}  // namespace exctl::cli
