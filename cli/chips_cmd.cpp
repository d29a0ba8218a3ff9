// exctl chips list | show | export | import | query
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include <fmt/format.h>

#include "chipdb/builtin_db.hpp"
#include "chipdb/import.hpp"
#include "chipdb/spec_toml.hpp"
#include "cli/commands.hpp"
#include "engine/eval/filter.hpp"
#include "engine/report/chip_report.hpp"

namespace exctl::cli {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct ListOptions {
  std::vector<std::string> vendors;
  std::optional<int> year_from, year_to;
  std::string datacenter;  // "", yes, no, unknown
  std::vector<std::string> where;
};

int run_list(Context& ctx, const ListOptions& opt) {
  if (!opt.datacenter.empty() && opt.datacenter != "yes" && opt.datacenter != "no" &&
      opt.datacenter != "unknown") {
    ctx.sink.error("E0108",
                   fmt::format("--datacenter takes yes, no or unknown, not '{}'", opt.datacenter));
  }
  auto filter = eval::ChipFilter::compile(opt.where, "--where", ctx.sink);
  if (ctx.sink.has_errors()) return ctx.finish();
  auto chips = ctx.load_chips();
  if (!chips) return ctx.finish();

  std::set<std::string> vendors;
  for (const auto& v : opt.vendors)
    vendors.insert(lower(v));
  std::vector<report::ChipWithMetrics> rows;
  for (const auto& chip : *chips) {
    if (!vendors.empty() && !vendors.count(lower(chip.vendor))) continue;
    if (opt.year_from && chip.year < *opt.year_from) continue;
    if (opt.year_to && chip.year > *opt.year_to) continue;
    if (opt.datacenter == "yes" && chip.datacenter != std::optional<bool>(true)) continue;
    if (opt.datacenter == "no" && chip.datacenter != std::optional<bool>(false)) continue;
    if (opt.datacenter == "unknown" && chip.datacenter) continue;
    ChipMetrics m = compute_metrics(chip, ctx.options);
    if (filter->keep(chip, m, ctx.sink)) rows.push_back({&chip, std::move(m)});
  }
  auto table = report::chip_list_table(rows);
  std::cout << report::render(table, ctx.format);
  if (ctx.format == report::Format::text) {
    std::cout << fmt::format("{} chip{}", rows.size(), rows.size() == 1 ? "" : "s");
    if (std::any_of(rows.begin(), rows.end(), [](const auto& r) {
          return !report::estimated_fields(*r.chip, r.metrics).empty();
        })) {
      std::cout << "; ~ marks a value that rests on an estimate";
    }
    std::cout << "\n";
  }
  filter->report_left_out(ctx.sink);
  return ctx.finish();
}

// The chip a command is about: a name from the database, or --spec FILE.
std::optional<Chip> chip_argument(Context& ctx, const std::string& name, const std::string& spec) {
  if (!spec.empty()) {
    if (!name.empty())
      ctx.sink.error("E0109", "give a chip name or --spec FILE, not both");
    else
      return ctx.load_spec(spec);
    return std::nullopt;
  }
  if (name.empty()) {
    ctx.sink.error("E0109", "name a chip (an id, name or alias), or give --spec FILE.toml");
    return std::nullopt;
  }
  auto chips = ctx.load_chips();
  if (!chips) return std::nullopt;
  const Chip* chip = resolve_chip(*chips, name, ctx.sink);
  if (!chip) return std::nullopt;
  return *chip;
}

int run_show(Context& ctx, const std::string& name, const std::string& spec) {
  auto chip = chip_argument(ctx, name, spec);
  if (!chip) return ctx.finish();
  ChipMetrics m = compute_metrics(*chip, ctx.options);
  switch (ctx.format) {
    case report::Format::json:
      std::cout << dump_json(report::chip_to_json(*chip, m, ctx.options), 2) << "\n";
      break;
    case report::Format::text:
      std::cout << report::chip_show_text(*chip, m, ctx.options);
      break;
    default: {
      std::vector<report::ChipWithMetrics> rows = {{&*chip, m}};
      std::cout << report::render(report::chip_export_table(rows), ctx.format);
    }
  }
  return ctx.finish();
}

int run_export(Context& ctx, const std::vector<std::string>& names, const std::string& out_dir,
               const std::string& format) {
  auto chips = ctx.load_chips();
  if (!chips) return ctx.finish();
  std::vector<const Chip*> selected;
  for (const auto& n : names) {
    if (const Chip* c = resolve_chip(*chips, n, ctx.sink)) selected.push_back(c);
  }
  if (names.empty()) {
    for (const auto& c : *chips)
      selected.push_back(&c);
  }
  if (ctx.sink.has_errors()) return ctx.finish();

  if (format == "toml") {
    if (out_dir.empty()) {
      if (selected.size() != 1) {
        ctx.sink.error(
            "E0109",
            fmt::format("{} chips selected; TOML export of more than one chip needs --out DIR",
                        selected.size()));
        return ctx.finish();
      }
      std::cout << chipdb::write_chip_spec(*selected.front());
      return ctx.finish();
    }
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    for (const Chip* c : selected) {
      std::ofstream f(fs::path(out_dir) / (c->id + ".toml"));
      f << chipdb::write_chip_spec(*c);
      if (!f)
        ctx.sink.error("E0110", fmt::format("cannot write '{}'",
                                            (fs::path(out_dir) / (c->id + ".toml")).string()));
    }
    if (!ctx.sink.has_errors())
      std::cerr << fmt::format("wrote {} chip specs to {}\n", selected.size(), out_dir);
    return ctx.finish();
  }
  std::vector<report::ChipWithMetrics> rows;
  for (const Chip* c : selected)
    rows.push_back({c, compute_metrics(*c, ctx.options)});
  std::string text;
  if (format == "json") {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& r : rows)
      arr.push_back(report::chip_to_json(*r.chip, r.metrics, ctx.options));
    text = dump_json(arr, 2) + "\n";
  } else if (format == "csv") {
    text = report::render_csv(report::chip_export_table(rows));
  } else {
    ctx.sink.error("E0106",
                   fmt::format("chips export takes --format toml, csv or json, not '{}'", format));
    return ctx.finish();
  }
  if (out_dir.empty()) {
    std::cout << text;
  } else {
    ctx.sink.error("E0109",
                   "--out DIR is for --format toml; redirect standard output for csv and json");
  }
  return ctx.finish();
}

