// exctl envelope show [--year Y | --envelope FILE.toml]
#include <iostream>

#include "cli/commands.hpp"
#include "engine/app/envelope.hpp"
#include "engine/base/json.hpp"
#include "engine/report/envelope_report.hpp"

namespace exctl::cli {
namespace {

int run_show(Context& ctx, const app::EnvelopeRequest& request) {
  auto envelopes = app::show_envelopes(ctx.session, request);
  if (!envelopes) return ctx.finish();
  if (ctx.format == report::Format::json)
    std::cout << dump_json(report::envelope_json(*envelopes), 2) << "\n";
  else
    std::cout << report::envelope_text(*envelopes);
  return ctx.finish();
}

}  // namespace

void register_envelope(CLI::App& app, Context& ctx, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "envelope", "Technology envelopes: what process and packaging allow, year by year");
  cmd->require_subcommand(1);
  auto request = std::make_shared<app::EnvelopeRequest>();
  auto* show = cmd->add_subcommand("show", "Show the shipped envelopes (or one year, or a file)");
  auto* year = show->add_option("--year", request->year.text, "One shipped year (2022-2028)");
  show->add_option("--envelope", request->file, "An envelope file instead (docs/envelope.md)");
  show->callback([&ctx, &exit_code, request, year] {
    request->year.given = year->count() > 0;
    exit_code = ctx.prepare() ? run_show(ctx, *request) : ctx.finish();
  });
}

}  // namespace exctl::cli
