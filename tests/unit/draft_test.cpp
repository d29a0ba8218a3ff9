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

// ---- threshold search ----------------------------------------------------------------------

#include <random>

#include "engine/draft/threshold.hpp"

namespace {

using draft::Direction;
using draft::End;

bool catches(Direction d, const Rational& x, const Rational& t) {
  return d == Direction::at_least ? x >= t : x <= t;
}

// Every threshold worth trying for brute force: each value and each half step between.
std::vector<Rational> trial_thresholds() {
  std::vector<Rational> out;
  for (int twice = -2; twice <= 22; ++twice)
    out.push_back(Rational(twice, 2));
  return out;
}

}  // namespace

TEST_CASE("round thresholds: the fewest significant digits, nearest the middle") {
  CHECK(draft::round_in({Rational(1400), false}, {Rational(4000), true}) == Rational(3000));
  CHECK(draft::round_in({Rational(4799), false}, {Rational(4800), true}) == Rational(4800));
  CHECK(draft::round_in({Rational(4799), false}, {Rational(4800), false}) == Rational(47995, 10));
  CHECK(draft::round_in({Rational(592, 100), true}, {Rational(6), false}) == Rational(596, 100));
  CHECK(draft::round_in({Rational(0), false}, {Rational(1), true}) == Rational(1));
  CHECK(draft::round_in({Rational(2), true}, {Rational(2), true}) == Rational(2));
}

TEST_CASE("one metric: the exact interval, its ends, the suggestion inside, the margins") {
  draft::Chips chips{{"a", "b", "c", "d", "e"}, {true, true, false, false, true}};
  draft::MetricValues bw{
      "memory_bandwidth",
      "GB/s",
      {Rational(4000), Rational(3350), Rational(1400), Rational(900), std::nullopt}};
  auto s = draft::separate(chips, {bw}).front();
  REQUIRE(s.separates);
  CHECK(s.direction == Direction::at_least);
  CHECK(s.lo.value == Rational(1400));
  CHECK_FALSE(s.lo.closed);
  CHECK(s.hi.value == Rational(3350));
  CHECK(s.hi.closed);
  CHECK(s.suggested == Rational(2000));
  CHECK(s.nearest_caught == "b");
  CHECK(s.nearest_spared == "c");
  CHECK(s.caught_margin == Rational(1350));
  CHECK(s.spared_margin == Rational(600));
  CHECK(s.unknown == std::vector<std::string>{"e"});

  // Reversed: the spared chips are the high ones.
  draft::Chips low{{"a", "b", "c"}, {true, false, false}};
  auto r = draft::separate(low, {{"x", "", {Rational(1), Rational(5), Rational(9)}}}).front();
  REQUIRE(r.separates);
  CHECK(r.direction == Direction::at_most);
  CHECK(r.lo.closed);
  CHECK_FALSE(r.hi.closed);
}

