// A table rendered as aligned text, JSON, CSV or Markdown. Each cell has a display text
// for people and a typed value for machines (null when unknown).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace exctl::report {

enum class Format { text, json, csv, md };
std::optional<Format> parse_format(std::string_view name);

struct Cell {
  std::string text;              // what a person reads; "-" or "" for unknown
  nlohmann::ordered_json value;  // what a machine reads
};

struct Column {
  std::string key;     // JSON key and CSV header
  std::string header;  // text and Markdown header
  bool right = false;  // right-aligned (numbers)
  bool in_text = true; // shown in text and Markdown (machines always get every column)
};

class Table {
 public:
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}
  void add_row(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
  const std::vector<Column>& columns() const { return columns_; }
  const std::vector<std::vector<Cell>>& rows() const { return rows_; }
  size_t size() const { return rows_.size(); }

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

std::string render(const Table& table, Format format);
std::string render_text(const Table& table);
std::string render_csv(const Table& table);
std::string render_markdown(const Table& table);
nlohmann::ordered_json to_json(const Table& table);  // array of objects keyed by column key

std::string csv_escape(std::string_view s);

}  // namespace exctl::report
