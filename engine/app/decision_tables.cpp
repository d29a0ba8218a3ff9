#include "engine/app/decision_tables.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engine/app/check.hpp"
#include "engine/app/inputs.hpp"
#include "engine/app/lookup.hpp"
#include "engine/app/robust.hpp"
#include "engine/base/toml_reader.hpp"
#include "engine/eval/decide.hpp"

namespace exctl::app {
namespace {

namespace fs = std::filesystem;

// Decision tables are read strictly: an unknown key, a value of the wrong type, an unknown
// verdict, regime, chip, country or field is an E0117 at the key or value, never skipped or
// read as a default. A case with such an error is not run; the run exits 2.
constexpr auto kDecisionTable =
    TomlFileKind::one_code("E0117", "", TomlFileKind::Wording::decision_tables);

// A value of a synthetic spec as set_field reads it. A float is read from its text in the
// file, as a decimal, so it is never rounded through double.
std::optional<std::string> spec_value(TomlFile& file, const toml::node& v) {
  if (auto b = v.value_exact<bool>()) return *b ? "true" : "false";
  if (auto i = v.value_exact<int64_t>()) return std::to_string(*i);
  if (v.is_floating_point()) return std::string(file.text(v));
  if (auto s = v.value_exact<std::string>()) return *s;
  if (auto d = v.value_exact<toml::date>())  // us_available = 2026-01-15
    return fmt::format("{:04}-{:02}-{:02}", d->year, d->month, d->day);
  file.error("E0117",
             fmt::format("a spec value must be a number, a date, a string or a boolean, found {}",
                         file.type_name(v)),
             file.span(v));
  return std::nullopt;
}

// What a case expects; each present key is compared with the decision.
struct Expectation {
  std::optional<std::string> verdict, policy, licence;
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;
  std::optional<bool> flagged;
  // Under --robust's analysis: robust or not, the verdicts possible, what it hinges on.
  std::optional<bool> robust;
  std::optional<std::vector<std::string>> verdicts, hinges;
  bool any() const {
    return verdict || policy || licence || flagged || !lists.empty() || robust || verdicts ||
           hinges;
  }
  bool asks_robust() const { return robust || verdicts || hinges; }
};

// `range = { tpp = [4700, 4900], memory_bandwidth = ["1380 GB/s", "1420 GB/s"] }`: each
// field's closed interval, read as spec values are, around the spec's point value.
void read_ranges(TomlFile& file, const toml::node& node, eval::FieldBox& box) {
  const auto* table = node.as_table();
  if (!table) {
    file.error("E0117",
               fmt::format("'range' must be a table of [low, high] pairs ({{ tpp = [4700, 4900] "
                           "}}), found {}",
                           file.type_name(node)),
               file.span(node.source()));
    return;
  }
  for (auto&& [k, v] : *table) {
    const auto* pair = v.as_array();
    auto field = sema::find_field(k.str());
    if (!field) {
      file.error("E0117", fmt::format("unknown field '{}'", k.str()), file.span(k.source()));
      continue;
    }
    if (sema::field_info(*field).boolean) {
      file.error("E0117", fmt::format("'{}' is a condition: it takes no range", k.str()),
                 file.span(k.source()));
      continue;
    }
    if (!pair || pair->size() != 2) {
      file.error("E0117", fmt::format("a range must be [low, high], found {}", file.type_name(v)),
                 file.span(v.source()));
      continue;
    }
    std::array<std::optional<Rational>, 2> ends;
    for (size_t i = 0; i < 2; ++i) {
      auto text = spec_value(file, *pair->get(i));
      if (!text) continue;
      eval::FieldValues one;
      std::string problem = eval::set_field(one, std::string(k.str()), *text);
      if (!problem.empty())
        file.error("E0117", problem, file.span(pair->get(i)->source()));
      else
        ends[i] = one.num(*field);
    }
    if (!ends[0] || !ends[1]) continue;
    auto point = box.point.num(*field);
    if (*ends[0] > *ends[1]) {
      file.error("E0117", "a range's low end is above its high end", file.span(v.source()));
    } else if (!point) {
      file.error("E0117", fmt::format("a range on '{}', which the spec does not give", k.str()),
                 file.span(k.source()));
    } else if (*point < *ends[0] || *point > *ends[1]) {
      file.error("E0117",
                 fmt::format("the range of '{}' does not hold its value in the spec", k.str()),
                 file.span(v.source()));
    } else if (*ends[0] != *ends[1]) {
      box.range[static_cast<size_t>(*field)] = eval::Interval{*ends[0], *ends[1]};
    }
  }
}

}  // namespace

std::optional<report::TableRun> run_decision_tables(Session& session,
                                                    std::vector<std::string> files) {
  if (files.empty()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("rules", ec)) {
      std::string p = e.path().string();
      if (p.size() > 11 && p.substr(p.size() - 11) == ".cases.toml") files.push_back(p);
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      session.sink.error("E0117",
                         "no decision tables given and none found in ./rules/*.cases.toml");
      return std::nullopt;
    }
  }
  auto book = session.load_rules();
  if (!book || session.sink.has_errors()) return std::nullopt;
  auto chips = session.load_chips();
  if (!chips) return std::nullopt;

