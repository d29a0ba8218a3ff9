// exctl chips list | show | export | import | lint | query
#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "engine/app/chips.hpp"
#include "engine/base/json.hpp"

namespace exctl::cli {
namespace {

int run_list(Context& ctx, const app::ListRequest& request) {
  auto list = app::list_chips(ctx.session, request);
  if (!list) return ctx.finish();
  const auto& rows = list->rows;
  std::cout << report::render(report::chip_list_table(rows), ctx.format);
  if (ctx.format == report::Format::text) {
    std::cout << fmt::format("{} chip{}", rows.size(), rows.size() == 1 ? "" : "s");
    if (std::any_of(rows.begin(), rows.end(), [](const auto& r) {
          return !report::estimated_fields(*r.chip, r.metrics).empty();
        })) {
      std::cout << "; ~ marks a value that rests on an estimate";
    }
    std::cout << "\n";
  }
  return ctx.finish();
}

int run_show(Context& ctx, const std::string& name, const std::string& spec) {
  auto shown = app::show_chip(ctx.session, name, spec);
  if (!shown) return ctx.finish();
  const auto& options = ctx.session.options;
  switch (ctx.format) {
    case report::Format::json:
      std::cout << dump_json(report::chip_to_json(shown->chip, shown->metrics, options, true), 2)
                << "\n";
      break;
    case report::Format::text:
      std::cout << report::chip_show_text(shown->chip, shown->metrics, options);
      break;
    default: {
      std::vector<report::ChipWithMetrics> rows = {{&shown->chip, shown->metrics}};
      std::cout << report::render(report::chip_export_table(rows), ctx.format);
    }
  }
  return ctx.finish();
}

int run_export(Context& ctx, const std::vector<std::string>& names, const std::string& out_dir,
               const std::string& format) {
  auto exported = app::export_chips(ctx.session, names, out_dir, format);
  if (!exported) return ctx.finish();
  std::cout << exported->text;
  if (!out_dir.empty())
    std::cerr << fmt::format("wrote {} chip specs to {}\n", exported->written, out_dir);
  return ctx.finish();
}

int run_import(Context& ctx, const std::vector<std::string>& paths, bool empty) {
  auto s = app::import_chips(ctx.session, paths, empty);
  if (!s) return ctx.finish();
  std::cout << fmt::format(
      "imported {} chip{} into {}: {} added, {} updated{}\n", s->count, s->count == 1 ? "" : "s",
      s->path, s->count - s->updated, s->updated,
      s->seeded ? fmt::format(" (new database, seeded with the {} built-in chips)", s->seeded)
                : "");
  return ctx.finish();
}

int run_lint(Context& ctx, const std::vector<std::string>& paths) {
  auto count = app::lint_specs(ctx.session, paths);
  if (count && ctx.format == report::Format::text)
    std::cout << fmt::format("ok: {} chip spec{}\n", *count, *count == 1 ? "" : "s");
  return ctx.finish();
}

int run_query(Context& ctx, const std::string& sql) {
  auto table = app::query_chips(ctx.session, sql);
  if (table) std::cout << report::render(*table, ctx.format);
  return ctx.finish();
}

}  // namespace

void register_chips(CLI::App& app, Context& ctx, int& exit_code) {
  auto* chips = app.add_subcommand("chips", "The chip database: list, show, export, import, query");
  chips->require_subcommand(1);

  auto list_opt = std::make_shared<app::ListRequest>();
  auto* list = chips->add_subcommand("list", "List chips with TPP and performance density");
  list->add_option("--vendor", list_opt->vendors, "Only these vendors (repeatable)");
  list->add_option("--year-from", list_opt->year_from, "Released in or after this year");
  list->add_option("--year-to", list_opt->year_to, "Released in or before this year");
  list->add_option("--datacenter", list_opt->datacenter, "yes, no or unknown");
  list->add_option("--where", list_opt->where,
                   "Conditions on fields, e.g. 'tpp>=4800 and pd<5.92' (repeatable)");
  list->callback([&ctx, &exit_code, list_opt] {
    exit_code = ctx.prepare() ? run_list(ctx, *list_opt) : ctx.finish();
  });

  auto name = std::make_shared<std::string>();
  auto spec = std::make_shared<std::string>();
  auto* show =
      chips->add_subcommand("show", "Every field of one chip, with derived metrics and sources");
  show->add_option("chip", *name, "Chip id, name or alias");
  show->add_option("--spec", *spec, "A chip spec file not in the database");
  show->callback([&ctx, &exit_code, name, spec] {
    exit_code = ctx.prepare() ? run_show(ctx, *name, *spec) : ctx.finish();
  });

  auto names = std::make_shared<std::vector<std::string>>();
  auto out_dir = std::make_shared<std::string>();
  auto export_format = std::make_shared<std::string>("json");
  auto* exp = chips->add_subcommand("export", "Export chips as TOML specs, CSV or JSON");
  exp->add_option("chips", *names, "Chips to export (default: all)");
  exp->add_option("--out", *out_dir, "Directory for TOML files, one per chip");
  exp->add_option("--format", *export_format, "toml, csv or json");
  exp->callback([&ctx, &exit_code, names, out_dir, export_format] {
    exit_code = ctx.prepare() ? run_export(ctx, *names, *out_dir, *export_format) : ctx.finish();
  });

  auto paths = std::make_shared<std::vector<std::string>>();
  auto empty = std::make_shared<bool>(false);
  auto* imp =
      chips->add_subcommand("import", "Add or update chips from TOML specs, all or nothing");
  imp->add_option("paths", *paths, "Spec files or directories of *.toml")->required();
  imp->add_flag("--empty", *empty, "Start a new database empty instead of from the built-in chips");
  imp->callback([&ctx, &exit_code, paths, empty] {
    exit_code = ctx.prepare() ? run_import(ctx, *paths, *empty) : ctx.finish();
  });

  auto lint_paths = std::make_shared<std::vector<std::string>>();
  auto* lint = chips->add_subcommand("lint", "Check chip spec files without importing them");
  lint->add_option("paths", *lint_paths, "Spec files or directories of *.toml")->required();
  lint->callback([&ctx, &exit_code, lint_paths] {
    exit_code = ctx.prepare() ? run_lint(ctx, *lint_paths) : ctx.finish();
  });

  auto sql = std::make_shared<std::string>();
  auto* query = chips->add_subcommand("query", "Run a read-only SQL query on the chip database");
  query->add_option("sql", *sql, "A SELECT statement")->required();
  query->callback(
      [&ctx, &exit_code, sql] { exit_code = ctx.prepare() ? run_query(ctx, *sql) : ctx.finish(); });
}

}  // namespace exctl::cli
