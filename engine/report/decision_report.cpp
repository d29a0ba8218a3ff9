#include "engine/report/decision_report.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/base/json.hpp"
#include "engine/report/chip_report.hpp"

namespace exctl::report {
namespace {

// lhs - rhs, or nullopt when either is unknown or the difference is beyond exact range.
std::optional<Rational> margin_of(const eval::Comparison& c) {
  if (!c.lhs || !c.rhs) return std::nullopt;
  try {
    return *c.lhs - *c.rhs;
  } catch (const std::overflow_error&) {
    return std::nullopt;
  }
}

std::string truth_word(Truth t) {
  return t == Truth::yes ? "yes" : t == Truth::no ? "no" : "unknown";
}

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  return fmt::format("{}", fmt::join(v, sep));
}

std::vector<std::string> exception_names(const eval::LicenceOutcome& l) {
  std::vector<std::string> out;
  for (const auto& x : l.exceptions)
    out.push_back(x.name);
  return out;
}

}  // namespace

std::string licence_text(const eval::LicenceOutcome& l) {
  if (!l.asked) return "-";
  if (!l.required) return "unknown";
  return *l.required ? "required" : "not required";
}

Table decision_table(const std::vector<DecisionRow>& rows) {
  Table t({{"chip", "Chip"},
           {"regime", "Regime"},
           {"verdict", "Verdict"},
           {"paragraphs", "Paragraphs"},
           {"licence", "Licence"},
           {"review_policy", "Review"},
           {"exceptions", "Exceptions"},
           {"missing", "Missing"},
           // Which exclusion note applied, or would have: a note whose condition is unknown
           // is why an indeterminate chip was not excluded.
           {"excluded_by", "Excluded by", false, false}});
  for (const auto& r : rows) {
    const auto& d = r.decision;
    std::string paragraphs = join(d.paragraphs);
    if (d.verdict == eval::Verdict::excluded) paragraphs = "(" + join(d.excluded_by) + ")";
    std::string policy = d.licence.policy == sema::Policy::none
                             ? ""
                             : std::string(sema::policy_name(d.licence.policy));
    auto ex = exception_names(d.licence);
    nlohmann::ordered_json licence =
        d.licence.required ? nlohmann::ordered_json(*d.licence.required) : nullptr;
    t.add_row(
        {{r.chip, r.chip},
         {d.regime, d.regime},
         {std::string(eval::verdict_name(d.verdict)), std::string(eval::verdict_name(d.verdict))},
         {paragraphs.empty() ? "-" : paragraphs, d.paragraphs},
         {licence_text(d.licence), licence},
         {policy.empty() ? "-" : policy,
          policy.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(policy)},
         {ex.empty() ? "-" : join(ex), ex},
         {d.missing.empty() ? "" : join(d.missing), d.missing},
         {join(d.excluded_by), d.excluded_by}});
  }
  return t;
}

Table decision_matrix(const std::vector<DecisionRow>& rows,
                      const std::vector<eval::RobustVerdict>* robust) {
  std::vector<std::string> regimes, chips;
  for (const auto& r : rows) {
    if (std::find(regimes.begin(), regimes.end(), r.decision.regime) == regimes.end())
      regimes.push_back(r.decision.regime);
    if (std::find(chips.begin(), chips.end(), r.chip) == chips.end()) chips.push_back(r.chip);
  }
  std::vector<Column> cols = {{"chip", "Chip"}};
  for (const auto& id : regimes)
    cols.push_back({id, id});
  Table t(cols);
  for (const auto& chip : chips) {
    std::vector<Cell> cells(cols.size(), Cell{"", nullptr});
    cells[0] = {chip, chip};
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      if (r.chip != chip) continue;
      auto col = static_cast<size_t>(std::find(regimes.begin(), regimes.end(), r.decision.regime) -
                                     regimes.begin()) +
                 1;
      const auto& d = r.decision;
      std::string text;
      switch (d.verdict) {
        case eval::Verdict::controlled:
          text = join(d.paragraphs);
          break;
        case eval::Verdict::not_controlled:
          text = "-";
          break;
        case eval::Verdict::excluded:
          text = "excluded (" + join(d.excluded_by) + ")";
          break;
        case eval::Verdict::indeterminate:
          text = "?";
          break;
      }
      nlohmann::ordered_json cell = {{"verdict", eval::verdict_name(d.verdict)},
                                     {"paragraphs", d.paragraphs}};
      if (robust && i < robust->size()) {
        bool holds = (*robust)[i].robust && (*robust)[i].exact;
        if (!holds) text += " ~";
        cell["robust"] = holds;
      }
      cells[col] = {text, cell};
    }
    t.add_row(std::move(cells));
  }
  return t;
}