  static constexpr std::array<std::string_view, 4> kVerdicts = {"controlled", "not_controlled",
                                                                "excluded", "indeterminate"};
  static constexpr std::array<const char*, 5> kListKeys = {"paragraphs", "excluded_by", "missing",
                                                           "end_items", "exceptions"};
  report::TableRun run;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      session.sink.error("E0117", fmt::format("cannot read decision table '{}'", path));
      continue;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    auto source = std::make_shared<SourceFile>(path, buffer.str());
    TomlFile file(source, session.sink, kDecisionTable);
    const toml::table* tree = file.parse();
    if (!tree) continue;
    const toml::table& root = *tree;
    TableReader top = file.reader(root);
    top.only({"regime", "case"}, "a decision table");
    const sema::Regime* file_regime = nullptr;
    if (const toml::node* n = root.get("regime")) {
      if (auto id = top.string("regime", false, "a regime id")) {
        file_regime = book->find(*id);
        if (!file_regime)
          file.error("E0117", fmt::format("'regime' names no known regime ('{}')", *id),
                     file.span(n->source()));
      }
    } else {
      session.sink.report({Severity::error,
                           "E0117",
                           "a decision table needs 'regime = \"ID\"'",
                           Span{source, 0, 1},
                           {},
                           false});
    }
    const toml::node* case_node = root.get("case");
    const toml::array* cases = case_node ? case_node->as_array() : nullptr;
    if (case_node && (!cases || !cases->is_array_of_tables())) {
      file.error(
          "E0117",
          fmt::format("'case' must be [[case]] tables, found {}", file.type_name(*case_node)),
          file.span(case_node->source()));
      continue;
    }
    if (!cases || cases->empty()) {
      session.sink.report({Severity::error,
                           "E0117",
                           "a decision table needs [[case]] tables",
                           Span{source, 0, 1},
                           {},
                           false});
      continue;
    }
    if (!file_regime) continue;
    for (const auto& node : *cases) {
      const toml::table& c = *node.as_table();
      TableReader rd = top.child(c, "");
      size_t errors_before = file.errors();
      report::CaseOutcome res;
      res.path = path;
      res.name = rd.string("name", false, "the case's name").value_or("(unnamed)");
      res.line = node.source().begin.line;
      rd.only({"name",       "regime",  "chip",        "spec",       "to",      "hq",
               "exporter",   "date",    "verdict",     "paragraphs", "licence", "policy",
               "exceptions", "missing", "excluded_by", "end_items",  "flagged", "known_issue",
               "range",      "robust",  "verdicts",    "hinges"},
              "a [[case]]");
      const sema::Regime* regime = file_regime;
      bool current = false;  // `regime = "current"`: the regimes in force on the case's date
      if (auto r = rd.string("regime", false, "a regime id or current")) {
        current = *r == "current";
        regime = current ? file_regime : book->find(*r);
        if (!regime)
          file.error("E0117", fmt::format("no regime is named '{}'", *r),
                     file.span(c.get("regime")->source()));
      }
      sema::DateKey date = 20250630;  // docs: a case without a date is decided on 2025-06-30
      if (const toml::node* n = c.get("date")) {
        if (auto d = n->value_exact<toml::date>()) {
          date = static_cast<sema::DateKey>(d->year * 10000 + d->month * 100 + d->day);
        } else if (auto s = rd.string("date", false, "YYYY-MM-DD")) {
          if (auto parsed = sema::parse_date(*s))
            date = *parsed;
          else
            file.error("E0117",
                       fmt::format("'date' must be a date like \"2025-06-30\", not '{}'", *s),
                       file.span(n->source()));
        }
      }
      std::string to, hq;
      std::string exporter =
          rd.string("exporter", false, "who exports, for is-informed letters").value_or("");
      for (auto [key, into] : {std::pair{"to", &to}, std::pair{"hq", &hq}}) {
        if (auto v = rd.string(key, false, "an ISO 3166-1 alpha-2 code")) {
          if (!is_iso_country(*v) && !is_named_region(*v, *book)) {
            file.error(
                "E0117",
                fmt::format(
                    "'{}' must be an assigned ISO 3166-1 alpha-2 code in capitals (such as CN "
                    "or DE), not '{}'",
                    key, *v),
                file.span(c.get(key)->source()));
          } else {
            *into = *v;
          }
        }
      }
      eval::FieldValues values;
      const Chip* chip_record = nullptr;
      const toml::node* chip_node = c.get("chip");
      const toml::node* spec_node = c.get("spec");
      if (chip_node && spec_node) {
        file.error("E0117", "a case takes 'chip' or 'spec', not both",
                   file.span(spec_node->source()));
      } else if (chip_node) {
        if (auto chip_name = rd.string("chip", false, "a chip id, name or alias")) {
          DiagnosticSink local;
          if (const Chip* chip = resolve_chip(*chips, *chip_name, local)) {
            chip_record = chip;
            values = eval::chip_values(*chip, compute_metrics(*chip, session.options), date);
          } else {
            auto d = local.sorted().front();
            file.error("E0117", d.message, file.span(chip_node->source()));
          }
        }
      } else if (spec_node) {
        if (const auto* spec = spec_node->as_table()) {
          for (auto&& [k, v] : *spec) {
            if (auto text = spec_value(file, v)) {
              std::string problem = eval::set_field(values, std::string(k.str()), *text);
              if (!problem.empty()) {
                bool key_problem = problem.rfind("unknown field", 0) == 0;
                file.error("E0117", problem, file.span(key_problem ? k.source() : v.source()));
              }
            }
          }
          values.set(sema::FieldId::export_year, Rational(date / 10000));
        } else {
          file.error("E0117",
                     fmt::format(
                         "'spec' must be a table of field values ({{ tpp = 4800, ... }}), found {}",
                         file.type_name(*spec_node)),
                     file.span(spec_node->source()));
        }
      } else {
        file.error("E0117", "a case needs 'chip' or 'spec'", file.span(node.source()));
      }

      eval::FieldBox box{values};
      if (const toml::node* n = c.get("range")) {
        if (spec_node)
          read_ranges(file, *n, box);
        else
          file.error("E0117", "'range' goes with 'spec': a chip's ranges are in its spec file",
                     file.span(n->source()));
      }

      Expectation want;
      want.robust = rd.boolean("robust");
      want.verdicts = rd.strings("verdicts");
      want.hinges = rd.strings("hinges");
      if (auto v = rd.string("verdict", false,
                             "controlled, not_controlled, excluded or indeterminate")) {
        if (std::find(kVerdicts.begin(), kVerdicts.end(), *v) == kVerdicts.end()) {
          file.error(
              "E0117",
              fmt::format("'verdict' must be one of {}, not '{}'", fmt::join(kVerdicts, ", "), *v),
              file.span(c.get("verdict")->source()));
        } else {
          want.verdict = *v;
        }
      }
      if (auto v = rd.string("policy", false, "a review policy or none")) {
        if (*v != "none" && !sema::policy_from_name(*v)) {
          file.error("E0117",
                     fmt::format("'policy' must be none, presumption_of_denial, case_by_case or "
                                 "presumption_of_approval, not '{}'",
                                 *v),
                     file.span(c.get("policy")->source()));
        } else {
          want.policy = *v;
        }
      }
      if (const toml::node* n = c.get("licence")) {
        if (auto b = n->value_exact<bool>()) {
          want.licence = *b ? "true" : "false";
        } else if (auto s = n->value_exact<std::string>(); s && *s == "unknown") {
          want.licence = *s;
        } else {
          file.error("E0117",
                     fmt::format("'licence' must be true, false or \"unknown\", found {}",
                                 s ? "'" + *s + "'" : file.type_name(*n)),
                     file.span(n->source()));
        }
      }
      for (const char* key : kListKeys) {
        if (auto v = rd.strings(key)) want.lists.emplace_back(key, *v);
      }
      want.flagged = rd.boolean("flagged");
      std::string known_issue =
          rd.string("known_issue", false, "why the case fails today").value_or("");
      if (c.contains("known_issue") && known_issue.empty())
        file.error("E0117", "'known_issue' must say why the case fails today",
                   file.span(c.get("known_issue")->source()));
      if (!want.any() && file.errors() == errors_before) {
        file.error("E0117",
                   "a case needs an expectation: verdict, paragraphs, licence, policy, exceptions, "
                   "missing, excluded_by, end_items, flagged, robust, verdicts or hinges",
                   file.span(node.source()));
      }
      if (file.errors() != errors_before) continue;  // a malformed case is not run

      eval::Query q{to, hq, date};
      std::vector<std::string> notes;
      RobustTarget target;
      if (current) {
        target.regimes = current_regimes(*book, date, exporter, &notes);
        if (target.regimes.empty()) target.regimes.push_back(&book->embargo_layer);
      } else {
        target.regimes = {regime};
      }
      auto decide = [&](const eval::FieldValues& v) {
        std::vector<eval::Decision> parts;
        for (const auto* r : target.regimes)
          parts.push_back(eval::decide(*r, v, q));
        if (!current) return parts;
        std::vector<const sema::Regime*> leaves = target.regimes;
        if (leaves.front() == &book->embargo_layer) leaves.clear();
        return std::vector<eval::Decision>{current_decision(leaves, parts, notes)};
      };
      target.outcomes = [&](const eval::FieldValues& v) {
        return std::vector<std::string>{outcome_text(decide(v).front())};
      };
      std::optional<eval::Decision> decided;
      std::optional<eval::RobustVerdict> robust;
      try {
        decided = decide(values).front();
        if (want.asks_robust()) {
          target.analyse();
          auto verdicts = chip_record ? robust_verdicts(target, *chip_record, session.options, date)
                                      : robust_verdicts(target, box);
          robust = verdicts.front();
        }
      } catch (const eval::ArithmeticOverflow& e) {
        // Bad input, not a failing expectation: E0421 at the rule expression, exit 2.
        session.sink.report(e.diagnostic(chip_node ? *chip_node->value<std::string>() : "spec"));
        continue;
      }
      {
        const eval::Decision& d = *decided;
        auto expect = [&](const char* key, const std::optional<std::string>& w,
                          const std::string& got) {
          if (w && *w != got)
            res.problems.push_back(
                fmt::format("{}: expected {}, got {}", key, *w, got.empty() ? "none" : got));
        };
        expect("verdict", want.verdict, std::string(eval::verdict_name(d.verdict)));
        std::vector<std::string> ex;
        for (const auto& x : d.licence.exceptions)
          ex.push_back(x.name);
        for (auto [key, w] : want.lists) {
          std::vector<std::string> got = key == "paragraphs"    ? d.paragraphs
                                         : key == "excluded_by" ? d.excluded_by
                                         : key == "missing"     ? d.missing
                                         : key == "end_items"   ? d.end_items
                                                                : ex;
          std::sort(w.begin(), w.end());
          std::sort(got.begin(), got.end());
          if (w != got) {
            res.problems.push_back(fmt::format("{}: expected [{}], got [{}]", key,
                                               fmt::join(w, ", "), fmt::join(got, ", ")));
          }
        }
        expect("licence", want.licence,
               d.licence.required ? (*d.licence.required ? "true" : "false") : "unknown");
        expect("policy", want.policy,
               d.licence.policy == sema::Policy::none
                   ? "none"
                   : std::string(sema::policy_name(d.licence.policy)));
        if (robust) {
          bool holds = robust->robust && robust->exact;
          if (want.robust && *want.robust != holds)
            res.problems.push_back(
                fmt::format("robust: expected {}, got {}{}", *want.robust, holds,
                            robust->exact ? "" : " (not exact: " + robust->inexact_because + ")"));
          auto compare_set = [&](const char* key, std::vector<std::string> w,
                                 std::vector<std::string> got) {
            std::sort(w.begin(), w.end());
            std::sort(got.begin(), got.end());
            got.erase(std::unique(got.begin(), got.end()), got.end());
            if (w != got)
              res.problems.push_back(fmt::format("{}: expected [{}], got [{}]", key,
                                                 fmt::join(w, ", "), fmt::join(got, ", ")));
          };
          if (want.verdicts) {
            std::vector<std::string> got;
            for (const auto& o : robust->outcomes)
              got.push_back(o.substr(0, o.find_first_of(" ;")));
            compare_set("verdicts", *want.verdicts, got);
          }
          if (want.hinges) {
            std::vector<std::string> got;
            for (const auto& h : robust->hinges)
              got.push_back(h.name);
            compare_set("hinges", *want.hinges, got);
          }
        }
        if (want.flagged && *want.flagged != !d.flags.empty()) {
          res.problems.push_back(
              fmt::format("flagged: expected {}, got {}", *want.flagged, !d.flags.empty()));
        }
      }
      // A known issue documents a case exctl gets wrong today: it is reported, not counted
      // as a failure, and it fails the run once it passes (so the marker gets removed).
      using Status = report::CaseOutcome::Status;
      if (!known_issue.empty()) {
        res.status = res.problems.empty() ? Status::known_passes : Status::known;
        res.known_issue = known_issue;
        ++(res.problems.empty() ? run.failed : run.known);
      } else {
        res.status = res.problems.empty() ? Status::passed : Status::failed;
        ++(res.problems.empty() ? run.passed : run.failed);
      }
      run.cases.push_back(std::move(res));
    }
  }
  return run;
}

}  // namespace exctl::app
