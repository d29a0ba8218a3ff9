#include "engine/report/html_report.hpp"

#include <fmt/format.h>

#include "engine/base/json.hpp"
#include "engine/report/regime_report.hpp"
#include "engine/report/svg.hpp"

namespace exctl::report {
namespace {

constexpr std::string_view kStyle = R"~(
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --band: #f4f4f4; --link: #005a8c; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: var(--ink); margin: 0;
       line-height: 1.45; font-size: 15px; background: #fff; }
header, main, footer { max-width: 1080px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; border-bottom: 2px solid var(--ink); padding-bottom: 12px; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 34px 0 10px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
p, li { max-width: 72ch; }
.meta { color: var(--muted); font-size: 14px; margin: 2px 0; }
nav ol { columns: 2; font-size: 14px; padding-left: 20px; }
a { color: var(--link); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0 4px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--band); position: sticky; top: 0; }
td.nowrap { white-space: nowrap; }
td.num { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
th[data-sortable] { cursor: pointer; }
th[aria-sort="ascending"]::after { content: " \25B2"; }
th[aria-sort="descending"]::after { content: " \25BC"; }
td.v-controlled { background: #f7d3bc; }
td.v-excluded { background: #d5efe6; }
td.v-indeterminate { background: #eeeeee; font-style: italic; }
figure { margin: 16px 0 24px; }
figure svg { max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 13px; }
details { border: 1px solid var(--rule); margin: 6px 0; padding: 4px 10px; }
summary { cursor: pointer; font-weight: bold; }
pre { white-space: pre-wrap; font-size: 12.5px; background: var(--band); padding: 8px; overflow-x: auto; }
footer { margin-top: 40px; padding-bottom: 40px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--rule); }
@media print {
  body { font-size: 11pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav, .noprint { display: none; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
  th { position: static; }
  details { border: none; }
  details > *:not(summary) { display: block; }
  a { color: inherit; text-decoration: none; }
}
)~";

// Sorts a table when its header is clicked: by the cells' data-sort numbers where every
// cell has one, else by text; opens the explanations for printing; then marks the page
// (data-js) so a test can tell it ran to the end. Without it the page is the same.
constexpr std::string_view kScript = R"~(
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.setAttribute('data-sortable', '');
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var key = function (row) {
        var cell = row.cells[col];
        if (!cell) return '';
        var n = cell.getAttribute('data-sort');
        return n === null ? cell.textContent.trim().toLowerCase() : parseFloat(n);
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (typeof x !== typeof y) { x = String(x); y = String(y); }
        return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
});
document.documentElement.setAttribute('data-js', 'ready');
)~";

std::string esc(std::string_view s) {
  return xml_escape(s);
}

// A table as HTML: numbers right-aligned and sortable by value; a verdict cell tinted.
std::string html_table(const Table& t, std::string_view id) {
  std::string out =
      fmt::format(R"(<div class="scroll"><table class="sortable" id="{}"><thead><tr>)", id);
  for (const auto& c : t.columns())
    out += "<th scope=\"col\">" + esc(c.header) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows()) {
    out += "<tr>";
    for (size_t i = 0; i < row.size() && i < t.columns().size(); ++i) {
      const auto& cell = row[i];
      std::string cls, sort;
      if (t.columns()[i].right) cls = "num";
      // Ids, dates and numbers do not break at their hyphens.
      if (cell.text.size() <= 24 && cell.text.find(' ') == std::string::npos)
        cls += cls.empty() ? "nowrap" : " nowrap";
      if (cell.value.is_number()) sort = fmt::format(R"( data-sort="{}")", dump_json(cell.value));
      if (cell.value.is_object() && cell.value.contains("verdict") &&
          cell.value["verdict"].is_string())
        cls +=
            (cls.empty() ? "" : " ") + std::string("v-") + cell.value["verdict"].get<std::string>();
      out += "<td" + (cls.empty() ? std::string() : " class=\"" + esc(cls) + "\"") + sort + ">" +
             esc(cell.text) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  return out;
}

// An SVG chart inline: its own XML declaration-free markup, with a caption.
std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure>\n" + svg + "<figcaption>" + esc(caption) + "</figcaption>\n</figure>\n";
}

Table sources_table(const std::vector<ChipWithMetrics>& records) {
  Table t({{"chip", "Chip"},
           {"group", "Values"},
           {"confidence", "Confidence"},
           {"estimated", "Estimated"},
           {"source", "Source"}});
  for (const auto& r : records) {
    const Chip& c = *r.chip;
    const std::pair<std::string_view, const Provenance*> groups[] = {
        {"identity", &c.identity},
        {"compute", &c.compute},
        {"memory", &c.memory},
        {"interconnect", &c.interconnect},
        {"silicon", &c.silicon},
        {"power", &c.power},
        {"hbm", &c.hbm}};
    for (const auto& [name, p] : groups) {
      if (!p->present) continue;
      std::string est;
      for (const auto& e : p->estimated)
        est += (est.empty() ? "" : ", ") + e;
      t.add_row({{c.name, c.name},
                 {std::string(name), std::string(name)},
                 {std::string(confidence_name(p->confidence)),
                  std::string(confidence_name(p->confidence))},
                 {est.empty() ? "-" : est, est},
                 {p->source, p->source}});
    }
  }
  return t;
}

}  // namespace

std::string html_report(const ReportView& v) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // No request leaves the page: scripts only inline, no fetch, images only inline.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  out += "<title>" + esc("exctl report: AI accelerators under export-control regimes, " + v.date) +
         "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out += "<header>\n<h1>AI accelerators under US export-control regimes</h1>\n";
  out += "<p class=\"meta\">Export date " + esc(v.date) +
         (v.to.empty() ? std::string(", no destination asked (classification only)")
                       : ", destination " + esc(v.to) +
                             (v.to_name.empty() ? "" : " (" + esc(v.to_name) + ")")) +
         ". " + esc(std::to_string(v.chips.size())) + " chips, " +
         esc(std::to_string(v.regimes ? v.regimes->size() : 0)) + " regimes.</p>\n";
  out += "<p class=\"meta\">Generated by " + esc(v.version) +
         ". Interpretation options: " + esc([&] {
           std::string s;
           for (const auto& o : v.interpretation)
             s += (s.empty() ? "" : "; ") + o;
           return s.empty() ? std::string("defaults") : s;
         }()) +
         ".</p>\n</header>\n<main>\n";

  out +=
      "<nav aria-label=\"Contents\"><ol>"
      "<li><a href=\"#regimes\">Regimes compared</a></li>"
      "<li><a href=\"#matrix\">Classification matrix</a></li>"
      "<li><a href=\"#charts\">Charts</a></li>"
      "<li><a href=\"#roofline\">Inference: roofline comparison</a></li>"
      "<li><a href=\"#verdicts\">Explained verdicts</a></li>"
      "<li><a href=\"#sources\">Data sources</a></li></ol></nav>\n";

  out += "<section id=\"regimes\">\n<h2>Regimes compared</h2>\n";
  if (v.regimes) out += html_table(regime_table(*v.regimes), "regime-table");
  out += "</section>\n";

  out += "<section id=\"matrix\">\n<h2>Classification matrix</h2>\n";
  out +=
      "<p>One row per chip, one column per regime: the paragraphs that control the chip, "
      "&ldquo;-&rdquo; when none does, &ldquo;excluded&rdquo; when a note takes it out, "
      "&ldquo;?&rdquo; when a missing value leaves the decision open. Click a heading to "
      "sort.</p>\n";
  if (v.rows) out += html_table(decision_matrix(*v.rows), "matrix-table");
  out += "<p class=\"meta\">" + esc(matrix_footer(v.date)) + "</p>\n";
  if (!v.to.empty() && v.rows) {
    out += "<h3>Licence verdicts for " + esc(v.to) + "</h3>\n";
    out += html_table(decision_table(*v.rows), "decision-table");
  }
  out += "</section>\n";

  out += "<section id=\"charts\">\n<h2>Charts</h2>\n";
  if (v.tpp_pd)
    out += figure(plane_svg(*v.tpp_pd),
                  "The TPP x performance-density plane: each regime's regions as the rule decides "
                  "them, and each chip's own verdict.");
  if (v.bandwidth)
    out += figure(plane_svg(*v.bandwidth),
                  "The memory x interconnect bandwidth plane: the 2025 criteria and the 2026 "
                  "review window.");
  if (!v.tpp_pd && !v.bandwidth)
    out += "<p>No chosen regime has a control these charts can draw.</p>\n";
  out += "</section>\n";

  out += "<section id=\"roofline\">\n<h2>Inference: roofline comparison</h2>\n";
  if (v.roofline)
    out += figure(roofline_svg(*v.roofline), "Attainable throughput per chip, speed of light.");
  if (v.roofline_points && !v.roofline_points->empty()) {
    out += html_table(roofline_table(*v.roofline_points, v.roofline_points->size() > 1),
                      "roofline-table");
    out += "<pre>" + esc(roofline_table_footer(v.model_id, v.workload, true)) + "</pre>\n";
  }
  out += "</section>\n";

  out += "<section id=\"verdicts\">\n<h2>Explained verdicts</h2>\n";
  out +=
      "<p>Every clause of every regime for each chip: the values used, the thresholds, the "
      "margins and the citations.</p>\n";
  if (v.rows) {
    for (size_t ci = 0; ci < v.chips.size(); ++ci) {
      const auto& c = v.chips[ci];
      out += "<details id=\"chip-" + esc(std::to_string(ci)) + "\"><summary>" + esc(c.name) +
             "</summary>\n";
      for (const auto& row : *v.rows) {
        if (row.chip != c.id) continue;
        ExplainContext ec{c.chip, c.values, v.interpretation, v.date, ""};
        out += "<pre>" + esc(explain_text(row, ec)) + "</pre>\n";
      }
      out += "</details>\n";
    }
  }
  out += "</section>\n";

  out += "<section id=\"sources\">\n<h2>Data sources</h2>\n";
  out +=
      "<p>Where each group of a chip's values comes from, and how sure the source is. "
      "TPP and performance density are computed by exctl from these values.</p>\n";
  out += html_table(sources_table(v.records), "sources-table");
  out += "</section>\n";
  for (const auto& n : v.notes)
    out += "<p class=\"meta\">" + esc(n) + "</p>\n";
  out += "</main>\n<footer>\n<p>" + esc(v.version) + ", export date " + esc(v.date) +
         ". The regulations' text and exctl's readings of it: the rule files (rules/*.rules) "
         "and docs/legal-readings.md. Not legal advice.</p>\n</footer>\n";
  out += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace exctl::report