nlohmann::ordered_json clause_json(const eval::ClauseTrace& c) {
  nlohmann::ordered_json t;
  t["kind"] = c.kind;
  t["id"] = c.id;
  t["result"] = truth_word(c.result);
  t["cite"] = c.cite;
  t["defined_in"] = c.defined_in;
  if (c.span.has_file()) {
    auto pos = c.span.file->position(c.span.begin);
    t["source"] = fmt::format("{}:{}", c.span.file->path(), pos.line);
  }
  auto comparisons = nlohmann::ordered_json::array();
  for (const auto& cmp : c.comparisons) {
    nlohmann::ordered_json k;
    k["test"] = cmp.text;
    k["lhs"] = json_number(cmp.lhs);
    k["rhs"] = json_number(cmp.rhs);
    k["lhs_exact"] =
        cmp.lhs ? nlohmann::ordered_json(cmp.lhs->exact_text()) : nlohmann::ordered_json();
    k["rhs_exact"] =
        cmp.rhs ? nlohmann::ordered_json(cmp.rhs->exact_text()) : nlohmann::ordered_json();
    k["unit"] = sema::dim_name(cmp.dim);
    auto margin = margin_of(cmp);
    k["margin"] = margin ? json_number(*margin) : nlohmann::ordered_json();
    k["result"] = truth_word(cmp.result);
    if (!cmp.unknown_because.empty()) k["unknown_because"] = cmp.unknown_because;
    comparisons.push_back(k);
  }
  t["comparisons"] = comparisons;
  auto consulted = nlohmann::ordered_json::array();
  for (const auto& k : c.consulted) {
    consulted.push_back({{"regime", k.regime},
                         {"paragraph", k.paragraph},
                         {"result", truth_word(k.result)},
                         {"excluded_by", k.excluded_by}});
  }
  t["consulted"] = consulted;
  t["missing"] = c.missing;
  return t;
}

nlohmann::ordered_json decision_json(const DecisionRow& row, bool with_trace) {
  const auto& d = row.decision;
  nlohmann::ordered_json j;
  j["chip"] = row.chip;
  j["regime"] = d.regime;
  j["verdict"] = eval::verdict_name(d.verdict);
  j["paragraphs"] = d.paragraphs;
  j["excluded_by"] = d.excluded_by;
  j["end_items"] = d.end_items;
  nlohmann::ordered_json lic;
  lic["required"] =
      d.licence.required ? nlohmann::ordered_json(*d.licence.required) : nlohmann::ordered_json();
  auto exceptions = nlohmann::ordered_json::array();
  for (const auto& x : d.licence.exceptions) {
    nlohmann::ordered_json e;
    e["name"] = x.name;
    e["cite"] = x.cite;
    e["limit"] = json_number(x.limit);
    e["per"] = x.per.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(x.per);
    exceptions.push_back(e);
  }
  lic["exceptions"] = exceptions;
  lic["review_policy"] = d.licence.policy == sema::Policy::none
                             ? nlohmann::ordered_json()
                             : nlohmann::ordered_json(sema::policy_name(d.licence.policy));
  lic["reasons"] = d.licence.reasons;
  j["licence"] = lic;
  if (with_trace) {
    auto trace = nlohmann::ordered_json::array();
    for (const auto& c : d.trace)
      trace.push_back(clause_json(c));
    j["trace"] = trace;
  }
  j["missing"] = d.missing;
  j["flags"] = d.flags;
  j["in_force"] = d.in_force;
  return j;
}

// "2,368 is 32 below 2,400" / "4,000 GB/s is 2,600 GB/s above 1,400 GB/s".
std::string margin_text(const eval::Comparison& c) {
  if (!c.lhs || !c.rhs)
    return c.unknown_because.empty() ? "unknown" : "unknown: " + c.unknown_because;
  std::string l = eval::format_value(*c.lhs, c.dim), r = eval::format_value(*c.rhs, c.dim);
  // Dates are compared, not subtracted: "2024-11-18 is before 2026-01-15".
  if (c.dim.date)
    return *c.lhs == *c.rhs
               ? fmt::format("{} is {}", l, r)
               : fmt::format("{} is {} {}", l, *c.lhs < *c.rhs ? "before" : "after", r);
  auto margin = margin_of(c);
  if (!margin) return fmt::format("{} is {} {}", l, *c.lhs < *c.rhs ? "below" : "above", r);
  const Rational& diff = *margin;
  if (diff == 0) return fmt::format("{} equals {}", l, r);
  Rational mag = diff.is_negative() ? Rational(0) - diff : diff;
  return fmt::format("{} is {} {} {}", l, eval::format_value(mag, c.dim),
                     diff.is_negative() ? "below" : "above", r);
}