int run_import(Context& ctx, const std::vector<std::string>& paths, bool empty) {
  std::string path = ctx.database_path();
  if (path.empty()) {
    ctx.sink.error(
        "E0104",
        "the built-in database is read-only; give --db PATH (a new file starts as a copy of it)");
    return ctx.finish();
  }
  auto summary = [&](size_t count, size_t updated, const std::string& seeded) {
    std::cout << fmt::format("imported {} chip{} into {}: {} added, {} updated{}\n", count,
                             count == 1 ? "" : "s", path, count - updated, updated, seeded);
  };
  if (!fs::exists(path)) {
    // A new database is written whole (seed and import) in one go, checked as below.
    std::vector<Chip> seed;
    if (!empty)
      seed = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_all();
    auto result = chipdb::import_specs_into_new_database(path, paths, seed, ctx.sink);
    if (result) {
      summary(result->added + result->updated, result->updated,
              seed.empty()
                  ? ""
                  : fmt::format(" (new database, seeded with the {} built-in chips)", seed.size()));
    }
    return ctx.finish();
  }
  // Validate everything before touching the database.
  std::vector<Chip> incoming = chipdb::read_chip_specs(paths, ctx.sink);
  if (ctx.sink.has_errors()) return ctx.finish();

  auto db = ctx.open_database(chipdb::Database::Mode::read_write);
  if (!db) return ctx.finish();
  try {
    // The database after the import must still resolve every name to one chip.
    std::vector<Chip> before = db->load_all();
    std::set<std::string_view> incoming_ids;
    for (const auto& c : incoming)
      incoming_ids.insert(c.id);
    std::vector<const Chip*> after;
    after.reserve(incoming.size() + before.size());
    size_t updated = 0;
    for (const auto& c : incoming)
      after.push_back(&c);
    for (const auto& c : before) {
      if (incoming_ids.count(c.id))
        ++updated;
      else
        after.push_back(&c);
    }
    chipdb::check_chip_set(after, ctx.sink);
    if (ctx.sink.has_errors()) return ctx.finish();
    chipdb::import_chips(*db, incoming);
    summary(incoming.size(), updated, "");
  } catch (const std::exception& e) {
    ctx.sink.error("E0104",
                   fmt::format("import into '{}' failed, nothing was written: {}", path, e.what()));
  }
  return ctx.finish();
}

