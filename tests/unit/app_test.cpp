// engine/app: the operations the CLI and `serve` share. Combining the regimes in force,
// looking up chips and models by the names people use, checking and running tables.
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/app/check.hpp"
#include "engine/app/decision_tables.hpp"
#include "engine/app/lookup.hpp"
#include "engine/app/robust.hpp"
#include "engine/app/sweep.hpp"
#include "engine/report/decision_report.hpp"

namespace {

using namespace exctl;
using eval::Verdict;
using sema::Policy;

eval::Decision decision(Verdict v, Policy p, bool licence) {
  eval::Decision d;
  d.verdict = v;
  d.licence.asked = true;
  d.licence.truth = licence ? Truth::yes : Truth::no;
  d.licence.required = licence;
  d.licence.policy = p;
  return d;
}

std::string source(const std::string& relative) {
  return std::string(EXCTL_SOURCE_DIR) + "/" + relative;
}

}  // namespace

TEST_CASE("several regimes in force: the strictest review policy holds, in either order") {
  auto denial = decision(Verdict::controlled, Policy::presumption_of_denial, true);
  auto approval = decision(Verdict::controlled, Policy::presumption_of_approval, true);
  auto lenient = decision(Verdict::not_controlled, Policy::none, false);
  CHECK(app::combine({denial, approval}).licence.policy == Policy::presumption_of_denial);
  CHECK(app::combine({approval, denial}).licence.policy == Policy::presumption_of_denial);
  CHECK(app::combine({approval, lenient}).licence.policy == Policy::presumption_of_approval);
  auto both = app::combine({lenient, denial});
  CHECK(both.verdict == Verdict::controlled);
  CHECK(both.licence.required == std::optional<bool>(true));
  CHECK(app::combine({lenient, lenient}).licence.required == std::optional<bool>(false));
}

TEST_CASE("check --regime current with a lenient draft in force reports the strictest policy") {
  app::Session session;
  session.rule_files = {source("tests/data/lenient_in_force.rules")};
  app::CheckRequest request;
  request.chips = {"H100"};
  request.regimes = {"current"};
  request.to = {"CN", true};
  request.date = {"2025-06-30", true};
  auto run = app::check_chips(session, request);
  INFO(render_text(session.sink));
  REQUIRE(run);
  REQUIRE(run->rows.size() == 1);
  const auto& d = run->rows.front().decision;
  CHECK(d.regime == "current");
  CHECK(d.licence.policy == Policy::presumption_of_denial);
  CHECK(std::find(d.paragraphs.begin(), d.paragraphs.end(), "T.1") != d.paragraphs.end());
}

TEST_CASE("current regimes: the leaves in force on the date, ancestors folded in") {
  app::Session session;
  auto book = session.load_rules();
  REQUIRE(book);
  auto ids = [&](sema::DateKey date, std::string_view exporter = {}) {
    std::vector<std::string> out;
    for (const auto* r : app::current_regimes(*book, date, exporter))
      out.push_back(r->id);
    return out;
  };
  CHECK(ids(20250630) == std::vector<std::string>{"us-2024-12"});
  CHECK(ids(20240101) == std::vector<std::string>{"us-2023-10"});
  CHECK(ids(20200101).empty());
  // Is-informed letters only for their addressees; the 2026 layer supersedes the letter.
  CHECK(ids(20250630, "NVIDIA") == std::vector<std::string>{"us-2025-04-h20"});
  CHECK(ids(20250630, "Acme") == std::vector<std::string>{"us-2024-12"});
  CHECK(ids(20260601, "amd") == std::vector<std::string>{"us-2026-01-h20", "us-2026-01"});
  CHECK(ids(20220901, "NVIDIA") == std::vector<std::string>{"us-2022-08-letter"});
  CHECK(ids(20231101, "NVIDIA") == std::vector<std::string>{"us-2023-10-early"});
}

TEST_CASE("chips and models resolve by id, name or alias, ignoring case and punctuation") {
  app::Session session;
  auto chips = session.load_chips();
  REQUIRE(chips);
  DiagnosticSink sink;
  const Chip* h100 = app::resolve_chip(*chips, "h-100 sxm", sink);
  REQUIRE(h100);
  CHECK(h100->id == "nvidia-h100-sxm");
  CHECK(app::resolve_chip(*chips, "no-such-chip", sink) == nullptr);
  CHECK(app::resolve_chip(*chips, "a", sink) == nullptr);  // too short to be a part of a name
  auto codes = [&] {
    std::vector<std::string> out;
    for (const auto& d : sink.sorted())
      out.push_back(d.code);
    return out;
  };
  CHECK(codes() == std::vector<std::string>{"E0101", "E0101"});

  auto models = session.load_models();
  REQUIRE(models);
  DiagnosticSink model_sink;
  const auto* llama = app::find_model(*models, "Llama 3.1 8B", model_sink);
  REQUIRE(llama);
  CHECK(llama->id == "llama-3.1-8b");
  CHECK(app::find_model(*models, "llama", model_sink) == nullptr);  // several: E0502
  REQUIRE(model_sink.sorted().size() == 1);
  CHECK(model_sink.sorted().front().code == "E0502");
}

