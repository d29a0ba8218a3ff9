// engine/draft: what changes between two regimes, for a chip and in the rules as written.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/draft/diff.hpp"
#include "engine/eval/decide.hpp"
#include "engine/sema/rulebook.hpp"
#include "rules/builtin_rules.hpp"

namespace {

using namespace exctl;
using draft::OutcomeChange;

struct Book {
  DiagnosticSink sink;
  std::optional<sema::Rulebook> book;
  const sema::Regime& get(const std::string& id) const {
    const sema::Regime* r = book->find(id);
    REQUIRE(r != nullptr);
    return *r;
  }
};

std::unique_ptr<Book> load(const std::string& draft_text) {
  auto out = std::make_unique<Book>();
  std::vector<SourcePtr> files = rules::builtin_rule_sources();
  files.push_back(std::make_shared<SourceFile>("draft.rules", draft_text));
  out->book = sema::load_rulebook(files, rules::builtin_country_groups(), out->sink);
  INFO(render_text(out->sink));
  REQUIRE(out->book);
  REQUIRE_FALSE(out->sink.has_errors());
  return out;
}

// Two regimes: a base with a TPP threshold and a licence, and a draft that lowers the
// threshold and adds a paragraph on memory bandwidth.
const char* kDraft = R"(
regime t-base {
  title "base"
  status draft
  param cut = 4800
  control "A" when tpp >= cut
  licence for "A" to CN policy presumption_of_denial
}
regime t-draft extends t-base {
  status draft
  param cut = 2400
  control "B" when memory_bandwidth >= 1400 GB/s
  licence for "B" to CN policy case_by_case
}
)";

eval::FieldValues chip(std::optional<int> tpp, std::optional<int> bandwidth) {
  eval::FieldValues v;
  if (tpp) v.set(sema::FieldId::tpp, Rational(*tpp));
  if (bandwidth) v.set(sema::FieldId::memory_bandwidth, Rational(*bandwidth));
  return v;
}

draft::OutcomeDiff compare(const Book& b, const eval::FieldValues& v) {
  eval::Query q{"CN", "", 20250630};
  return draft::diff_outcomes(eval::decide(b.get("t-base"), v, q),
                              eval::decide(b.get("t-draft"), v, q));
}

}  // namespace

TEST_CASE("outcome diff: each kind of change, with the clauses that make it") {
  auto b = load(kDraft);
  // Caught by the lower threshold: the why is paragraph A on both sides.
  auto caught = compare(*b, chip(3000, 100));
  CHECK(caught.change == OutcomeChange::caught);
  REQUIRE_FALSE(caught.why.empty());
  CHECK(caught.why.front().id == "A");
  REQUIRE(caught.why.front().before);
  REQUIRE(caught.why.front().after);
  CHECK(caught.why.front().before->result == Truth::no);
  CHECK(caught.why.front().after->result == Truth::yes);

  // Controlled on both sides, under A only and then A and B.
  auto paragraphs = compare(*b, chip(5000, 2000));
  CHECK(paragraphs.change == OutcomeChange::paragraphs);
  CHECK(paragraphs.why.size() >= 1);
  CHECK(paragraphs.why.front().id == "B");
  CHECK_FALSE(paragraphs.why.front().before);  // the base has no paragraph B

  // Below both thresholds: nothing changes.
  CHECK(compare(*b, chip(1000, 100)).change == OutcomeChange::unchanged);

  // A missing TPP leaves the base undecided; the draft controls it under B whatever TPP is.
  // Indeterminate on one side is its own kind of change, not "caught".
  auto unknown = compare(*b, chip(std::nullopt, 2000));
  CHECK(unknown.change == OutcomeChange::indeterminate);
}

TEST_CASE("outcome diff: the licence side alone") {
  auto base = eval::Decision{};
  base.verdict = eval::Verdict::controlled;
  base.paragraphs = {"A"};
  base.licence.asked = true;
  base.licence.required = true;
  base.licence.policy = sema::Policy::presumption_of_denial;
  auto after = base;
  after.licence.policy = sema::Policy::case_by_case;
  auto d = draft::diff_outcomes(base, after);
  CHECK(d.change == OutcomeChange::licence);
  CHECK(d.aspects == std::vector<std::string>{"policy"});
  after = base;
  after.verdict = eval::Verdict::not_controlled;
  after.paragraphs.clear();
  CHECK(draft::diff_outcomes(base, after).change == OutcomeChange::released);
}

TEST_CASE("rule diff: overridden parameters, added clauses, inherited ones unchanged") {
  auto b = load(kDraft);
  auto changes = draft::diff_rules(b->get("t-base"), b->get("t-draft"));
  auto find = [&](const std::string& section, const std::string& id) {
    auto it = std::find_if(changes.begin(), changes.end(),
                           [&](const auto& c) { return c.section == section && c.id == id; });
    return it == changes.end() ? nullptr : &*it;
  };
  const auto* cut = find("param", "cut");
  REQUIRE(cut);
  CHECK(cut->kind == draft::RuleChange::Kind::changed);
  CHECK(cut->before == "4,800");
  CHECK(cut->after == "2,400");
  const auto* b_control = find("control", "B");
  REQUIRE(b_control);
  CHECK(b_control->kind == draft::RuleChange::Kind::added);
  CHECK(b_control->after == "control \"B\" when memory_bandwidth >= 1400 GB/s");
  CHECK(find("control", "A") == nullptr);  // inherited as written
  // A licence rule has no id: the added one is found by its text.
  CHECK(std::count_if(changes.begin(), changes.end(),
                      [](const auto& c) { return c.section == "licence"; }) == 1);
  CHECK(draft::diff_rules(b->get("t-base"), b->get("t-base")).empty());
}

TEST_CASE("clause text is one line without comments, strings kept as written") {
  auto file = std::make_shared<SourceFile>(
      "x.rules", "control \"A  B\"  # a comment\n    when tpp >= 4800\n  cite \"x # y\"");
  Span all{file, 0, static_cast<uint32_t>(file->text().size())};
  CHECK(draft::clause_text(all) == "control \"A  B\" when tpp >= 4800 cite \"x # y\"");
}
