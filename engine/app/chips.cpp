#include "engine/app/chips.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "chipdb/builtin_db.hpp"
#include "chipdb/import.hpp"
#include "chipdb/spec_toml.hpp"
#include "engine/app/inputs.hpp"
#include "engine/app/lookup.hpp"
#include "engine/base/json.hpp"
#include "engine/base/text.hpp"
#include "engine/eval/filter.hpp"

namespace exctl::app {
namespace {

namespace fs = std::filesystem;

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

}  // namespace

std::optional<ChipList> list_chips(Session& session, const ListRequest& opt) {
  if (!opt.datacenter.empty() && opt.datacenter != "yes" && opt.datacenter != "no" &&
      opt.datacenter != "unknown") {
    session.sink.error(
        "E0108", fmt::format("--datacenter takes yes, no or unknown, not '{}'", opt.datacenter));
  }
  auto filter = eval::ChipFilter::compile(opt.where, "--where", session.sink);
  if (session.sink.has_errors()) return std::nullopt;
  ChipList out;
  auto chips = session.load_chips();
  if (!chips) return std::nullopt;
  out.chips = std::move(*chips);

  std::set<std::string> vendors;
  for (const auto& v : opt.vendors)
    vendors.insert(ascii_lower(v));
  for (const auto& chip : out.chips) {
    if (!vendors.empty() && !vendors.count(ascii_lower(chip.vendor))) continue;
    if (opt.year_from && chip.year < *opt.year_from) continue;
    if (opt.year_to && chip.year > *opt.year_to) continue;
    if (opt.datacenter == "yes" && chip.datacenter != std::optional<bool>(true)) continue;
    if (opt.datacenter == "no" && chip.datacenter != std::optional<bool>(false)) continue;
    if (opt.datacenter == "unknown" && chip.datacenter) continue;
    ChipMetrics m = compute_metrics(chip, session.options);
    bool keep = filter->keep(chip, m, session.sink);
    if (keep) out.rows.push_back({&chip, std::move(m)});
  }
  filter->report_left_out(session.sink);
  return out;
}

std::optional<ShownChip> show_chip(Session& session, const std::string& name,
                                   const std::string& spec) {
  auto chip = chip_argument(session, name, spec);
  if (!chip) return std::nullopt;
  ChipMetrics m = compute_metrics(*chip, session.options);
  return ShownChip{std::move(*chip), std::move(m)};
}

std::optional<Export> export_chips(Session& session, const std::vector<std::string>& names,
                                   const std::string& out_dir, const std::string& format) {
  DiagnosticSink& sink = session.sink;
  auto chips = session.load_chips();
  if (!chips) return std::nullopt;
  std::vector<const Chip*> selected;
  for (const auto& n : names) {
    if (const Chip* c = resolve_chip(*chips, n, sink)) selected.push_back(c);
  }
  if (names.empty()) {
    for (const auto& c : *chips)
      selected.push_back(&c);
  }
  if (sink.has_errors()) return std::nullopt;
  if (format != "toml" && format != "json" && format != "csv") {
    sink.error("E0106",
               fmt::format("chips export takes --format toml, csv or json, not '{}'", format));
    return std::nullopt;
  }
  if (format != "toml" && !out_dir.empty()) {
    sink.error("E0109",
               "--out DIR is for --format toml; redirect standard output for csv and json");
    return std::nullopt;
  }

  Export out;
  if (format == "toml") {
    if (out_dir.empty()) {
      if (selected.size() != 1) {
        sink.error(
            "E0109",
            fmt::format("{} chips selected; TOML export of more than one chip needs --out DIR",
                        selected.size()));
        return std::nullopt;
      }
      out.text = chipdb::write_chip_spec(*selected.front());
      return out;
    }
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    for (const Chip* c : selected) {
      fs::path file = fs::path(out_dir) / (c->id + ".toml");
      std::ofstream f(file);
      f << chipdb::write_chip_spec(*c);
      if (f)
        ++out.written;
      else
        sink.error("E0110", fmt::format("cannot write '{}'", file.string()));
    }
    if (sink.has_errors()) return std::nullopt;
    return out;
  }
  std::vector<report::ChipWithMetrics> rows;
  for (const Chip* c : selected)
    rows.push_back({c, compute_metrics(*c, session.options)});
  if (format == "json") {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& r : rows)
      arr.push_back(report::chip_to_json(*r.chip, r.metrics, session.options));
    out.text = dump_json(arr, 2) + "\n";
  } else {
    out.text = report::render_csv(report::chip_export_table(rows));
  }
  return out;
}

