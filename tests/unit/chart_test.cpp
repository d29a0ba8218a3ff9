// engine/draft/plane and engine/report/svg, chart: the regions of a regime on a plane,
// label placement, escaping, number formatting and writing a file whole.
#include "engine/report/chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <locale>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "engine/base/files.hpp"
#include "engine/draft/plane.hpp"
#include "engine/report/svg.hpp"
#include "engine/sema/rulebook.hpp"
#include "rules/builtin_rules.hpp"

namespace {

using namespace exctl;
using sema::FieldId;

const sema::Rulebook& book() {
  static auto b = [] {
    DiagnosticSink sink;
    auto r =
        sema::load_rulebook(rules::builtin_rule_sources(), rules::builtin_country_groups(), sink);
    REQUIRE(r);
    return std::make_unique<sema::Rulebook>(std::move(*r));
  }();
  return *b;
}

draft::PlaneRegions tpp_pd(const std::string& regime) {
  draft::PlaneRequest req;
  req.x = FieldId::tpp;
  req.y = FieldId::performance_density;
  req.x_lo = 100;
  req.x_hi = 100000;
  req.y_lo = 0.1;
  req.y_hi = 100;
  req.straight_sums = false;
  req.fixed.set(FieldId::datacenter, true);
  const auto* r = book().find(regime);
  REQUIRE(r);
  return draft::plane_regions(*r, req);
}

std::string region_at(const draft::PlaneRegions& p, double x, double y) {
  const auto* c = draft::cell_at(p, {x, y});
  REQUIRE(c);
  return c->depends ? "depends" : c->paragraph.empty() ? "-" : c->paragraph;
}

}  // namespace

TEST_CASE("the 2023 regions are the rule's: .a, .b and not controlled") {
  auto p = tpp_pd("us-2023-10");
  CHECK(p.paragraphs == std::vector<std::string>{"3A090.a", "3A090.b"});
  CHECK(region_at(p, 15832, 19.5) == "3A090.a");  // H100
  CHECK(region_at(p, 2368, 2.9) == "-");          // H20: below TPP 2,400 and PD 3.2
  CHECK(region_at(p, 2500, 2.0) == "3A090.b");    // b.1
  CHECK(region_at(p, 1700, 4.0) == "3A090.b");    // b.2
  CHECK(region_at(p, 1700, 6.0) == "3A090.a");    // a.2
  CHECK(region_at(p, 1500, 50) == "-");           // below the TPP floor
  CHECK(region_at(p, 5000, 0.2) == "3A090.a");    // a.1 whatever the density
  // Every threshold of the regime on these axes is drawn, with its value.
  std::vector<std::string> lines;
  for (const auto& l : p.lines)
    lines.push_back(fmt::format("{}{}{}", l.a, l.b, l.c.exact_text()));
  for (const char* want : {"104800", "101600", "102400", "015.92", "011.6", "013.2"})
    CHECK(std::find(lines.begin(), lines.end(), want) != lines.end());
  // The cells tile the viewport.
  double area = 0;
  for (const auto& c : p.cells) {
    double s = 0;
    for (size_t i = 0; i < c.polygon.size(); ++i) {
      const auto& [x0, y0] = c.polygon[i];
      const auto& [x1, y1] = c.polygon[(i + 1) % c.polygon.size()];
      s += x0 * y1 - x1 * y0;
    }
    area += s / 2;
  }
  CHECK(area == Approx((100000 - 100) * (100 - 0.1)).epsilon(1e-9));
}

TEST_CASE("a region that depends on a value off the plane is marked, with the field") {
  auto p = tpp_pd("us-2022-10");
  CHECK(region_at(p, 15832, 19.5) == "depends");
  CHECK(region_at(p, 2368, 2.9) == "-");
  const auto* c = draft::cell_at(p, {15832, 19.5});
  CHECK(std::find(c->missing.begin(), c->missing.end(), "interconnect_bandwidth") !=
        c->missing.end());
}