namespace {

std::string mark(Truth t) {
  return t == Truth::yes ? "yes" : t == Truth::no ? "no " : "?  ";
}

// Where a field's value comes from in a chip record.
std::string field_source(const Chip& chip, sema::FieldId f) {
  using F = sema::FieldId;
  const Provenance* p = nullptr;
  switch (f) {
    case F::tpp:
      p = &chip.compute;
      break;
    case F::performance_density:
    case F::die_area:
    case F::transistors:
    case F::advanced_logic:
      p = &chip.silicon;
      break;
    case F::memory_bandwidth:
    case F::memory_capacity:
    case F::has_hbm:
      p = &chip.memory;
      break;
    case F::interconnect_bandwidth:
    case F::host_link_bandwidth:
      p = &chip.interconnect;
      break;
    case F::tdp:
      p = &chip.power;
      break;
    case F::memory_bandwidth_density:
      p = &chip.hbm;
      break;
    case F::datacenter:
    case F::release_year:
    case F::us_available:
    case F::is_hbm_item:
      p = &chip.identity;
      break;
    case F::export_year:
      return "the --date of the check";
  }
  if (!p || !p->present) return "not in the spec";
  return fmt::format("{} (confidence {})", p->source, confidence_name(p->confidence));
}

}  // namespace

std::string explain_text(const DecisionRow& row, const ExplainContext& ctx) {
  const auto& d = row.decision;
  std::string out;
  std::string head =
      fmt::format("{} under {}", row.chip_name.empty() ? row.chip : row.chip_name, d.regime);
  if (row.regime) {
    const auto& r = *row.regime;
    std::string window =
        r.effective ? fmt::format(", effective {}", sema::date_text(r.effective)) : "";
    if (r.ends) window += fmt::format(" to {}", sema::date_text(r.ends));
    if (r.compliance) window += fmt::format(", compliance due {}", sema::date_text(r.compliance));
    // Title and citation are optional in a draft: say only what the regime has.
    out += r.title.empty() ? head + "\n" : fmt::format("{}: {}\n", head, r.title);
    out += fmt::format("  {}[{}{}]\n", r.citation.empty() ? "" : r.citation + " ",
                       sema::status_name(r.status), window);
    if (!ctx.date.empty()) {
      out += fmt::format("  {} on {}\n", d.in_force ? "in force" : "not in force", ctx.date);
    }
  } else {
    out += head + "\n";
  }
  std::string verdict(eval::verdict_name(d.verdict));
  if (!d.paragraphs.empty()) verdict += " (" + join(d.paragraphs) + ")";
  if (d.verdict == eval::Verdict::excluded) verdict += " by " + join(d.excluded_by);
  out += fmt::format("  verdict: {}\n", verdict);
  if (!d.missing.empty())
    out += fmt::format("  missing: {} (unknown, so the clauses using them are undecided)\n",
                       join(d.missing));
  if (!d.end_items.empty())
    out += fmt::format("  end items containing it: {}\n", join(d.end_items, "; "));
  if (d.licence.asked) {
    std::string lic = licence_text(d.licence);
    if (d.licence.policy != sema::Policy::none)
      lic += fmt::format(", review {}", sema::policy_name(d.licence.policy));
    out += fmt::format("  licence: {}\n", lic);
    for (const auto& reason : d.licence.reasons)
      out += fmt::format("    because {}\n", reason);
    for (const auto& x : d.licence.exceptions) {
      out += fmt::format("    exception {} available{}: {}\n", x.name,
                         x.limit ? fmt::format(" up to {} per {}", x.limit->format(0), x.per) : "",
                         x.cite);
    }
  }
  for (const auto& f : d.flags)
    out += fmt::format("  flag: {}\n", f);

  out += "\n";
  for (const auto& c : d.trace) {
    if (c.kind == "flag") continue;
    std::string where;
    if (c.span.has_file())
      where =
          fmt::format("  [{}:{}]", c.span.file->path(), c.span.file->position(c.span.begin).line);
    out += fmt::format("  {} {} {}: {}{}\n", mark(c.result), c.kind, c.id,
                       c.cite.empty() ? "-" : c.cite, where);
    size_t width = 0;
    for (const auto& cmp : c.comparisons)
      width = std::max(width, cmp.text.size());
    for (const auto& cmp : c.comparisons) {
      std::string text = cmp.text;
      std::replace(text.begin(), text.end(), '\n', ' ');
      out += fmt::format("      {} {:<{}}  {}\n", mark(cmp.result), text,
                         std::min<size_t>(width, 48), margin_text(cmp));
    }
    for (const auto& k : c.consulted) {
      out += fmt::format("      {} consulted {} {}{}\n", mark(k.result), k.regime, k.paragraph,
                         k.excluded_by.empty() ? "" : " (excluded by " + join(k.excluded_by) + ")");
    }
    if (!c.missing.empty() && c.result == Truth::unknown) {
      std::vector<std::string> missing = c.missing;
      for (auto& m : missing) {
        if (m == "hq") m = "hq (the buyer's headquarters: give --hq)";
      }
      out += fmt::format("      unknown: {}\n", join(missing));
    }
  }

  if (ctx.values) {
    out += "\n  values used:\n";
    std::set<sema::FieldId> used;
    if (row.regime) used = row.regime->fields_used();
    for (auto f : used) {
      const auto& info = sema::field_info(f);
      std::string value;
      if (info.boolean) {
        const auto& b = ctx.values->boolean(f);
        value = b ? (*b ? "true" : "false") : "unknown";
      } else {
        const auto& v = ctx.values->num(f);
        value = v ? eval::format_value(*v, info.dim) : "unknown";
        if (v && !v->exact_decimal()) value += fmt::format(" (exact {})", v->exact_text());
      }
      std::string source = ctx.chip ? field_source(*ctx.chip, f) : "given in the spec";
      out += fmt::format("    {:<26}{:<24} {}\n", info.name, value, source);
    }
  }
  if (!ctx.inference.empty()) out += fmt::format("  inference: {}\n", ctx.inference);
  if (!ctx.interpretation.empty())
    out += fmt::format("  interpretation: {}\n", join(ctx.interpretation, " "));
  return out;
}

