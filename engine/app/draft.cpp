#include "engine/app/draft.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "engine/app/catalogue.hpp"
#include "engine/app/lookup.hpp"
#include "engine/base/text.hpp"
#include "engine/draft/diff.hpp"
#include "engine/sema/thresholds.hpp"
#include "engine/syntax/parser.hpp"
#include "rules/builtin_rules.hpp"

namespace exctl::app {
namespace {

std::vector<std::string> split_all(const std::vector<std::string>& lists) {
  std::vector<std::string> out;
  for (const auto& list : lists)
    for (const auto& [item, at] : split_commas(list))
      if (!std::string_view(trim(item)).empty()) out.emplace_back(trim(item));
  return out;
}

// The chips one --catch or --spare names, with their values on the date.
bool add_chips(Session& session, const std::vector<std::string>& names, bool caught,
               sema::DateKey date, std::optional<std::vector<Chip>>& database, draft::Chips& chips,
               std::vector<eval::FieldValues>& values) {
  DiagnosticSink& sink = session.sink;
  for (const auto& name : names) {
    if (name.ends_with(".toml")) {
      auto chip = session.load_spec(name);
      if (!chip) continue;
      chips.ids.push_back(chip->id);
      chips.caught.push_back(caught);
      values.push_back(eval::chip_values(*chip, compute_metrics(*chip, session.options), date));
    } else if (name.ends_with(".csv") || name.ends_with(".jsonl")) {
      auto catalogue = CatalogueReader::open(name, sink);
      if (!catalogue) continue;
      CatalogueEntry entry;
      while (catalogue->next(entry)) {
        entry.values.set(sema::FieldId::export_year, Rational(date / 10000));
        chips.ids.push_back(entry.id.empty() ? fmt::format("{}:{}", name, entry.line) : entry.id);
        chips.caught.push_back(caught);
        values.push_back(entry.values);
      }
    } else {
      if (!database) database = session.load_chips();
      if (!database) return false;
      if (const Chip* c = resolve_chip(*database, name, sink)) {
        chips.ids.push_back(c->id);
        chips.caught.push_back(caught);
        values.push_back(eval::chip_values(*c, compute_metrics(*c, session.options), date));
      }
    }
  }
  return true;
}

// Every numeric chip field, then every expression of fields a regime of the book compares.
std::vector<std::string> default_metrics(const sema::Rulebook& book) {
  std::vector<std::string> out;
  for (const auto& f : chip_fields()) {
    // Dates are facts of the market, not of the design a threshold could separate.
    if (f.boolean || !f.of_chip() || f.id == FieldId::release_year || f.dim.date) continue;
    out.emplace_back(f.name);
  }
  std::set<std::string> seen(out.begin(), out.end());
  for (const auto& r : book.regimes) {
    for (const auto& q : sema::analyse_thresholds(r).quantities) {
      if (q.field()) continue;
      std::string text = q.text();
      if (seen.insert(text).second) out.push_back(text);
    }
  }
  return out;
}

std::optional<DraftMetric> parse_metric(const std::string& text, DiagnosticSink& sink) {
  auto file = std::make_shared<SourceFile>("--metric", text);
  auto expr = syntax::parse_expression(file, sink, {"E0606", false});
  if (!expr) return std::nullopt;
  auto checked =
      sema::check_field_expression(*expr, file, "E0606", sink, sema::FieldExpressionKind::quantity);
  if (!checked) return std::nullopt;
  // The rule gets the expression on one line: a comment or a newline in it would swallow
  // or split the clause it is written into.
  return DraftMetric{draft::clause_text(Span{file, 0, static_cast<uint32_t>(text.size())}),
                     checked->dim, std::move(*checked)};
}

// A regime id as the rule grammar reads one: a letter or digit, then letters, digits,
// '-', '_' or '.'.
bool regime_id_syntax(std::string_view id) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  return !id.empty() && alnum(id.front()) && std::all_of(id.begin(), id.end(), [&](char c) {
    return alnum(c) || c == '-' || c == '_' || c == '.';
  });
}

// A name for a parameter of the metric: "memory_bandwidth_threshold", or "threshold".
std::string param_name(const std::string& metric, const std::string& fallback) {
  bool identifier = !metric.empty() && std::all_of(metric.begin(), metric.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
  return identifier ? metric + "_threshold" : fallback;
}

std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  return out.empty() ? "threshold" : out;
}

std::string value_text(const Rational& v, const Dim& dim) {
  std::string unit = dim_name(dim);
  std::string number = v.exact_text();
  return unit.empty() ? number : number + " " + unit;
}

// How wide a separating metric's margin is, relative to its threshold: the larger, the
// more a chip's value may move before the rule misplaces it.
double relative_margin(const draft::Separation& s) {
  double scale = std::max(std::abs(s.suggested.to_double()), 1e-12);
  return std::min(s.caught_margin.to_double(), s.spared_margin.to_double()) / scale;
}

std::string quote_list(const std::vector<std::string>& ids) {
  return fmt::format("{}", fmt::join(ids, ", "));
}

}  // namespace

