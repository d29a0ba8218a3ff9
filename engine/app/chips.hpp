// The chip database as a user works with it: list with filters, show one chip, export,
// import (all or nothing), lint spec files, and read-only SQL.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/app/session.hpp"
#include "engine/report/chip_report.hpp"
#include "engine/report/table.hpp"

namespace exctl::app {

struct ListRequest {
  std::vector<std::string> vendors;
  std::optional<int> year_from, year_to;
  std::string datacenter;          // "", yes, no, unknown
  std::vector<std::string> where;  // conditions on fields, all must hold
};

// The chips that pass every filter, each with its metrics. A chip whose --where condition
// is unknown is left out, and W0101 says how many for each field.
struct ChipList {
  std::vector<Chip> chips;  // what `rows` point into
  std::vector<report::ChipWithMetrics> rows;
};
std::optional<ChipList> list_chips(Session& session, const ListRequest& request);

struct ShownChip {
  Chip chip;
  ChipMetrics metrics;
};
// A chip by name from the database, or from a spec file.
std::optional<ShownChip> show_chip(Session& session, const std::string& name,
                                   const std::string& spec);

// `chips export`: the chips named (default: all) as TOML, CSV or JSON text. TOML for more
// than one chip is written into `out_dir`, one file per chip (E0110 when one cannot be).
struct Export {
  std::string text;    // for standard output; empty when written to out_dir
  size_t written = 0;  // files written to out_dir
};
std::optional<Export> export_chips(Session& session, const std::vector<std::string>& names,
                                   const std::string& out_dir, const std::string& format);

// `chips import`: every file validated first, then written in one transaction, so a failed
// import changes nothing. Into a path that does not exist, a new database is made (a copy
// of the built-in chips unless `empty`).
struct ImportSummary {
  std::string path;
  size_t count = 0, updated = 0;
  size_t seeded = 0;  // built-in chips a new database started with
};
std::optional<ImportSummary> import_chips(Session& session, const std::vector<std::string>& paths,
                                          bool empty);

// `chips lint`: the number of valid specs, or nullopt when any has an error; W0201 when a
// file's name does not match its chip's id.
std::optional<size_t> lint_specs(Session& session, const std::vector<std::string>& paths);

// `chips query`: one read-only SQL statement on the database in use, as a table. E0111 for
// no statement, a second one or an SQL error; E0105 for a statement that writes.
std::optional<report::Table> query_chips(Session& session, const std::string& sql);

}  // namespace exctl::app