TEST_CASE("threshold search agrees with brute force on random sets, separable or not") {
  std::mt19937 rng(20261202);
  for (int trial = 0; trial < 300; ++trial) {
    size_t n = 2 + rng() % 9;
    draft::Chips chips;
    std::vector<draft::MetricValues> metrics(3);
    for (size_t i = 0; i < n; ++i) {
      chips.ids.push_back("c" + std::to_string(i));
      chips.caught.push_back(i == 0 || (i != 1 && rng() % 2));  // both sets non-empty
    }
    for (size_t m = 0; m < metrics.size(); ++m) {
      metrics[m].name = "m" + std::to_string(m);
      for (size_t i = 0; i < n; ++i)
        metrics[m].values.push_back(Rational(static_cast<int64_t>(rng() % 10)));
    }
    INFO("trial " << trial);
    // Single metrics: separable iff some threshold gets nothing wrong.
    auto singles = draft::separate(chips, metrics);
    for (size_t m = 0; m < metrics.size(); ++m) {
      size_t best = n + 1;
      for (const auto& t : trial_thresholds()) {
        for (Direction d : {Direction::at_least, Direction::at_most}) {
          size_t wrong = 0, caught = 0;
          for (size_t i = 0; i < n; ++i) {
            bool c = catches(d, *metrics[m].values[i], t);
            wrong += c != chips.caught[i];
            caught += c;
          }
          // The best single threshold reported is a real cut: it catches some, spares some.
          if (wrong == 0 || (caught > 0 && caught < n)) best = std::min(best, wrong);
        }
      }
      CHECK(singles[m].separates == (best == 0));
      if (singles[m].separates) {
        for (size_t i = 0; i < n; ++i)
          CHECK(catches(singles[m].direction, *metrics[m].values[i], singles[m].suggested) ==
                chips.caught[i]);
      } else {
        std::string dump;
        for (size_t i = 0; i < n; ++i)
          dump += metrics[m].values[i]->exact_text() + (chips.caught[i] ? "c " : "s ");
        INFO(dump);
        CHECK(singles[m].no_cut == (best == n + 1));
        if (!singles[m].no_cut) CHECK(singles[m].wrong.size() == best);
      }
    }
    // Pairs: the best rule found gets as few wrong as the best of all thresholds.
    size_t best = n;
    auto thresholds = trial_thresholds();
    for (size_t a = 0; a < metrics.size(); ++a)
      for (size_t b = a + 1; b < metrics.size(); ++b)
        for (const auto& ta : thresholds)
          for (const auto& tb : thresholds)
            for (Direction da : {Direction::at_least, Direction::at_most})
              for (Direction db : {Direction::at_least, Direction::at_most})
                for (bool conj : {true, false}) {
                  size_t wrong = 0;
                  for (size_t i = 0; i < n; ++i) {
                    bool pa = catches(da, *metrics[a].values[i], ta);
                    bool pb = catches(db, *metrics[b].values[i], tb);
                    wrong += (conj ? pa && pb : pa || pb) != chips.caught[i];
                  }
                  best = std::min(best, wrong);
                }
    auto pairs = draft::best_pairs(chips, metrics, 5);
    REQUIRE_FALSE(pairs.empty());
    CHECK(pairs.front().wrong.size() == best);
    for (size_t k = 1; k < pairs.size(); ++k)
      CHECK(pairs[k - 1].wrong.size() <= pairs[k].wrong.size());
    // What a rule says it gets wrong is what it gets wrong.
    for (const auto& p : pairs) {
      size_t wrong = 0;
      for (size_t i = 0; i < n; ++i) {
        bool pa = catches(p.first.direction, *metrics[p.first.metric].values[i], p.first.suggested);
        bool pb =
            catches(p.second.direction, *metrics[p.second.metric].values[i], p.second.suggested);
        wrong += (p.conjunction ? pa && pb : pa || pb) != chips.caught[i];
      }
      CHECK(wrong == p.wrong.size());
    }
  }
}

// ---- sweeps and breakpoints ----------------------------------------------------------------

#include "engine/draft/sweep.hpp"
#include "engine/sema/check.hpp"

namespace {

const char* kSweep = R"(
regime t-sweep {
  title "sweep"
  status draft
  param cut = 4800
  param half = cut / 2
  param bw = 1400 GB/s
  control "A" when tpp >= cut or memory_bandwidth > bw
  control "B" when tpp >= 1000 and tpp < cut
  exclude "N" from "B" when not datacenter and tpp < half
}
)";

bool in_piece(const draft::Piece& p, const Rational& x) {
  return (p.lo_closed ? x >= p.lo : x > p.lo) && (p.hi_closed ? x <= p.hi : x < p.hi);
}

}  // namespace