int run_lint(Context& ctx, const std::vector<std::string>& paths) {
  auto chips = chipdb::read_chip_specs(paths, ctx.sink);
  for (const auto& c : chips) {
    // A shipped spec is found by its file name, so the two must agree.
    std::string stem = fs::path(c.origin_file).stem().string();
    if (stem != c.id) {
      ctx.sink.warning("W0201",
                       fmt::format("file name '{}' does not match id '{}'", stem + ".toml", c.id),
                       c.id_span);
    }
  }
  if (!ctx.sink.has_errors() && ctx.format == report::Format::text) {
    std::cout << fmt::format("ok: {} chip spec{}\n", chips.size(), chips.size() == 1 ? "" : "s");
  }
  return ctx.finish();
}

report::Cell sql_cell(const sqlite::Statement& st, int i) {
  switch (st.column_type(i)) {
    case SQLITE_NULL:
      return {"NULL", nullptr};
    case SQLITE_INTEGER:
      return {std::to_string(st.integer(i)), st.integer(i)};
    case SQLITE_FLOAT: {
      double x = st.real(i);
      if (x == 0) return {"0", 0};  // -0.0 too: a sign on zero is noise here
      // SQLite's own spelling of an overflow (1e308*10); JSON has no infinity: null there.
      if (std::isinf(x)) return {x > 0 ? "Inf" : "-Inf", x};
      auto r = Rational::from_double(x);
      return {r ? r->exact_text() : fmt::format("{}", x), x};
    }
    case SQLITE_BLOB: {
      // Bytes, not text: as an SQL blob literal, so nothing is lost or mistaken for text.
      std::string hex = "x'";
      for (char c : st.blob(i))
        hex += fmt::format("{:02x}", static_cast<unsigned char>(c));
      hex += "'";
      return {hex, hex};
    }
    default:
      return {st.text(i), st.text(i)};
  }
}

int run_query(Context& ctx, const std::string& sql) {
  auto db = ctx.open_database(chipdb::Database::Mode::read_only);
  if (!db) return ctx.finish();
  try {
    std::string_view rest;
    auto st = db->connection().prepare_first(sql, rest);
    if (st.empty()) {
      ctx.sink.error("E0111", "no SQL statement given (only spaces, semicolons or comments)");
      return ctx.finish();
    }
    // One statement only: a second one would otherwise be ignored without a word. What
    // follows the first may be spaces, semicolons and comments.
    for (std::string_view tail = rest; !tail.empty();) {
      std::string_view after;
      auto next = db->connection().prepare_first(tail, after);
      if (!next.empty()) {
        auto begin = static_cast<uint32_t>(sql.size() - tail.size());
        while (begin < sql.size() && std::isspace(static_cast<unsigned char>(sql[begin])))
          ++begin;
        argument_error(ctx.sink, "E0111", "chips query runs one SQL statement; found a second",
                       "sql", sql, begin, static_cast<uint32_t>(sql.size() - after.size()));
        return ctx.finish();
      }
      tail = after;
    }
    if (!st.read_only()) {
      ctx.sink.error(
          "E0105",
          "chips query runs read-only statements; use 'chips import' to change the database");
      return ctx.finish();
    }
    std::vector<report::Column> cols;
    for (int i = 0; i < st.column_count(); ++i)
      cols.push_back({st.column_name(i), st.column_name(i)});
    report::Table table(cols);
    while (st.step()) {
      std::vector<report::Cell> row;
      for (int i = 0; i < st.column_count(); ++i)
        row.push_back(sql_cell(st, i));
      table.add_row(std::move(row));
    }
    std::cout << report::render(table, ctx.format);
  } catch (const sqlite::SqliteError& e) {
    ctx.sink.error("E0111", fmt::format("sql error: {}", e.what()));
  }
  return ctx.finish();
}

}  // namespace

void register_chips(CLI::App& app, Context& ctx, int& exit_code) {
  auto* chips = app.add_subcommand("chips", "The chip database: list, show, export, import, query");
  chips->require_subcommand(1);

  auto list_opt = std::make_shared<ListOptions>();
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
