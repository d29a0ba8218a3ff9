// exctl check: chips x regimes x destination -> decisions, with --explain.
#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "cli/catalogue.hpp"
#include "cli/commands.hpp"
#include "cli/model_source.hpp"
#include "engine/base/text.hpp"
#include "engine/eval/compiled.hpp"
#include "engine/report/decision_report.hpp"
#include "engine/roofline/reference.hpp"

namespace exctl::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> chips;
  std::vector<std::string> regimes;
  std::string to, hq, date, spec, specs, fail_on;
  bool to_given = false, hq_given = false, date_given = false;  // given, perhaps empty
  bool explain = false;
  bool matrix = false;
  bool all = false;
};

// A chip to check: a record (from the database or --spec), or a synthetic row of --specs.
struct Subject {
  std::string id, name;
  std::optional<Chip> chip;
  eval::FieldValues values;
};

bool country_argument(const std::string& flag, std::string& code, bool given,
                      const sema::Rulebook& book, DiagnosticSink& sink) {
  if (given && code.empty()) {
    sink.error("E0113", fmt::format("{} is empty; give an ISO 3166-1 alpha-2 country code such as "
                                    "CN or DE, or leave {} out",
                                    flag, flag));
    return false;
  }
  if (code.empty()) return true;
  for (auto& c : code)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (code.size() != 2 || !std::isalpha(static_cast<unsigned char>(code[0])) ||
      !std::isalpha(static_cast<unsigned char>(code[1]))) {
    sink.error("E0113",
               fmt::format("{} takes an ISO 3166-1 alpha-2 country code such as CN or DE, not '{}'",
                           flag, code));
    return false;
  }
  if (!is_iso_country(code)) {
    sink.error("E0113",
               fmt::format("{} {} is not an assigned ISO 3166-1 alpha-2 country code", flag, code));
    return false;
  }
  if (!book.groups.is_country(code)) {
    sink.warning("W0113",
                 fmt::format("{} {} is in none of the country groups the rules name", flag, code));
  }
  return true;
}

// The regimes asked for; "current" stands for the leaf regimes in force on the date.
std::vector<const sema::Regime*> select_regimes(const sema::Rulebook& book,
                                                const std::vector<std::string>& ids, bool& current,
                                                DiagnosticSink& sink) {
  std::vector<const sema::Regime*> out;
  current = false;
  if (ids.empty()) {
    for (const auto& r : book.regimes)
      out.push_back(&r);
    return out;
  }
  for (const auto& id : ids) {
    if (id == "current") {
      current = true;
      continue;
    }
    if (const auto* r = book.find(id)) {
      out.push_back(r);
    } else {
      std::vector<std::string> names;
      for (const auto& r2 : book.regimes)
        names.push_back(r2.id);
      sink.report({Severity::error,
                   "E0114",
                   fmt::format("no regime is named '{}'", id),
                   {},
                   {fmt::format("regimes: {}, current", fmt::join(names, ", "))}});
    }
  }
  return out;
}

}  // namespace

// The leaf regimes in force on `date`: a regime that another in-force regime extends or
// supersedes is folded into it; regimes that bind only some exporters are left out.
std::vector<const sema::Regime*> current_regimes(const sema::Rulebook& book, sema::DateKey date) {
  std::vector<const sema::Regime*> in_force;
  for (const auto& r : book.regimes) {
    if (r.in_force_on(date) && r.applies_to.empty()) in_force.push_back(&r);
  }
  std::set<std::string> folded;
  for (const auto* r : in_force) {
    // Every ancestor of an in-force regime is folded into it.
    for (const sema::Regime* a = book.find(r->parent); a; a = book.find(a->parent))
      folded.insert(a->id);
    if (!r->supersedes.empty()) folded.insert(r->supersedes);
  }
  std::vector<const sema::Regime*> out;
  for (const auto* r : in_force) {
    if (!folded.count(r->id)) out.push_back(r);
  }
  return out;
}

