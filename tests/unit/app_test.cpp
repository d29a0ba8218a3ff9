// engine/app: the operations the CLI and `serve` share. Combining the regimes in force,
// looking up chips and models by the names people use, checking and running tables.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/app/check.hpp"
#include "engine/app/decision_tables.hpp"
#include "engine/app/lookup.hpp"
#include "engine/app/sweep.hpp"

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