TEST_CASE("breakpoints agree with a dense sweep, exactly for a parameter as written") {
  auto b = load(kSweep);
  const auto& regime = b->get("t-sweep");
  std::mt19937 rng(7);
  std::vector<eval::FieldValues> chips;
  for (int i = 0; i < 40; ++i) {
    eval::FieldValues v;
    v.set(sema::FieldId::tpp, Rational(static_cast<int64_t>(rng() % 9000)));
    if (i % 5) v.set(sema::FieldId::memory_bandwidth, Rational(static_cast<int64_t>(rng() % 3000)));
    v.set(sema::FieldId::datacenter, i % 2 == 0);
    chips.push_back(v);
  }
  chips.push_back(chips.front());
  chips.back().set(sema::FieldId::tpp, Rational(3000));  // a value exactly on the grid
  eval::Query q{"", "", 20250630};
  for (const std::string param : {"cut", "bw"}) {
    draft::Axis axis{param, regime.params[static_cast<size_t>(regime.find_param(param))].dim,
                     Rational(1000), Rational(8000), Rational(250)};
    DiagnosticSink sink;
    auto bps = draft::breakpoints(regime, q, chips, axis, sink);
    INFO(render_text(sink));
    REQUIRE(bps);
    // "cut" also moves "half", which the exclusion reads: found by bisection there.
    for (const auto& bp : *bps) {
      const auto& pieces = bp.pieces;
      REQUIRE_FALSE(pieces.empty());
      CHECK(pieces.front().lo == axis.from);
      CHECK(pieces.back().hi == axis.to);
      // Every value of a dense grid (and each boundary) has the outcome its piece says.
      std::vector<Rational> xs;
      for (int k = 0; k <= 700; ++k)
        xs.push_back(Rational(1000 + 10 * k));
      for (const auto& p : pieces) {
        xs.push_back(p.lo);
        xs.push_back(p.hi);
      }
      for (const auto& x : xs) {
        auto r = sema::with_params(regime, {{param, x}}, sink);
        REQUIRE(r);
        auto want = draft::caught(eval::decide(*r, chips[bp.chip], q), q);
        const draft::Piece* at = nullptr;
        for (const auto& p : pieces)
          if (in_piece(p, x)) at = &p;
        INFO(param << " = " << x.exact_text() << ", chip " << bp.chip);
        if (!at) {  // only in a bisection's gap, between two pieces, no wider than the resolution
          REQUIRE_FALSE(bp.exact);
          bool in_gap = false;
          for (size_t k = 1; k < pieces.size(); ++k)
            in_gap |= x > pieces[k - 1].hi && x < pieces[k].lo &&
                      pieces[k].lo - pieces[k - 1].hi <= bp.resolution;
          CHECK(in_gap);
          continue;
        }
        CHECK(at->outcome == want);
      }
    }
  }
}

TEST_CASE("a sweep counts and names the chips entering and leaving at each step") {
  auto b = load(kSweep);
  const auto& regime = b->get("t-sweep");
  std::vector<eval::FieldValues> chips(3);
  chips[0].set(sema::FieldId::tpp, Rational(2000));
  chips[1].set(sema::FieldId::tpp, Rational(5000));
  chips[2].set(sema::FieldId::tpp, Rational(500));
  for (auto& c : chips) {
    c.set(sema::FieldId::memory_bandwidth, Rational(100));
    c.set(sema::FieldId::datacenter, true);
  }
  // Controlled (A or B): chip 0 by A while cut <= 2000, by B above; chip 1 always; chip 2
  // by A only while cut <= 500.
  draft::Axis axis{"cut", {}, Rational(0), Rational(6000), Rational(1000)};
  DiagnosticSink sink;
  auto steps = draft::sweep(regime, {"", "", 20250630}, chips, {axis}, sink);
  REQUIRE(steps);
  REQUIRE(steps->size() == 7);
  CHECK((*steps)[0].caught == 3);
  CHECK((*steps)[1].caught == 2);
  CHECK((*steps)[1].left == std::vector<size_t>{2});
  CHECK((*steps)[6].caught == 2);  // cut 6000: chip 1 (5000) falls to B
  // Two axes: a grid, the first axis outer.
  draft::Axis bw{"bw", regime.params[static_cast<size_t>(regime.find_param("bw"))].dim,
                 Rational(50), Rational(150), Rational(100)};
  auto grid = draft::sweep(regime, {"", "", 20250630}, chips, {axis, bw}, sink);
  REQUIRE(grid);
  CHECK(grid->size() == 14);
  CHECK((*grid)[0].values == std::vector<Rational>{Rational(0), Rational(50)});
  CHECK((*grid)[1].values == std::vector<Rational>{Rational(0), Rational(150)});
}