std::string query_footer(const std::string& date, const std::string& to, const std::string& to_name,
                         const std::string& hq, const std::string& hq_name) {
  std::string out = fmt::format("as of {}", date);
  if (!to.empty()) out += fmt::format(", export to {} ({})", to, to_name);
  if (!hq.empty()) out += fmt::format(", buyer headquartered in {} ({})", hq, hq_name);
  if (to.empty() && hq.empty()) out += "; give --to CC (and --hq CC) for the licence question";
  return out + "\n";
}

std::string current_footer(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes)
    out += fmt::format("current: {}\n", n);
  return out;
}

std::string matrix_footer(const std::string& date) {
  return fmt::format("as of {}; '-' not controlled, '?' indeterminate (a spec value is missing)\n",
                     date);
}

DecisionLines::DecisionLines(Format format, bool with_trace)
    : csv_(format == Format::csv), with_trace_(with_trace) {
  if (csv_) {
    std::string csv = render_csv(decision_table({}));
    header_ = csv;
  }
}

void DecisionLines::append(std::string& out, std::string_view chip, const eval::Decision& d,
                           bool stable) {
  // The chip first, then the rest of the line, which depends on the decision alone.
  if (csv_) {
    out += csv_escape(chip);
  } else {
    out += "{\"chip\":";
    exctl::append_json_string(out, chip);
  }
  if (!stable || with_trace_) {
    out += tail(d);
    return;
  }
  auto it = tails_.find(&d);
  if (it == tails_.end()) it = tails_.emplace(&d, tail(d)).first;
  out += it->second;
}

std::string DecisionLines::tail(const eval::Decision& d) const {
  DecisionRow row{"", "", nullptr, d};
  if (csv_) {
    std::string csv = render_csv(decision_table({row}));
    std::string line = csv.substr(csv.find('\n') + 1);
    return line.substr(line.find(','));
  }
  std::string json = dump_json(decision_json(row, with_trace_));
  return json.substr(std::string_view(R"({"chip":"")").size()) + "\n";
}

}  // namespace exctl::report
