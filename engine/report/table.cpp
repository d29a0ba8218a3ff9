#include "engine/report/table.hpp"

#include <algorithm>
#include <cmath>

#include "engine/base/json.hpp"

namespace exctl::report {
namespace {

// Display width in code points, so that "×" or "²" count as one column.
size_t width(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string pad(std::string_view s, size_t w, bool right) {
  std::string fill(w > width(s) ? w - width(s) : 0, ' ');
  return right ? fill + std::string(s) : std::string(s) + fill;
}

std::string scalar_text(const Cell& cell) {
  const auto& v = cell.value;
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  // A non-finite number is null in JSON, but its text ("Inf") in CSV, unlike a missing one.
  if (v.is_number_float() && !std::isfinite(v.get<double>())) return cell.text;
  if (v.is_number()) return dump_json(v);
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v)
      out +=
          (out.empty() ? "" : ";") + (item.is_string() ? item.get<std::string>() : dump_json(item));
    return out;
  }
  return cell.text;
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "text") return Format::text;
  if (name == "json") return Format::json;
  if (name == "csv") return Format::csv;
  if (name == "md" || name == "markdown") return Format::md;
  return std::nullopt;
}

namespace {
// The columns people see, and the rows cut down to them.
Table people_view(const Table& table) {
  std::vector<size_t> keep;
  std::vector<Column> cols;
  for (size_t i = 0; i < table.columns().size(); ++i) {
    if (table.columns()[i].in_text) keep.push_back(i), cols.push_back(table.columns()[i]);
  }
  Table view(cols);
  for (const auto& row : table.rows()) {
    std::vector<Cell> cells;
    for (size_t i : keep)
      cells.push_back(i < row.size() ? row[i] : Cell{});
    view.add_row(std::move(cells));
  }
  return view;
}
}  // namespace

std::string render_text(const Table& full) {
  Table table = people_view(full);
  const auto& cols = table.columns();
  std::vector<size_t> widths(cols.size());
  for (size_t i = 0; i < cols.size(); ++i)
    widths[i] = width(cols[i].header);
  for (const auto& row : table.rows()) {
    for (size_t i = 0; i < cols.size() && i < row.size(); ++i)
      widths[i] = std::max(widths[i], width(row[i].text));
  }
  auto line = [&](auto cell_text) {
    std::string out;
    for (size_t i = 0; i < cols.size(); ++i) {
      bool last = i + 1 == cols.size();
      std::string cell = pad(cell_text(i), last && !cols[i].right ? 0 : widths[i], cols[i].right);
      out += cell + (last ? "" : "  ");
    }
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    return out + "\n";
  };
  std::string out = line([&](size_t i) { return cols[i].header; });
  out += line([&](size_t i) { return std::string(widths[i], '-'); });
  for (const auto& row : table.rows())
    out += line([&](size_t i) { return i < row.size() ? row[i].text : ""; });
  return out;
}

std::string csv_escape(std::string_view s) {
  // A loop, not find_first_of, which searches its set once per character.
  bool plain = std::none_of(s.begin(), s.end(),
                            [](char c) { return c == ',' || c == '"' || c == '\n' || c == '\r'; });
  if (plain) return std::string(s);
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string render_csv(const Table& table) {
  std::string out;
  const auto& cols = table.columns();
  for (size_t i = 0; i < cols.size(); ++i)
    out += (i ? "," : "") + csv_escape(cols[i].key);
  out += "\n";
  for (const auto& row : table.rows()) {
    for (size_t i = 0; i < cols.size(); ++i)
      out += (i ? "," : "") + (i < row.size() ? csv_escape(scalar_text(row[i])) : "");
    out += "\n";
  }
  return out;
}

std::string render_markdown(const Table& full) {
  Table table = people_view(full);
  auto escape = [](std::string_view s) {
    std::string out;
    for (char c : s)
      out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  const auto& cols = table.columns();
  std::string out = "|";
  for (const auto& c : cols)
    out += " " + escape(c.header) + " |";
  out += "\n|";
  for (const auto& c : cols)
    out += c.right ? "---:|" : "---|";
  out += "\n";
  for (const auto& row : table.rows()) {
    out += "|";
    for (size_t i = 0; i < cols.size(); ++i)
      out += " " + escape(i < row.size() ? row[i].text : "") + " |";
    out += "\n";
  }
  return out;
}

nlohmann::ordered_json to_json(const Table& table) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& row : table.rows()) {
    nlohmann::ordered_json obj = nlohmann::ordered_json::object();
    for (size_t i = 0; i < table.columns().size(); ++i)
      obj[table.columns()[i].key] = i < row.size() ? row[i].value : nullptr;
    arr.push_back(std::move(obj));
  }
  return arr;
}

std::string render(const Table& table, Format format) {
  switch (format) {
    case Format::text:
      return render_text(table);
    case Format::json:
      return dump_json(to_json(table), 2) + "\n";
    case Format::csv:
      return render_csv(table);
    case Format::md:
      return render_markdown(table);
  }
  return "";
}

}  // namespace exctl::report