namespace {

eval::Decision combine(const std::vector<eval::Decision>& parts) {
  eval::Decision d;
  d.regime = "current";
  d.in_force = true;
  auto rank = [](eval::Verdict v) {
    switch (v) {
      case eval::Verdict::controlled:
        return 3;
      case eval::Verdict::indeterminate:
        return 2;
      case eval::Verdict::excluded:
        return 1;
      case eval::Verdict::not_controlled:
        return 0;
    }
    return 0;
  };
  d.verdict = eval::Verdict::not_controlled;
  Truth licence = Truth::no;
  bool asked = false;
  for (const auto& p : parts) {
    if (rank(p.verdict) > rank(d.verdict)) d.verdict = p.verdict;
    auto add = [](std::vector<std::string>& into, const std::vector<std::string>& from) {
      for (const auto& x : from) {
        if (std::find(into.begin(), into.end(), x) == into.end()) into.push_back(x);
      }
    };
    add(d.paragraphs, p.paragraphs);
    add(d.excluded_by, p.excluded_by);
    add(d.end_items, p.end_items);
    add(d.missing, p.missing);
    add(d.flags, p.flags);
    add(d.licence.reasons, p.licence.reasons);
    for (auto& t : p.trace) {
      auto copy = t;
      copy.id = p.regime + ": " + t.id;
      d.trace.push_back(copy);
    }
    licence = truth_or(licence, p.licence.truth);
    asked = asked || p.licence.asked;
    if (static_cast<int>(p.licence.policy) > static_cast<int>(d.licence.policy) &&
        p.licence.policy != sema::Policy::none) {
      d.licence.policy = p.licence.policy;
    }
    d.licence.exceptions.insert(d.licence.exceptions.end(), p.licence.exceptions.begin(),
                                p.licence.exceptions.end());
  }
  d.licence.asked = asked;
  d.licence.truth = licence;
  if (asked && licence != Truth::unknown) d.licence.required = licence == Truth::yes;
  return d;
}

int run_check(Context& ctx, CheckOptions& opt) {
  auto date = date_argument(opt.date, opt.date_given, ctx.sink);
  auto book = ctx.load_rules();
  if (!book || !date || ctx.sink.has_errors()) return ctx.finish();
  if (!country_argument("--to", opt.to, opt.to_given, *book, ctx.sink) ||
      !country_argument("--hq", opt.hq, opt.hq_given, *book, ctx.sink)) {
    return ctx.finish();
  }
  if (!opt.fail_on.empty() && opt.fail_on != "controlled" && opt.fail_on != "indeterminate") {
    ctx.sink.error(
        "E0115", fmt::format("--fail-on takes controlled or indeterminate, not '{}'", opt.fail_on));
    return ctx.finish();
  }
  bool current = false;
  auto regimes = select_regimes(*book, opt.regimes, current, ctx.sink);
  if (ctx.sink.has_errors()) return ctx.finish();
  eval::Query query{opt.to, opt.hq, *date};

  // A catalogue printed as CSV shows no trace, so each regime is compiled once instead.
  bool compile = !opt.specs.empty() && ctx.format == report::Format::csv;
  std::map<const sema::Regime*, eval::CompiledRegime> compiled;
  eval::Decision scratch;
  auto decide = [&](const sema::Regime& r, const eval::FieldValues& values) {
    if (!compile) return eval::decide(r, values, query);
    return compiled.try_emplace(&r, r, query).first->second.decide(values, scratch);
  };
  // The same for every chip, so found once, not per row of a catalogue.
  const auto leaves = current ? current_regimes(*book, *date) : std::vector<const sema::Regime*>{};
  if (current && leaves.empty()) {
    ctx.sink.warning("W0114",
                     fmt::format("no regime was in force on {}: 'current' applies no rule, so "
                                 "its not_controlled means only that",
                                 sema::date_text(*date)));
  }
  auto decide_each = [&](const Subject& s, std::vector<report::DecisionRow>& rows) {
    for (const auto* r : regimes)
      rows.push_back({s.id, s.name, r, decide(*r, s.values)});
    if (current) {
      std::vector<eval::Decision> parts;
      for (const auto* r : leaves)
        parts.push_back(decide(*r, s.values));
      const sema::Regime* only = leaves.size() == 1 ? leaves.front() : nullptr;
      auto d = leaves.size() == 1 ? parts.front() : combine(parts);
      d.regime = leaves.size() == 1 ? "current (" + leaves.front()->id + ")"
                 : leaves.empty()   ? "current (none in force)"
                                    : "current";
      rows.push_back({s.id, s.name, only, d});
    }
  };
  // Every decision on one subject, or none: values that overflow an expression (E0421)
  // leave the subject without a verdict, reported, and the run exits 2.
  auto decide_all = [&](const Subject& s, std::vector<report::DecisionRow>& rows) {
    size_t before = rows.size();
    try {
      decide_each(s, rows);
    } catch (const eval::ArithmeticOverflow& e) {
      rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(before), rows.end());
      ctx.sink.report(e.diagnostic(s.id));
    }
  };
  int fail_count = 0;
  auto count_failures = [&](const std::vector<report::DecisionRow>& rows) {
    for (const auto& r : rows) {
      if (opt.fail_on == "controlled" && r.decision.verdict == eval::Verdict::controlled)
        ++fail_count;
      if (opt.fail_on == "indeterminate" && r.decision.verdict == eval::Verdict::indeterminate)
        ++fail_count;
    }
  };