TEST_CASE("bad check arguments are diagnostics, not a verdict") {
  app::Session session;
  app::CheckRequest request;
  request.chips = {"H100"};
  request.to = {"XX", true};
  CHECK_FALSE(app::check_chips(session, request));
  REQUIRE(session.sink.has_errors());
  CHECK(session.sink.sorted().front().code == "E0113");

  app::Session again;
  request.to = {"CN", true};
  request.regimes = {"us-2099"};
  CHECK_FALSE(app::check_chips(again, request));
  CHECK(again.sink.sorted().front().code == "E0114");
}

TEST_CASE("a shipped decision table runs clean through the application layer") {
  app::Session session;
  auto run = app::run_decision_tables(session, {source("rules/us-2023-10.cases.toml")});
  INFO(render_text(session.sink));
  REQUIRE(run);
  CHECK(run->failed == 0);
  CHECK(run->passed > 10);
  CHECK(run->passed == static_cast<int>(run->cases.size()));
}

// What check --robust finds for each chip, as the sweep counts it: caught whatever the
// reading, or depending on one.
struct RobustCounts {
  size_t always = 0, depends = 0;
};

RobustCounts robust_counts(const std::string& regime, const std::string& to) {
  app::Session session;
  app::CheckRequest request;
  request.all = true;
  request.regimes = {regime};
  request.to = {to, !to.empty()};
  request.date = {"2026-06-01", true};
  request.robust = true;
  auto run = app::check_chips(session, request);
  REQUIRE(run);
  RobustCounts out;
  for (const auto& v : app::robust_check(*run, session.options)) {
    std::set<std::string> caught;
    for (const auto& o : v.outcomes) {
      if (to.empty())
        caught.insert(o.substr(0, o.find(' ')));
      else
        caught.insert(o.find("licence required") != std::string::npos       ? "yes"
                      : o.find("licence not required") != std::string::npos ? "no"
                                                                            : "unknown");
    }
    bool yes = caught.count(to.empty() ? "controlled" : "yes");
    out.always += caught.size() == 1 && yes;
    out.depends += caught.size() > 1;
  }
  return out;
}

TEST_CASE("a robust sweep at a regime's own values counts what check --robust finds") {
  struct Case {
    std::string regime, param, to;
  };
  for (const auto& c :
       {Case{"us-2025-04-h20", "dram_cap=1400GB/s..1400GB/s", "CN"},
        Case{"us-2023-10", "tpp_a=4800..4800", ""}, Case{"us-2023-10", "tpp_a=4800..4800", "CN"}}) {
    INFO(c.regime << " to '" << c.to << "'");
    app::Session session;
    app::SweepRequest request;
    request.regime = c.regime;
    request.params = {c.param};
    request.to = {c.to, !c.to.empty()};
    request.date = {"2026-06-01", true};
    request.robust = true;
    auto result = app::sweep_regime(session, request);
    REQUIRE(result);
    REQUIRE(result->steps.size() == 1);
    const auto& step = result->steps.front();
    auto expected = robust_counts(c.regime, c.to);
    CHECK(step.caught_always == expected.always);
    CHECK(step.depends.size() == expected.depends);
    CHECK(step.caught_always <= step.caught);
  }
}

TEST_CASE("a sweep too large to finish is refused before it starts") {
  // 20,001 catalogue rows x 100,001 values of tpp_a: over two billion decisions.
  auto path = std::filesystem::temp_directory_path() / "exctl_app_test_big_catalogue.csv";
  {
    std::ofstream out(path);
    out << "id,tpp\n";
    for (int i = 0; i <= 20000; ++i)
      out << "c" << i << "," << i % 9000 << "\n";
  }
  app::Session session;
  app::SweepRequest request;
  request.regime = "us-2023-10";
  request.params = {"tpp_a=0..100000/1"};
  request.specs = path.string();
  request.date = {"2024-06-01", true};
  CHECK_FALSE(app::sweep_regime(session, request));
  std::filesystem::remove(path);
  REQUIRE(session.sink.has_errors());
  CHECK(session.sink.sorted().front().code == "E0604");
}

