#include "engine/metrics/fields.hpp"

#include <cctype>

#include <fmt/format.h>

namespace exctl {
namespace {

using Get = std::optional<Rational> (*)(const Chip&, const ChipMetrics&);

std::optional<Rational> transistors(const Chip& c, const ChipMetrics&) { return c.transistor_count(); }

const std::vector<ChipField> kFields = {
    {"tpp", {"total_processing_performance"}, "", [](const Chip&, const ChipMetrics& m) { return m.tpp.value; }},
    {"performance_density", {"pd"}, "per mm2",
     [](const Chip&, const ChipMetrics& m) { return m.performance_density.value; }},
    {"die_area_mm2", {"die_area", "applicable_die_area"}, "mm2",
     [](const Chip&, const ChipMetrics& m) { return m.performance_density.applicable_area_mm2; }},
    {"memory_bandwidth_gbps", {"memory_bandwidth"}, "GB/s",
     [](const Chip& c, const ChipMetrics&) { return c.memory_bandwidth_gbps; }},
    {"memory_gb", {"memory", "memory_capacity"}, "GB", [](const Chip& c, const ChipMetrics&) { return c.memory_gb; }},
    {"interconnect_gbps", {"interconnect", "interconnect_bandwidth", "chip_to_chip_gbps"}, "GB/s",
     [](const Chip& c, const ChipMetrics&) { return c.chip_to_chip_gbps; }},
    {"host_link_gbps", {"host_link"}, "GB/s", [](const Chip& c, const ChipMetrics&) { return c.host_link_gbps; }},
    {"transistors", {}, "", transistors},
    {"transistors_billion", {}, "billion",
     [](const Chip& c, const ChipMetrics&) { return c.transistors_billion; }},
    {"tdp_w", {"tdp"}, "W", [](const Chip& c, const ChipMetrics&) { return c.tdp_w; }},
    {"year", {}, "",
     [](const Chip& c, const ChipMetrics&) -> std::optional<Rational> { return Rational(c.year); }},
    {"memory_bandwidth_density", {"mbd"}, "GB/s per mm2",
     [](const Chip&, const ChipMetrics& m) { return m.memory_bandwidth_density; }},
};

}  // namespace

const std::vector<ChipField>& chip_fields() { return kFields; }

const ChipField* find_chip_field(std::string_view name) {
  for (const auto& f : kFields) {
    if (f.name == name) return &f;
    for (auto alias : f.aliases) {
      if (alias == name) return &f;
    }
  }
  return nullptr;
}

std::optional<std::vector<Condition>> parse_conditions(const std::string& text, const std::string& what,
                                                       DiagnosticSink& sink) {
  auto file = std::make_shared<SourceFile>(what, text);
  auto fail = [&](std::string message, size_t begin, size_t end) -> std::optional<std::vector<Condition>> {
    bool unknown_field = message.rfind("unknown field", 0) == 0;
    Diagnostic d{Severity::error, "E0103", std::move(message),
                 Span{file, static_cast<uint32_t>(begin), static_cast<uint32_t>(std::max(end, begin + 1))}, {}};
    if (unknown_field) {
      std::string names;
      for (const auto& f : kFields) names += (names.empty() ? "" : ", ") + std::string(f.name);
      d.notes.push_back("fields: " + names);
    }
    sink.report(std::move(d));
    return std::nullopt;
  };
  std::vector<Condition> out;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  while (true) {
    skip_space();
    size_t name_begin = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    if (i == name_begin) return fail("expected a field name such as 'tpp'", name_begin, name_begin + 1);
    std::string name = text.substr(name_begin, i - name_begin);
    const ChipField* field = find_chip_field(name);
    if (!field) return fail(fmt::format("unknown field '{}'", name), name_begin, i);
    skip_space();
    size_t op_begin = i;
    Condition c;
    c.field = field;
    auto starts = [&](std::string_view s) { return text.compare(i, s.size(), s) == 0; };
    if (starts("=>") || starts("=<")) {
      return fail(fmt::format("'{}' is not a comparison; did you mean '{}='?", text.substr(i, 2), text[i + 1]), i,
                  i + 2);
    }
    if (starts(">=")) c.op = Condition::Op::ge, i += 2;
    else if (starts("<=")) c.op = Condition::Op::le, i += 2;
    else if (starts("==")) c.op = Condition::Op::eq, i += 2;
    else if (starts("!=")) c.op = Condition::Op::ne, i += 2;
    else if (starts(">")) c.op = Condition::Op::gt, i += 1;
    else if (starts("<")) c.op = Condition::Op::lt, i += 1;
    else if (starts("=")) c.op = Condition::Op::eq, i += 1;
    else return fail("expected a comparison: >=, >, <=, <, = or !=", op_begin, op_begin + 1);
    skip_space();
    size_t value_begin = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' || text[i] == '_' ||
                               text[i] == 'e' || text[i] == 'E' || text[i] == '-' || text[i] == '+')) {
      ++i;
    }
    auto value = Rational::parse(text.substr(value_begin, i - value_begin));
    if (!value) return fail("expected a number", value_begin, std::max(i, value_begin + 1));
    c.value = *value;
    out.push_back(c);
    skip_space();
    if (i >= text.size()) break;
    if (text[i] == ',') {
      ++i;
    } else if (text.compare(i, 3, "and") == 0) {
      i += 3;
    } else {
      return fail("expected 'and', ',' or the end of the condition", i, i + 1);
    }
  }
  return out;
}

Truth evaluate(const Condition& c, const Chip& chip, const ChipMetrics& metrics) {
  auto v = c.field->get(chip, metrics);
  if (!v) return Truth::unknown;
  bool r = false;
  switch (c.op) {
    case Condition::Op::ge: r = *v >= c.value; break;
    case Condition::Op::gt: r = *v > c.value; break;
    case Condition::Op::le: r = *v <= c.value; break;
    case Condition::Op::lt: r = *v < c.value; break;
    case Condition::Op::eq: r = *v == c.value; break;
    case Condition::Op::ne: r = *v != c.value; break;
  }
  return r ? Truth::yes : Truth::no;
}

}  // namespace exctl