  // A catalogue: one decision per line as it is evaluated.
  if (!opt.specs.empty()) {
    auto catalogue = CatalogueReader::open(opt.specs, ctx.sink);
    if (!catalogue) return ctx.finish();
    bool header_printed = false;
    CatalogueEntry entry;
    while (catalogue->next(entry)) {
      Subject s{entry.id.empty() ? fmt::format("line {}", entry.line) : std::move(entry.id),
                std::move(entry.name), std::nullopt, entry.values};
      s.values.set(sema::FieldId::export_year, Rational(*date / 10000));
      std::vector<report::DecisionRow> rows;
      decide_all(s, rows);
      count_failures(rows);
      if (ctx.format == report::Format::csv) {
        // The header once, then each row as it is decided.
        std::string csv = report::render_csv(report::decision_table(rows));
        size_t header_end = csv.find('\n') + 1;
        if (!header_printed) std::cout << csv.substr(0, header_end);
        header_printed = true;
        std::cout << csv.substr(header_end);
      } else {
        for (const auto& r : rows)
          std::cout << dump_json(report::decision_json(r)) << "\n";
      }
    }
    int code = ctx.finish();
    return code != kExitOk ? code : (fail_count ? 1 : kExitOk);
  }

  std::vector<Subject> subjects;
  std::optional<std::vector<Chip>> chips;  // loaded once, for names and the --explain baseline
  if (!opt.spec.empty()) {
    if (auto chip = ctx.load_spec(opt.spec)) subjects.push_back({chip->id, chip->name, chip, {}});
  }
  if (!opt.chips.empty() || opt.all || opt.explain) {
    chips = ctx.load_chips();
    if (!chips) return ctx.finish();
    for (const auto& name : opt.chips) {
      if (const Chip* c = resolve_chip(*chips, name, ctx.sink))
        subjects.push_back({c->id, c->name, *c, {}});
    }
    if (opt.all) {
      for (const auto& c : *chips)
        subjects.push_back({c.id, c.name, c, {}});
    }
  }
  if (subjects.empty() && !ctx.sink.has_errors()) {
    ctx.sink.error("E0109",
                   "name a chip, or give --all, --spec FILE.toml or --specs FILE.csv|FILE.jsonl");
  }
  if (ctx.sink.has_errors()) return ctx.finish();