namespace {

// A catalogue of `rows` random chips: every field the shipped regimes read, values on, just
// below and just above their thresholds or anywhere, about one value in seven missing.
std::filesystem::path random_catalogue(const std::string& name, int rows, unsigned seed) {
  // Named per process: two suites at once (two build trees) must not share the file.
  auto path = std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-" + name);
  std::ofstream out(path);
  std::mt19937 rng(seed);
  auto pick = [&](std::vector<std::string> values) {
    if (rng() % 7 == 0) return std::string();
    return values[rng() % values.size()];
  };
  auto boolean = [&] { return pick({"true", "false"}); };
  out << "id,tpp,performance_density,die_area,memory_bandwidth,memory_capacity,"
         "interconnect_bandwidth,host_link_bandwidth,transistors,tdp,memory_bandwidth_density,"
         "release_year,datacenter,has_hbm,is_hbm_item,advanced_logic,us_available\n";
  for (int i = 0; i < rows; ++i) {
    out << "chip-" << i << ","
        << pick({"0", "1599", "1600", "2399", "2400", "4799", "4800", "4801", "15832",
                 std::to_string(rng() % 20000)})
        << "," << pick({"1.59", "1.6", "3.19", "3.2", "5.91", "5.92", "10", "0.5"}) << ","
        << pick({"0", "400", "814", "1600"}) << ","
        << pick({"1399 GB/s", "1400 GB/s", "4000 GB/s", "4.1 TB/s", "800 GB/s"}) << ","
        << pick({"24 GB", "80 GB", "96 GB"}) << ","
        << pick({"0 GB/s", "599 GB/s", "600 GB/s", "900 GB/s", "1100 GB/s"}) << ","
        << pick({"64 GB/s", "128 GB/s"}) << "," << pick({"30000000000", "80000000000"}) << ","
        << pick({"300", "700"}) << "," << pick({"1.9", "2", "3.3", "0"}) << ","
        << pick({"2020", "2023", "2025"}) << "," << boolean() << "," << boolean() << ","
        << boolean() << "," << boolean() << "," << pick({"2024-01-01", "2026-03-01", "never"})
        << "\n";
  }
  return path;
}

// Every row of a catalogue check as comparable text: what a user reads in each column.
std::string row_text(std::string_view chip, const eval::Decision& d) {
  std::string s = std::string(chip) + "|" + d.regime + "|" +
                  std::string(eval::verdict_name(d.verdict)) + "|" +
                  report::licence_text(d.licence);
  for (const auto* list :
       {&d.paragraphs, &d.excluded_by, &d.missing, &d.flags, &d.end_items, &d.licence.reasons}) {
    s += "|";
    for (const auto& x : *list)
      s += x + ";";
  }
  s += "|" + std::string(sema::policy_name(d.licence.policy));
  for (const auto& x : d.licence.exceptions)
    s += "|" + x.name;
  return s;
}

}  // namespace

TEST_CASE(
    "a catalogue decided in batches through the compiled form agrees row for row with "
    "decide()") {
  auto path = random_catalogue("exctl_app_test_batches.csv", 4000, 20261202);
  struct Query {
    std::string to, hq, date, exporter;
  };
  for (const Query& q :
       {Query{"CN", "", "2025-06-01", ""}, Query{"SA", "CN", "2026-02-01", "NVIDIA"},
        Query{"IN", "US", "2025-03-01", ""}, Query{"", "", "2024-06-01", ""}}) {
    CAPTURE(q.to, q.hq, q.date, q.exporter);
    app::CheckRequest request;
    request.specs = path.string();
    request.to = {q.to, !q.to.empty()};
    request.hq = {q.hq, !q.hq.empty()};
    request.date = {q.date, true};
    request.exporter = q.exporter;
    request.regimes = {};  // every shipped regime ...
    std::vector<std::string> by_row, in_batches;
    app::Session one;
    auto a = app::check_catalogue(one, request, [&](const auto& rows) {
      for (const auto& r : rows)
        by_row.push_back(row_text(r.chip, r.decision));
    });
    request.regimes = {};
    app::Session two;
    auto b = app::check_catalogue_compiled(
        two, request, [&](std::string_view chip, const eval::Decision& d, bool) {
          in_batches.push_back(row_text(chip, d));
        });
    REQUIRE(a);
    REQUIRE(b);
    CHECK(*a == *b);
    REQUIRE(by_row.size() == in_batches.size());
    CHECK(by_row.size() > 4000);
    for (size_t i = 0; i < by_row.size(); ++i) {
      if (by_row[i] != in_batches[i]) {
        CAPTURE(i);
        CHECK(by_row[i] == in_batches[i]);
        break;
      }
    }
    // ... and "current", the regimes in force combined.
    request.regimes = {"current"};
    by_row.clear();
    in_batches.clear();
    app::Session three, four;
    app::check_catalogue(three, request, [&](const auto& rows) {
      for (const auto& r : rows)
        by_row.push_back(row_text(r.chip, r.decision));
    });
    app::check_catalogue_compiled(four, request,
                                  [&](std::string_view chip, const eval::Decision& d, bool) {
                                    in_batches.push_back(row_text(chip, d));
                                  });
    REQUIRE(by_row.size() == 4000);
    CHECK(by_row == in_batches);
  }
  std::filesystem::remove(path);
}