std::optional<DraftResult> draft_threshold(Session& session, const DraftRequest& request) {
  DiagnosticSink& sink = session.sink;
  DraftResult result;
  CheckRequest check;
  check.date = request.date;
  if (!request.base.empty()) check.regimes = {request.base};
  result.check = Check::prepare(session, check);
  if (!result.check) return std::nullopt;
  const auto& book = result.check->book();
  sema::DateKey date = result.check->date();
  if (!request.base.empty()) {
    result.base = book.find(request.base);
  } else {
    auto leaves = current_regimes(book, date);
    if (leaves.size() != 1) {
      std::vector<std::string> ids;
      for (const auto* r : leaves)
        ids.push_back(r->id);
      sink.report({Severity::error,
                   "E0114",
                   fmt::format("{} regimes are in force on {}; give --base", leaves.size(),
                               sema::date_text(date)),
                   {},
                   {ids.empty() ? "none is in force" : "in force: " + quote_list(ids)}});
      return std::nullopt;
    }
    result.base = leaves.front();
  }
  if (request.id.given) {
    const std::string& id = request.id.text;
    auto n = static_cast<uint32_t>(id.size());
    if (id.empty())
      sink.error("E0609",
                 "--id is empty; give the draft regime an id such as draft-h20-cap, or leave "
                 "--id out");
    else if (!regime_id_syntax(id))
      argument_error(sink, "E0609",
                     "not a regime id: letters, digits, '-', '_' and '.', from a letter or digit",
                     "--id", id, 0, n);
    else if (book.find(id))
      argument_error(sink, "E0609", fmt::format("the rules already define a regime '{}'", id),
                     "--id", id, 0, n);
  }
  for (const auto& list : request.to) {
    for (const auto& [item, at] : split_commas(list)) {
      if (!trim(item).empty()) continue;
      if (list.empty())
        sink.error("E0113", "--to is empty; give country codes or groups such as CN, D5");
      else
        argument_error(sink, "E0113", "an empty entry; give country codes or groups such as CN",
                       "--to", list, at, at);
      break;
    }
  }
  for (const auto& cc : split_all(request.to)) {
    if (!book.groups.expand(cc))
      sink.error("E0113",
                 fmt::format("--to {} is neither a country code nor a group the rules name", cc));
  }

  // The two sets.
  std::optional<std::vector<Chip>> database;
  std::vector<eval::FieldValues> values;
  if (!add_chips(session, split_all(request.catch_chips), true, date, database, result.chips,
                 values) ||
      !add_chips(session, split_all(request.spare_chips), false, date, database, result.chips,
                 values))
    return std::nullopt;
  if (sink.has_errors()) return std::nullopt;
  size_t caught =
      static_cast<size_t>(std::count(result.chips.caught.begin(), result.chips.caught.end(), true));
  if (caught == 0 || caught == result.chips.ids.size()) {
    sink.error("E0607", caught == 0 ? "--catch names no chip: give the chips a rule must catch"
                                    : "--spare names no chip: give the chips a rule must spare");
    return std::nullopt;
  }
  for (size_t i = 0; i < result.chips.ids.size(); ++i) {
    for (size_t j = i + 1; j < result.chips.ids.size(); ++j) {
      if (result.chips.ids[i] != result.chips.ids[j]) continue;
      if (result.chips.caught[i] != result.chips.caught[j]) {
        sink.error("E0607", fmt::format("{} is in --catch and in --spare", result.chips.ids[i]));
        return std::nullopt;
      }
    }
  }

  // The metrics and each chip's value of each.
  auto texts = request.metrics.empty() ? default_metrics(book) : request.metrics;
  std::set<std::string> metric_texts;
  for (const auto& t : texts) {
    auto m = parse_metric(t, sink);
    // A metric given twice is one metric: paired with itself it would name one
    // parameter twice.
    if (m && metric_texts.insert(m->text).second) result.metrics.push_back(std::move(*m));
  }
  if (sink.has_errors()) return std::nullopt;
  for (const auto& m : result.metrics) {
    draft::MetricValues mv{m.text, dim_name(m.dim), {}};
    for (size_t i = 0; i < values.size(); ++i) {
      try {
        mv.values.push_back(eval::quantity(m.expression.pool, m.expression.root, values[i]));
      } catch (const eval::ArithmeticOverflow& e) {
        sink.report(e.diagnostic(result.chips.ids[i]));
        return std::nullopt;
      }
    }
    result.values.push_back(std::move(mv));
  }
  result.separations = draft::separate(result.chips, result.values);
  const draft::Separation* best = nullptr;
  for (const auto& s : result.separations) {
    if (s.separates && (!best || relative_margin(s) > relative_margin(*best))) best = &s;
  }
  if (!best) result.pairs = draft::best_pairs(result.chips, result.values, 10);

  // The draft rule: the best separating metric, else the best pair of cuts.
  std::vector<std::string> caught_ids, spared_ids;
  for (size_t i = 0; i < result.chips.ids.size(); ++i)
    (result.chips.caught[i] ? caught_ids : spared_ids).push_back(result.chips.ids[i]);
  std::string condition, title, params, note;
  std::string first_metric;
  auto cut_text = [&](const DraftMetric& m, draft::Direction d, const std::string& param) {
    return fmt::format("{} {} {}", m.text, d == draft::Direction::at_least ? ">=" : "<=", param);
  };
  if (best) {
    const DraftMetric& m = result.metrics[best->metric];
    first_metric = m.text;
    std::string p = param_name(m.text, "threshold");
    params = fmt::format("  param {} = {}\n", p, value_text(best->suggested, m.dim));
    condition = cut_text(m, best->direction, p);
    title = cut_text(m, best->direction, value_text(best->suggested, m.dim));
    note = fmt::format("every {} in {}{}, {}{} separates them", m.text, best->lo.closed ? "[" : "(",
                       value_text(best->lo.value, m.dim), value_text(best->hi.value, m.dim),
                       best->hi.closed ? "]" : ")");
  } else if (!result.pairs.empty()) {
    const auto& pr = result.pairs.front();
    const DraftMetric& a = result.metrics[pr.first.metric];
    const DraftMetric& b = result.metrics[pr.second.metric];
    first_metric = a.text + "-" + b.text;
    std::string pa = param_name(a.text, "threshold_1"), pb = param_name(b.text, "threshold_2");
    params =
        fmt::format("  param {} = {}\n  param {} = {}\n", pa, value_text(pr.first.suggested, a.dim),
                    pb, value_text(pr.second.suggested, b.dim));
    condition = fmt::format("{} {} {}", cut_text(a, pr.first.direction, pa),
                            pr.conjunction ? "and" : "or", cut_text(b, pr.second.direction, pb));
    title = fmt::format("{} {} {}",
                        cut_text(a, pr.first.direction, value_text(pr.first.suggested, a.dim)),
                        pr.conjunction ? "and" : "or",
                        cut_text(b, pr.second.direction, value_text(pr.second.suggested, b.dim)));
    note = pr.wrong.empty() ? "no single metric separates them; two thresholds do"
                            : fmt::format("the best two thresholds found still misplace {}",
                                          quote_list(pr.wrong));
    if (!pr.wrong.empty()) {
      sink.warning("W0601", fmt::format("no rule of one or two thresholds separates the chips; "
                                        "the draft misplaces {}",
                                        quote_list(pr.wrong)));
    }
  }
  if (!condition.empty()) {
    std::string id = request.id.given ? request.id.text : "draft-" + slug(first_metric);
    std::string licence;
    auto to = split_all(request.to);
    if (!to.empty()) {
      licence = fmt::format("  licence for \"{}\" to {} policy presumption_of_denial\n", id,
                            fmt::format("{}", fmt::join(to, ", ")));
    }
    result.rule_text = fmt::format(
        "# Written by `exctl draft`. Catches {}; spares {}.\n"
        "regime {} extends {} {{\n"
        "  title \"Draft: {}\"\n"
        "  status draft\n"
        "  note \"{}\"\n\n"
        "{}\n"
        "  control \"{}\" when {}\n"
        "{}}}\n",
        quote_list(caught_ids), quote_list(spared_ids), id, result.base->id, title, note, params,
        id, condition,
        licence.empty() ? "  # no licence rule: give --to for the destinations it covers\n"
                        : licence);
    // The file must load as it is written: checked beside the rules before it is kept.
    DiagnosticSink check_sink;
    auto files = rules::builtin_rule_sources();
    for (const auto& path : session.rule_files)
      if (auto s = read_rule_file(path, check_sink)) files.push_back(s);
    files.push_back(std::make_shared<SourceFile>(
        request.emit.empty() ? "(the draft rule, not written)" : request.emit, result.rule_text));
    sema::load_rulebook(files, rules::builtin_country_groups(), check_sink);
    if (check_sink.has_errors()) {
      sink.merge(check_sink);
      sink.error("E0606",
                 "the draft rule would not load as written: write the metric with "
                 "units on its numbers ('memory_bandwidth + 100 GB/s')");
      return std::nullopt;
    }
    if (!request.emit.empty()) {
      std::ofstream out(request.emit, std::ios::binary);
      out << result.rule_text;
      if (!out) {
        sink.error("E0110", fmt::format("cannot write '{}'", request.emit));
        return std::nullopt;
      }
      result.emitted = request.emit;
    }
  }
  return result;
}

}  // namespace exctl::app