  std::vector<report::DecisionRow> rows;
  std::vector<size_t> subject_of_row;
  for (size_t i = 0; i < subjects.size(); ++i) {
    auto& s = subjects[i];
    s.values = eval::chip_values(*s.chip, compute_metrics(*s.chip, ctx.options), *date);
    decide_all(s, rows);
    subject_of_row.resize(rows.size(), i);
  }
  if (rows.empty()) return ctx.finish();  // every subject failed (E0421)
  count_failures(rows);
  if (opt.matrix) {
    std::cout << report::render(report::decision_matrix(rows), ctx.format);
    if (ctx.format == report::Format::text) {
      std::cout << fmt::format(
          "as of {}; '-' not controlled, '?' indeterminate (a spec value is missing)\n",
          sema::date_text(*date));
    }
  } else if (ctx.format == report::Format::json) {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& r : rows)
      arr.push_back(report::decision_json(r));
    std::cout << dump_json(arr, 2) << "\n";
  } else if (opt.explain && ctx.format == report::Format::text) {
    // The chip's speed on the reference inference workload, as a ratio to the H100 SXM:
    // what the compute thresholds do not measure.
    std::vector<std::string> inference(subjects.size());
    auto models = load_models(ctx);
    const roofline::Model* model = nullptr;
    const Chip* baseline = nullptr;
    if (models && chips) {
      DiagnosticSink quiet;
      model = find_model(*models, std::string(roofline::kReferenceModelId), quiet);
      baseline = resolve_chip(*chips, std::string(roofline::kReferenceBaselineId), quiet);
    }
    for (size_t i = 0; i < subjects.size(); ++i) {
      if (!model || !baseline) {
        inference[i] =
            "not estimated: the reference model or the H100 SXM is not in the database in use";
        continue;
      }
      auto r = roofline::reference_ratio(*subjects[i].chip, *baseline, *model);
      inference[i] = r.ratio ? fmt::format("{:.2f} x the H100 SXM on {} ({:.0f} vs {:.0f})",
                                           *r.ratio, roofline::reference_description(),
                                           r.tokens_per_s, r.baseline_tokens_per_s)
                             : fmt::format("not estimated: {}", r.reason);
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& s = subjects[subject_of_row[i]];
      report::ExplainContext ec{&*s.chip, &s.values, ctx.options.describe(), sema::date_text(*date),
                                inference[subject_of_row[i]]};
      std::cout << (i ? "\n" : "") << report::explain_text(rows[i], ec);
    }
  } else {
    std::cout << report::render(report::decision_table(rows), ctx.format);
    if (ctx.format == report::Format::text) {
      std::cout << fmt::format("as of {}", sema::date_text(*date));
      if (!opt.to.empty())
        std::cout << fmt::format(", export to {} ({})", opt.to, book->groups.country_name(opt.to));
      if (!opt.hq.empty())
        std::cout << fmt::format(", buyer headquartered in {} ({})", opt.hq,
                                 book->groups.country_name(opt.hq));
      if (opt.to.empty() && opt.hq.empty())
        std::cout << "; give --to CC (and --hq CC) for the licence question";
      std::cout << "\n";
    }
  }
  int code = ctx.finish();
  if (code != kExitOk) return code;
  return fail_count ? 1 : kExitOk;
}

}  // namespace

void register_check(CLI::App& app, Context& ctx, int& exit_code) {
  auto opt = std::make_shared<CheckOptions>();
  auto* check = app.add_subcommand(
      "check", "Is a chip controlled under a regime, for a destination, and why");
  check->add_option("chips", opt->chips, "Chip ids, names or aliases");
  check->add_option("--regime", opt->regimes,
                    "Regime id, or 'current' (repeatable; default: every shipped regime)");
  auto* to = check->add_option("--to", opt->to, "Destination country (ISO 3166-1 alpha-2)");
  auto* hq =
      check->add_option("--hq", opt->hq, "The buyer's headquarters country (ISO 3166-1 alpha-2)");
  auto* date =
      check->add_option("--date", opt->date, "Date of the export, YYYY-MM-DD (default: today)");
  check->add_flag("--explain", opt->explain,
                  "Print the rationale: every clause, the values used, the margins");
  check->add_flag("--matrix", opt->matrix, "One row per chip, one column per regime");
  check->add_flag("--all", opt->all, "Every chip in the database");
  check->add_option("--spec", opt->spec, "A chip spec file not in the database");
  check->add_option("--specs", opt->specs,
                    "A catalogue (.csv with a header of field names, or .jsonl), streamed");
  check->add_option("--fail-on", opt->fail_on,
                    "Exit 1 when any verdict is controlled or indeterminate");
  check->callback([&ctx, &exit_code, opt, to, hq, date] {
    opt->to_given = to->count() > 0;
    opt->hq_given = hq->count() > 0;
    opt->date_given = date->count() > 0;
    exit_code = ctx.prepare() ? run_check(ctx, *opt) : ctx.finish();
  });
}

}  // namespace exctl::cli
