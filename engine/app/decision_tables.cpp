#include "engine/app/decision_tables.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "engine/app/inputs.hpp"
#include "engine/app/lookup.hpp"
#include "engine/eval/decide.hpp"

namespace exctl::app {
namespace {

namespace fs = std::filesystem;

// Reads a decision table strictly: an unknown key, a value of the wrong type, an unknown
// verdict, regime, chip, country or field is an E0117 at the key or value, never skipped
// or read as a default. A case with such an error is not run; the run exits 2.
class TableReader {
 public:
  TableReader(SourcePtr source, DiagnosticSink& sink) : source_(std::move(source)), sink_(sink) {}

  Span at(const toml::source_region& r) const {
    uint32_t begin = source_->offset(r.begin.line, r.begin.column);
    return Span{source_, begin, std::max(source_->offset(r.end.line, r.end.column), begin + 1)};
  }
  void error(const std::string& message, const toml::source_region& r) {
    sink_.error("E0117", message, at(r));
    ++errors_;
  }
  int errors() const { return errors_; }

  static std::string type_name(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::string:
        return "a string";
      case toml::node_type::integer:
        return "an integer";
      case toml::node_type::floating_point:
        return "a float";
      case toml::node_type::boolean:
        return "a boolean";
      case toml::node_type::array:
        return "an array";
      case toml::node_type::table:
        return "a table";
      case toml::node_type::date:
        return "a date";
      case toml::node_type::time:
        return "a time";
      case toml::node_type::date_time:
        return "a date-time";
      default:
        return "nothing";
    }
  }

  // Each key of `t` that is not in `known` is an error at the key, listing the known keys.
  void only_keys(const toml::table& t, std::initializer_list<std::string_view> known,
                 const std::string& where) {
    for (auto&& [k, v] : t) {
      if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
      error(
          fmt::format("unknown key '{}' in {} (known: {})", k.str(), where, fmt::join(known, ", ")),
          k.source());
    }
  }