TEST_CASE(
    "a UTF-8 byte order mark before a CSV catalogue's header is not part of its first column") {
  auto path = std::filesystem::temp_directory_path() / "exctl_app_test_bom.csv";
  std::ofstream(path) << "\xEF\xBB\xBFid,tpp\r\nbom-chip,4800\r\n";
  app::Session session;
  app::CheckRequest request;
  request.specs = path.string();
  request.regimes = {"us-2023-10"};
  request.date = {"2024-06-01", true};
  std::vector<std::string> chips;
  auto failures = app::check_catalogue_compiled(
      session, request, [&](std::string_view chip, const eval::Decision& d, bool) {
        chips.push_back(std::string(chip) + " " + std::string(eval::verdict_name(d.verdict)));
      });
  CHECK(failures);
  CHECK_FALSE(session.sink.has_errors());
  CHECK(chips == std::vector<std::string>{"bom-chip controlled"});
  std::filesystem::remove(path);
}

namespace {

std::set<std::string> ids_of(const sema::Rulebook& book) {
  std::set<std::string> ids;
  for (const auto& r : book.regimes)
    ids.insert(r.id);
  return ids;
}

}  // namespace

TEST_CASE("a check of named regimes reads only their rule files and those they name") {
  app::Session wanted;
  wanted.regimes_wanted = {"us-2026-01-h20"};
  REQUIRE(wanted.prepare());
  auto book = wanted.load_rules();
  REQUIRE(book);
  // extends us-2025-04-h20 -> us-2024-12 -> us-2023-10, which supersedes us-2022-10.
  CHECK(ids_of(*book) == std::set<std::string>{"us-2022-10", "us-2023-10", "us-2024-12",
                                               "us-2025-04-h20", "us-2026-01-h20"});

  app::Session unknown;
  unknown.regimes_wanted = {"no-such-regime"};
  REQUIRE(unknown.prepare());
  app::Session all;
  REQUIRE(all.prepare());
  auto every = all.load_rules();
  REQUIRE(every);
  CHECK(ids_of(*unknown.load_rules()) == ids_of(*every));  // to list them in the error
}

TEST_CASE("a rule file's regime reads the shipped regimes it extends") {
  auto dir = std::filesystem::temp_directory_path() / "exctl-app-wanted";
  std::filesystem::create_directories(dir);
  auto path = (dir / "draft.rules").string();
  std::ofstream(path) << "regime my-draft extends us-2024-12 {\n"
                         "  title \"t\"\n  citation \"c\"\n  status draft\n}\n";
  app::Session s;
  s.rule_files = {path};
  s.regimes_wanted = {"my-draft"};
  REQUIRE(s.prepare());
  auto book = s.load_rules();
  REQUIRE(book);
  CHECK(ids_of(*book) ==
        std::set<std::string>{"my-draft", "us-2022-10", "us-2023-10", "us-2024-12"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("every shipped regime decides every chip alike from its own files or from all") {
  app::Session all;
  REQUIRE(all.prepare());
  auto every = all.load_rules();
  REQUIRE(every);
  auto shared = std::make_shared<const sema::Rulebook>(std::move(*every));
  for (const auto& regime : shared->regimes) {
    for (const char* to : {"CN", "DE", "VN"}) {
      // A check of named regimes reads their files alone, unless the whole book is given.
      auto run = [&](bool named_only) {
        app::Session s;
        REQUIRE(s.prepare());
        if (!named_only) s.rulebook_cache = shared;
        app::CheckRequest r;
        r.regimes = {regime.id};
        r.all = true;
        r.to = {to, true};
        r.date = {"2026-06-01", true};
        auto checked = app::check_chips(s, r);
        REQUIRE(checked);
        std::vector<std::string> out;
        for (const auto& row : checked->rows)
          out.push_back(report::decision_json(row).dump());
        return out;
      };
      INFO(regime.id << " to " << to);
      CHECK(run(true) == run(false));
    }
  }
}

TEST_CASE("a check of every regime after one of a named regime reads every rule file again") {
  app::Session s;
  REQUIRE(s.prepare());
  app::CheckRequest named;
  named.regimes = {"us-2023-10"};
  named.chips = {"H100"};
  auto first = app::check_chips(s, named);
  REQUIRE(first);
  CHECK(first->check->book().regimes.size() < 5);
  app::CheckRequest every;
  every.chips = {"H100"};
  auto second = app::check_chips(s, every);
  REQUIRE(second);
  app::Session fresh;
  REQUIRE(fresh.prepare());
  CHECK(second->check->book().regimes.size() == fresh.load_rules()->regimes.size());
}