std::optional<ImportSummary> import_chips(Session& session, const std::vector<std::string>& paths,
                                          bool empty) {
  DiagnosticSink& sink = session.sink;
  ImportSummary summary;
  summary.path = session.database_path();
  const std::string& path = summary.path;
  if (path.empty()) {
    sink.error(
        "E0104",
        "the built-in database is read-only; give --db PATH (a new file starts as a copy of it)");
    return std::nullopt;
  }
  if (!fs::exists(path)) {
    // A new database is written whole (seed and import) in one go, checked as below.
    std::vector<Chip> seed;
    try {
      if (!empty)
        seed = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_all();
    } catch (const std::exception& e) {
      sink.error("E0104", fmt::format("cannot read the built-in chips: {}", e.what()));
      return std::nullopt;
    }
    auto result = chipdb::import_specs_into_new_database(path, paths, seed, sink);
    if (!result) return std::nullopt;
    summary.count = result->added + result->updated;
    summary.updated = result->updated;
    summary.seeded = seed.size();
    return summary;
  }
  // Validate everything before touching the database.
  std::vector<Chip> incoming = chipdb::read_chip_specs(paths, sink);
  if (sink.has_errors()) return std::nullopt;

  auto db = session.open_database(chipdb::Database::Mode::read_write);
  if (!db) return std::nullopt;
  try {
    // The database after the import must still resolve every name to one chip.
    std::vector<Chip> before = db->load_all();
    std::set<std::string_view> incoming_ids;
    for (const auto& c : incoming)
      incoming_ids.insert(c.id);
    std::vector<const Chip*> after;
    after.reserve(incoming.size() + before.size());
    for (const auto& c : incoming)
      after.push_back(&c);
    for (const auto& c : before) {
      if (incoming_ids.count(c.id))
        ++summary.updated;
      else
        after.push_back(&c);
    }
    chipdb::check_chip_set(after, sink);
    if (sink.has_errors()) return std::nullopt;
    chipdb::import_chips(*db, incoming);
    summary.count = incoming.size();
    return summary;
  } catch (const std::exception& e) {
    sink.error("E0104",
               fmt::format("import into '{}' failed, nothing was written: {}", path, e.what()));
  }
  return std::nullopt;
}

std::optional<size_t> lint_specs(Session& session, const std::vector<std::string>& paths) {
  auto chips = chipdb::read_chip_specs(paths, session.sink);
  for (const auto& c : chips) {
    // A shipped spec is found by its file name, so the two must agree.
    std::string stem = fs::path(c.origin_file).stem().string();
    if (stem != c.id) {
      session.sink.warning(
          "W0201", fmt::format("file name '{}' does not match id '{}'", stem + ".toml", c.id),
          c.id_span);
    }
  }
  if (session.sink.has_errors()) return std::nullopt;
  return chips.size();
}

std::optional<report::Table> query_chips(Session& session, const std::string& sql) {
  DiagnosticSink& sink = session.sink;
  auto db = session.open_database(chipdb::Database::Mode::read_only);
  if (!db) return std::nullopt;
  try {
    std::string_view rest;
    auto st = db->connection().prepare_first(sql, rest);
    if (st.empty()) {
      sink.error("E0111", "no SQL statement given (only spaces, semicolons or comments)");
      return std::nullopt;
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
        argument_error(sink, "E0111", "chips query runs one SQL statement; found a second", "sql",
                       sql, begin, static_cast<uint32_t>(sql.size() - after.size()));
        return std::nullopt;
      }
      tail = after;
    }
    if (!st.read_only()) {
      sink.error(
          "E0105",
          "chips query runs read-only statements; use 'chips import' to change the database");
      return std::nullopt;
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
    return table;
  } catch (const sqlite::SqliteError& e) {
    sink.error("E0111", fmt::format("sql error: {}", e.what()));
  }
  return std::nullopt;
}

}  // namespace exctl::app