  std::optional<std::string> string(const toml::table& t, std::string_view key,
                                    const std::string& what) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (auto s = n->value_exact<std::string>()) return *s;
    error(fmt::format("'{}' must be a string ({}), found {}", key, what, type_name(*n)),
          n->source());
    return std::nullopt;
  }
  std::optional<bool> boolean(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (auto b = n->value_exact<bool>()) return *b;
    error(fmt::format("'{}' must be true or false, found {}", key, type_name(*n)), n->source());
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> strings(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    const auto* arr = n->as_array();
    if (!arr) {
      error(fmt::format("'{}' must be an array of strings (write [\"...\"] even for one), found {}",
                        key, type_name(*n)),
            n->source());
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& x : *arr) {
      if (auto s = x.value_exact<std::string>()) {
        out.push_back(*s);
      } else {
        error(fmt::format("'{}' must be an array of strings, found {} in it", key, type_name(x)),
              x.source());
        ok = false;
      }
    }
    return ok ? std::optional(out) : std::nullopt;
  }
  // A value of a synthetic spec as set_field reads it. A float is read from its text in the
  // file, as a decimal, so it is never rounded through double.
  std::optional<std::string> spec_value(const toml::node& v) {
    if (auto b = v.value_exact<bool>()) return *b ? "true" : "false";
    if (auto i = v.value_exact<int64_t>()) return std::to_string(*i);
    if (v.is_floating_point()) {
      const auto& r = v.source();
      uint32_t begin = source_->offset(r.begin.line, r.begin.column);
      uint32_t end = source_->offset(r.end.line, r.end.column);
      std::string text = source_->text().substr(begin, end > begin ? end - begin : 0);
      while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.pop_back();
      return text;
    }
    if (auto s = v.value_exact<std::string>()) return *s;
    error(
        fmt::format("a spec value must be a number, a string or a boolean, found {}", type_name(v)),
        v.source());
    return std::nullopt;
  }

 private:
  SourcePtr source_;
  DiagnosticSink& sink_;
  int errors_ = 0;
};

// What a case expects; each present key is compared with the decision.
struct Expectation {
  std::optional<std::string> verdict, policy, licence;
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;
  std::optional<bool> flagged;
  bool any() const { return verdict || policy || licence || flagged || !lists.empty(); }
};

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
    TableReader rd(source, session.sink);
    toml::table root;
    try {
      root = toml::parse(source->text(), path);
    } catch (const toml::parse_error& e) {
      rd.error(fmt::format("toml syntax error: {}", e.description()), e.source());
      continue;
    }
    rd.only_keys(root, {"regime", "case"}, "a decision table");
    const sema::Regime* file_regime = nullptr;
    if (const toml::node* n = root.get("regime")) {
      if (auto id = rd.string(root, "regime", "a regime id")) {
        file_regime = book->find(*id);
        if (!file_regime)
          rd.error(fmt::format("'regime' names no known regime ('{}')", *id), n->source());
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
      rd.error(fmt::format("'case' must be [[case]] tables, found {}",
                           TableReader::type_name(*case_node)),
               case_node->source());
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
      int errors_before = rd.errors();
      report::CaseOutcome res;
      res.path = path;
      res.name = rd.string(c, "name", "the case's name").value_or("(unnamed)");
      res.line = node.source().begin.line;
      rd.only_keys(
          c,
          {"name", "regime", "chip", "spec", "to", "hq", "date", "verdict", "paragraphs", "licence",
           "policy", "exceptions", "missing", "excluded_by", "end_items", "flagged", "known_issue"},
          "a [[case]]");
      const sema::Regime* regime = file_regime;
      if (auto r = rd.string(c, "regime", "a regime id")) {
        regime = book->find(*r);
        if (!regime)
          rd.error(fmt::format("no regime is named '{}'", *r), c.get("regime")->source());
      }
      sema::DateKey date = 20250630;  // docs: a case without a date is decided on 2025-06-30
      if (const toml::node* n = c.get("date")) {
        if (auto d = n->value_exact<toml::date>()) {
          date = static_cast<sema::DateKey>(d->year * 10000 + d->month * 100 + d->day);
        } else if (auto s = rd.string(c, "date", "YYYY-MM-DD")) {
          if (auto parsed = sema::parse_date(*s))
            date = *parsed;
          else
            rd.error(fmt::format("'date' must be a date like \"2025-06-30\", not '{}'", *s),
                     n->source());
        }
      }
      std::string to, hq;
      for (auto [key, into] : {std::pair{"to", &to}, std::pair{"hq", &hq}}) {
        if (auto v = rd.string(c, key, "an ISO 3166-1 alpha-2 code")) {
          if (!is_iso_country(*v)) {
            rd.error(fmt::format(
                         "'{}' must be an assigned ISO 3166-1 alpha-2 code in capitals (such as CN "
                         "or DE), not '{}'",
                         key, *v),
                     c.get(key)->source());
          } else {
            *into = *v;
          }
        }
      }
      eval::FieldValues values;
      const toml::node* chip_node = c.get("chip");
      const toml::node* spec_node = c.get("spec");
      if (chip_node && spec_node) {
        rd.error("a case takes 'chip' or 'spec', not both", spec_node->source());
      } else if (chip_node) {
        if (auto chip_name = rd.string(c, "chip", "a chip id, name or alias")) {
          DiagnosticSink local;
          if (const Chip* chip = resolve_chip(*chips, *chip_name, local)) {
            values = eval::chip_values(*chip, compute_metrics(*chip, session.options), date);
          } else {
            auto d = local.sorted().front();
            rd.error(d.message, chip_node->source());
          }
        }
      } else if (spec_node) {
        if (const auto* spec = spec_node->as_table()) {
          for (auto&& [k, v] : *spec) {
            if (auto text = rd.spec_value(v)) {
              std::string problem = eval::set_field(values, std::string(k.str()), *text);
              if (!problem.empty()) {
                bool key_problem = problem.rfind("unknown field", 0) == 0;
                rd.error(problem, key_problem ? k.source() : v.source());
              }
            }
          }
          values.set(sema::FieldId::export_year, Rational(date / 10000));
        } else {
          rd.error(fmt::format(
                       "'spec' must be a table of field values ({{ tpp = 4800, ... }}), found {}",
                       TableReader::type_name(*spec_node)),
                   spec_node->source());
        }
      } else {
        rd.error("a case needs 'chip' or 'spec'", node.source());
      }

      Expectation want;
      if (auto v =
              rd.string(c, "verdict", "controlled, not_controlled, excluded or indeterminate")) {
        if (std::find(kVerdicts.begin(), kVerdicts.end(), *v) == kVerdicts.end()) {
          rd.error(
              fmt::format("'verdict' must be one of {}, not '{}'", fmt::join(kVerdicts, ", "), *v),
              c.get("verdict")->source());
        } else {
          want.verdict = *v;
        }
      }
      if (auto v = rd.string(c, "policy", "a review policy or none")) {
        if (*v != "none" && !sema::policy_from_name(*v)) {
          rd.error(fmt::format("'policy' must be none, presumption_of_denial, case_by_case or "
                               "presumption_of_approval, not '{}'",
                               *v),
                   c.get("policy")->source());
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
          rd.error(fmt::format("'licence' must be true, false or \"unknown\", found {}",
                               s ? "'" + *s + "'" : TableReader::type_name(*n)),
                   n->source());
        }
      }
      for (const char* key : kListKeys) {
        if (auto v = rd.strings(c, key)) want.lists.emplace_back(key, *v);
      }
      want.flagged = rd.boolean(c, "flagged");
      std::string known_issue =
          rd.string(c, "known_issue", "why the case fails today").value_or("");
      if (c.contains("known_issue") && known_issue.empty())
        rd.error("'known_issue' must say why the case fails today", c.get("known_issue")->source());
      if (!want.any() && rd.errors() == errors_before) {
        rd.error(
            "a case needs an expectation: verdict, paragraphs, licence, policy, exceptions, "
            "missing, "
            "excluded_by, end_items or flagged",
            node.source());
      }
      if (rd.errors() != errors_before) continue;  // a malformed case is not run

      eval::Query q{to, hq, date};
      std::optional<eval::Decision> decided;
      try {
        decided = eval::decide(*regime, values, q);
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