TEST_CASE("the bandwidth plane draws the sum criterion and the 2026 window") {
  draft::PlaneRequest req;
  req.x = FieldId::memory_bandwidth;
  req.y = FieldId::interconnect_bandwidth;
  req.x_hi = 10000;
  req.y_hi = 3000;
  req.fixed.set(FieldId::datacenter, true);
  auto p = draft::plane_regions(*book().find("us-2026-01-h20"), req);
  CHECK(p.paragraphs == std::vector<std::string>{"H20 criteria"});
  CHECK(region_at(p, 1000, 500) == "-");
  CHECK(region_at(p, 1300, 500) == "H20 criteria");  // 1,800 >= 1,700 combined
  CHECK(region_at(p, 4000, 900) == "H20 criteria");  // the H20
  bool sum = false, window = false;
  for (const auto& l : p.lines) {
    sum = sum || (l.a == 1 && l.b == 1 && l.c == Rational(1700) && !l.licence);
    if (l.a == 1 && l.b == 0 && l.c == Rational(6500)) {
      window = l.licence && l.licence_note == "case_by_case";
      CHECK(std::find(l.also.begin(), l.also.end(), "tpp < 21,000") != l.also.end());
    }
  }
  CHECK(sum);
  CHECK(window);
}

TEST_CASE("no region when the regime has no control on the plane's fields") {
  draft::PlaneRequest req;
  req.x = FieldId::memory_bandwidth;
  req.y = FieldId::interconnect_bandwidth;
  req.x_hi = 10000;
  req.y_hi = 3000;
  auto p = draft::plane_regions(*book().find("us-2023-10"), req);
  CHECK(p.paragraphs.empty());
  CHECK(p.cells.empty());
}

TEST_CASE("labels never overlap each other, the markers or the obstacles") {
  std::vector<report::LabelRequest> labels;
  // A crowded cluster (markers 16-18 px apart) and a loner by an obstacle.
  for (int i = 0; i < 30; ++i)
    labels.push_back({300 + (i % 6) * 18.0, 300 + (i / 6) * 16.0, 5,
                      report::text_width("Chip name " + std::to_string(i), 11), 13});
  labels.push_back({700, 100, 5, 60, 13});
  report::Rect bounds{0, 0, 1000, 700};
  std::vector<report::Rect> obstacles = {{600, 80, 200, 40}};
  auto placed = report::place_labels(labels, obstacles, bounds);
  int n = 0;
  for (size_t i = 0; i < placed.size(); ++i) {
    if (!placed[i].placed) continue;
    ++n;
    CHECK(bounds.contains(placed[i].box));
    for (const auto& o : obstacles)
      CHECK_FALSE(placed[i].box.overlaps(o));
    for (size_t j = 0; j < placed.size(); ++j) {
      if (j != i && placed[j].placed) CHECK_FALSE(placed[i].box.overlaps(placed[j].box));
      double nx = std::clamp(labels[j].x, placed[i].box.x, placed[i].box.x + placed[i].box.w);
      double ny = std::clamp(labels[j].y, placed[i].box.y, placed[i].box.y + placed[i].box.h);
      CHECK(std::hypot(nx - labels[j].x, ny - labels[j].y) >= labels[j].r);
    }
  }
  // A 6 x 5 grid is harsher than any chart: its inner markers are walled in, and their
  // labels go unplaced (the chart lists them) rather than overlap.
  CHECK(n >= 18);
}

TEST_CASE("markup is escaped and numbers do not depend on the locale") {
  CHECK(report::xml_escape("<script>alert('x') & \"y\"</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  CHECK(report::xml_escape(std::string("a\x01"
                                       "b")) == "a b");
  CHECK(report::svg_num(1.005) == "1");
  CHECK(report::svg_num(-0.001) == "0");
  CHECK(report::svg_num(12.5) == "12.5");
  CHECK(report::tick_number(100000) == "100,000");
  CHECK(report::tick_number(0.5) == "0.5");
  std::locale::global(std::locale::classic());
  CHECK(report::tick_number(4800) == "4,800");
}

TEST_CASE("a file is written whole or not at all") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "exctl_chart_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  DiagnosticSink sink;
  std::string path = (dir / "a.svg").string();
  REQUIRE(write_file_atomic(path, "<svg/>", "E0110", sink));
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "<svg/>");
  CHECK_FALSE(write_file_atomic((dir / "no" / "b.svg").string(), "x", "E0110", sink));
  CHECK_FALSE(write_file_atomic(dir.string(), "x", "E0110", sink));
  CHECK(sink.error_count() == 2);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
    ++files;
  CHECK(files == 1);  // no temporary file left
  fs::remove_all(dir);
}
