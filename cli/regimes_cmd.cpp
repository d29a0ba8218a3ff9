// exctl regimes list | show ID, exctl lint FILE..., exctl fmt FILE..., exctl test [FILE...]
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "engine/app/decision_tables.hpp"
#include "engine/app/rules.hpp"
#include "engine/base/json.hpp"
#include "engine/report/regime_report.hpp"

namespace exctl::cli {
namespace {

int run_list(Context& ctx) {
  auto book = ctx.session.load_rules();
  if (!book) return ctx.finish();
  std::cout << report::render(report::regime_table(book->regimes), ctx.format);
  return ctx.finish();
}

int run_show(Context& ctx, const std::string& id) {
  auto book = ctx.session.load_rules();
  if (!book) return ctx.finish();
  const sema::Regime* r = book->find(id);
  if (!r) {
    ctx.session.sink.error("E0114", fmt::format("no regime is named '{}'", id));
    return ctx.finish();
  }
  if (ctx.format == report::Format::json)
    std::cout << dump_json(report::regime_json(*r), 2) << "\n";
  else
    std::cout << report::regime_text(*r);
  return ctx.finish();
}

int run_lint(Context& ctx, const std::vector<std::string>& files) {
  auto count = app::lint_rules(ctx.session, files);
  if (count && ctx.format == report::Format::text) {
    std::cout << fmt::format("ok: {} regime{} in {} file{}\n", *count, *count == 1 ? "" : "s",
                             files.size(), files.size() == 1 ? "" : "s");
  }
  return ctx.finish();
}

// `fmt FILE`: print the canonical layout; --write rewrites the file, --check only reports.
int run_fmt(Context& ctx, const std::vector<std::string>& files, bool write, bool check) {
  auto mode = check   ? app::FormatMode::check
              : write ? app::FormatMode::write
                      : app::FormatMode::print;
  bool unformatted = false;
  for (const auto& f : app::format_rules(ctx.session, files, mode)) {
    if (mode == app::FormatMode::print) std::cout << f.text;
    if (mode == app::FormatMode::check && f.changed)
      std::cout << fmt::format("{}: not formatted\n", f.path);
    unformatted |= f.changed;
  }
  return ctx.finish(mode == app::FormatMode::check && unformatted);
}

int run_tests(Context& ctx, const std::vector<std::string>& files) {
  auto run = app::run_decision_tables(ctx.session, files);
  if (!run) return ctx.finish();
  std::cout << report::table_run_text(*run);
  return ctx.finish(run->failed > 0);
}

}  // namespace

void register_regimes(CLI::App& app, Context& ctx, int& exit_code) {
  auto* regimes =
      app.add_subcommand("regimes", "The shipped regimes (and --rules drafts): list, show");
  regimes->require_subcommand(1);
  auto* list = regimes->add_subcommand("list", "Every regime with its status and dates");
  list->callback([&ctx, &exit_code] { exit_code = ctx.prepare() ? run_list(ctx) : ctx.finish(); });
  auto id = std::make_shared<std::string>();
  auto* show = regimes->add_subcommand("show", "A regime's clauses, parameters and citations");
  show->add_option("id", *id, "Regime id")->required();
  show->callback(
      [&ctx, &exit_code, id] { exit_code = ctx.prepare() ? run_show(ctx, *id) : ctx.finish(); });

  auto lint_files = std::make_shared<std::vector<std::string>>();
  auto* lint = app.add_subcommand("lint", "Check rule files: diagnostics only");
  lint->add_option("files", *lint_files, "Rule files")->required();
  lint->callback([&ctx, &exit_code, lint_files] {
    exit_code = ctx.prepare() ? run_lint(ctx, *lint_files) : ctx.finish();
  });

  auto fmt_files = std::make_shared<std::vector<std::string>>();
  auto fmt_write = std::make_shared<bool>(false), fmt_check = std::make_shared<bool>(false);
  auto* fmt_cmd = app.add_subcommand("fmt", "Print rule files in canonical layout (comments kept)");
  fmt_cmd->add_option("files", *fmt_files, "Rule files")->required();
  fmt_cmd->add_flag("--write", *fmt_write, "Rewrite the files in place");
  fmt_cmd->add_flag("--check", *fmt_check, "Exit 1 when a file is not in canonical layout");
  fmt_cmd->callback([&ctx, &exit_code, fmt_files, fmt_write, fmt_check] {
    exit_code = ctx.prepare() ? run_fmt(ctx, *fmt_files, *fmt_write, *fmt_check) : ctx.finish();
  });

  auto test_files = std::make_shared<std::vector<std::string>>();
  auto* test = app.add_subcommand(
      "test", "Run decision tables (default: rules/*.cases.toml); exit 1 when a case fails");
  test->add_option("files", *test_files, "Decision table files");
  test->callback([&ctx, &exit_code, test_files] {
    exit_code = ctx.prepare() ? run_tests(ctx, *test_files) : ctx.finish();
  });
}

}  // namespace exctl::cli
