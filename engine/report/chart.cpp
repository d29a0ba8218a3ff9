#include "engine/report/chart.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/report/svg.hpp"

namespace exctl::report {
namespace {

// Okabe-Ito, safe for the common colour-vision deficiencies; each verdict also has its
// own marker shape, so the chart reads in grey too.
constexpr std::string_view kVermillion = "#D55E00", kBlue = "#0072B2", kGreen = "#009E73",
                           kOrange = "#E69F00", kSky = "#56B4E9", kPurple = "#CC79A7",
                           kInk = "#1A1A1A", kMuted = "#555555";
// Region tints: light enough for black text and every marker on top.
constexpr std::string_view kRegionTints[] = {"#F7D3BC", "#FBE6B5", "#F0D5E5", "#D3EAF7"};
constexpr double kWidth = 1000;
constexpr double kLeft = 88, kRight = 118;

std::string_view verdict_colour(eval::Verdict v) {
  switch (v) {
    case eval::Verdict::controlled:
      return kVermillion;
    case eval::Verdict::not_controlled:
      return kBlue;
    case eval::Verdict::excluded:
      return kGreen;
    default:
      return "#FFFFFF";
  }
}

std::string_view verdict_label(eval::Verdict v) {
  switch (v) {
    case eval::Verdict::controlled:
      return "controlled";
    case eval::Verdict::not_controlled:
      return "not controlled";
    case eval::Verdict::excluded:
      return "excluded by a note";
    default:
      return "indeterminate (a value is missing)";
  }
}

// A marker centred on (x, y): triangle, circle, diamond or hollow square by verdict.
std::string marker(eval::Verdict v, double x, double y, double r) {
  std::string fill(verdict_colour(v));
  switch (v) {
    case eval::Verdict::controlled:
      return fmt::format(
          R"(<path d="M{} {}L{} {}L{} {}Z" fill="{}" stroke="#222" stroke-width="0.8"/>)",
          svg_num(x), svg_num(y - r * 1.2), svg_num(x + r * 1.1), svg_num(y + r * 0.8),
          svg_num(x - r * 1.1), svg_num(y + r * 0.8), fill);
    case eval::Verdict::not_controlled:
      return fmt::format(
          R"(<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#222" stroke-width="0.8"/>)",
          svg_num(x), svg_num(y), svg_num(r * 0.9), fill);
    case eval::Verdict::excluded:
      return fmt::format(
          R"(<path d="M{} {}L{} {}L{} {}L{} {}Z" fill="{}" stroke="#222" stroke-width="0.8"/>)",
          svg_num(x), svg_num(y - r * 1.15), svg_num(x + r * 1.15), svg_num(y), svg_num(x),
          svg_num(y + r * 1.15), svg_num(x - r * 1.15), svg_num(y), fill);
    default:
      return fmt::format(
          R"(<rect x="{}" y="{}" width="{}" height="{}" fill="#FFFFFF" stroke="#000" stroke-width="1.6"/>)",
          svg_num(x - r * 0.8), svg_num(y - r * 0.8), svg_num(r * 1.6), svg_num(r * 1.6));
  }
}

std::string text(double x, double y, std::string_view s, double size,
                 std::string_view anchor = "start", std::string_view extra = "") {
  return fmt::format(
      R"(<text x="{}" y="{}" font-size="{}"{}{}>{}</text>)", svg_num(x), svg_num(y), svg_num(size),
      anchor == "start" ? std::string() : fmt::format(R"( text-anchor="{}")", anchor),
      extra.empty() ? std::string() : " " + std::string(extra), xml_escape(s));
}

// Lines of at most `width` px at `size`, broken at spaces. A line's width is the sum of
// its characters' (text_width), so each word is measured once.
std::vector<std::string> wrap(const std::string& s, double width, double size) {
  std::vector<std::string> lines;
  const double space = text_width(" ", size);
  std::string_view all(s), line;
  double line_width = 0;
  size_t line_start = 0;
  for (size_t i = 0; i <= s.size();) {
    size_t j = std::min(s.find(' ', i), s.size());
    std::string_view word = all.substr(i, j - i);
    double word_width = text_width(word, size);
    if (!line.empty() && line_width + space + word_width <= width) {
      line = all.substr(line_start, j - line_start);
      line_width += space + word_width;
    } else {
      if (!line.empty()) lines.emplace_back(line);
      line_start = i;
      line = word;
      line_width = word_width;
    }
    i = j + 1;
  }
  if (!line.empty()) lines.emplace_back(line);
  return lines;
}

std::string header(double height, std::string_view kind, const std::string& title) {
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" )"
      R"(font-family="{2}" data-chart="{3}" role="img" aria-label="{4}">)"
      "\n<title>{4}</title>\n"
      R"(<rect width="{0}" height="{1}" fill="#FFFFFF"/>)"
      "\n",
      svg_num(kWidth), svg_num(height), kChartFont, kind, xml_escape(title));
}

struct Writer {
  std::string body;
  double y = 0;  // where the next block starts
  void add(std::string_view s) {
    body += s;
    body += '\n';
  }
  // A formatted line, written straight into the body.
  template <typename... Args>
  void addf(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(body), format, std::forward<Args>(args)...);
    body += '\n';
  }
  // Wrapped lines at `size`; returns the height used.
  void paragraph(const std::string& s, double size, std::string_view fill = kMuted) {
    for (const auto& line : wrap(s, kWidth - kLeft - 40, size)) {
      y += size * 1.45;
      add(text(kLeft, y, line, size, "start", fmt::format(R"(fill="{}")", fill)));
    }
  }
  std::string finish(std::string_view kind, const std::string& title) {
    return header(std::ceil(y + 18), kind, title) + body + "</svg>\n";
  }
};

void title_block(Writer& w, const std::string& title, const std::string& subtitle) {
  w.y = 34;
  w.add(text(kLeft, w.y, title, 20, "start", R"~(font-weight="bold" fill="#111")~"));
  for (const auto& line : wrap(subtitle, kWidth - kLeft - 40, 13)) {
    w.y += 19;
    w.add(text(kLeft, w.y, line, 13, "start", fmt::format(R"(fill="{}")", kMuted)));
  }
}

std::string tick_label(double v) {
  return tick_number(v);
}

// Axis ticks, grid and titles of a plot area.
void axes(Writer& w, const ScreenAxis& xs, const ScreenAxis& ys, const ChartAxis& x,
          const ChartAxis& y, const Rect& plot) {
  for (const auto& t : axis_ticks(xs, tick_label)) {
    double px = xs.map(t.value);
    w.addf(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#000" stroke-opacity="{3}"/>)",
           svg_num(px), svg_num(plot.y), svg_num(plot.y + plot.h), t.major ? "0.12" : "0.06");
    w.addf(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#333"/>)", svg_num(px),
           svg_num(plot.y + plot.h), svg_num(plot.y + plot.h + 5));
    if (t.major) w.add(text(px, plot.y + plot.h + 19, t.label, 12, "middle", R"~(fill="#333")~"));
  }
  for (const auto& t : axis_ticks(ys, tick_label)) {
    double py = ys.map(t.value);
    w.addf(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#000" stroke-opacity="{3}"/>)",
           svg_num(plot.x), svg_num(py), svg_num(plot.x + plot.w), t.major ? "0.12" : "0.06");
    w.addf(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#333"/>)", svg_num(plot.x - 5),
           svg_num(py), svg_num(plot.x));
    if (t.major) w.add(text(plot.x - 8, py + 4, t.label, 12, "end", R"~(fill="#333")~"));
  }
  w.addf(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333"/>)",
         svg_num(plot.x), svg_num(plot.y), svg_num(plot.w), svg_num(plot.h));
  auto with_unit = [](const ChartAxis& a) {
    std::string s = a.title;
    if (!a.unit.empty()) s += " (" + a.unit + ")";
    if (a.log) s += ", log scale";
    return s;
  };
  w.add(text(plot.x + plot.w / 2, plot.y + plot.h + 40, with_unit(x), 13, "middle",
             R"~(fill="#111")~"));
  double cy = plot.y + plot.h / 2;
  w.add(text(0, 0, with_unit(y), 13, "middle",
             fmt::format(R"~(fill="#111" transform="translate({},{}) rotate(-90)")~",
                         svg_num(plot.x - 58), svg_num(cy))));
}

// Spreads wanted positions apart by at least `gap` each, keeping their order.
std::vector<double> spread(std::vector<double> want, double gap, double lo, double hi) {
  std::vector<size_t> idx(want.size());
  for (size_t i = 0; i < idx.size(); ++i)
    idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return want[a] < want[b]; });
  std::vector<double> pos(want.size());
  double last = lo - gap;
  for (size_t k : idx) {
    pos[k] = std::max(want[k], last + gap);
    last = pos[k];
  }
  // Pull back from the far end if pushed past it.
  double limit = hi;
  for (auto it = idx.rbegin(); it != idx.rend(); ++it) {
    pos[*it] = std::min(pos[*it], limit);
    limit = pos[*it] - gap;
  }
  return pos;
}

// Three significant digits, thousands grouped: "989", "3.35", "1,307".
std::string sig3(double v) {
  if (v >= 100) return tick_number(std::round(v));
  int decimals = v >= 10 ? 1 : v >= 1 ? 2 : 3;
  std::string s = fmt::format("{:.{}f}", v, decimals);
  while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
    bool dot = s.back() == '.';
    s.pop_back();
    if (dot) break;
  }
  return s;
}

std::string threshold_value(const draft::PlaneLine& l) {
  return l.c.format(2);
}

// "memory < 6,500: case-by-case review": a licence rule's window edge.
std::string licence_label(const draft::PlaneLine& l, const std::string& name,
                          const std::string& unit) {
  std::string policy = l.licence_note;
  std::replace(policy.begin(), policy.end(), '_', '-');
  std::string s = fmt::format("{} {} {}{}", name, sema::cmp_text(l.op), threshold_value(l), unit);
  if (!policy.empty() && policy != "none") s += ": " + policy + " review";
  return s;
}

}  // namespace

std::string plane_svg(const PlaneChart& chart) {
  Writer w;
  title_block(w, chart.title, chart.subtitle);
  const double plot_w = kWidth - kLeft - kRight, plot_h = 560;

  // Paragraph -> tint, across panels in order met.
  std::vector<std::string> region_names;
  bool any_depends = false;
  std::vector<std::string> depends_on;
  for (const auto& p : chart.panels) {
    // Only the paragraphs some region shows, so that the legend lists no empty region.
    for (const auto& name : p.regions.paragraphs) {
      bool shown =
          std::any_of(p.regions.cells.begin(), p.regions.cells.end(),
                      [&](const draft::PlaneCell& c) { return !c.depends && c.paragraph == name; });
      if (shown && std::find(region_names.begin(), region_names.end(), name) == region_names.end())
        region_names.push_back(name);
    }
    for (const auto& c : p.regions.cells) {
      any_depends = any_depends || c.depends;
      if (c.depends)
        for (const auto& m : c.missing)
          if (std::find(depends_on.begin(), depends_on.end(), m) == depends_on.end())
            depends_on.push_back(m);
    }
  }
  auto tint = [&](const std::string& paragraph) {
    auto it = std::find(region_names.begin(), region_names.end(), paragraph);
    return kRegionTints[static_cast<size_t>(it - region_names.begin()) % std::size(kRegionTints)];
  };
  if (any_depends)
    w.addf(
        R"~(<defs><pattern id="{}-depends" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#F2F2F2"/><line x1="0" y1="0" x2="0" y2="8" stroke="#B0B0B0" stroke-width="2"/></pattern></defs>)~",
        chart.kind);

  std::vector<std::string> unlabelled;
  std::vector<std::string> keyed;  // "3 GeForce RTX 5090 D": numbered labels
  for (size_t pi = 0; pi < chart.panels.size(); ++pi) {
    const auto& panel = chart.panels[pi];
    w.y += 34;
    w.add(text(kLeft, w.y, panel.regime + ": " + panel.title, 15, "start",
               R"~(font-weight="bold" fill="#111")~"));
    w.y += 44;  // room for the vertical thresholds' labels
    Rect plot{kLeft, w.y, plot_w, plot_h};
    ScreenAxis xs{chart.x.lo, chart.x.hi, plot.x, plot.x + plot.w, chart.x.log};
    ScreenAxis ys{chart.y.lo, chart.y.hi, plot.y + plot.h, plot.y, chart.y.log};
    std::string clip = fmt::format("{}-plot{}", chart.kind, pi);
    w.add(
        fmt::format(R"(<clipPath id="{}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>)",
                    clip, svg_num(plot.x), svg_num(plot.y), svg_num(plot.w), svg_num(plot.h)));

    // Regions: each cell filled by what the regime says there; a thin stroke of the same
    // colour closes the hairline seams between cells of one region.
    w.addf(R"~(<g class="regions" data-regime="{}" clip-path="url(#{})">)~",
           xml_escape(panel.regime), clip);
    for (const auto& c : panel.regions.cells) {
      std::string fill = c.depends             ? "url(#" + chart.kind + "-depends)"
                         : c.paragraph.empty() ? "#FFFFFF"
                                               : std::string(tint(c.paragraph));
      std::string seam = c.depends ? "#F2F2F2" : fill;
      std::string region = c.depends             ? "depends"
                           : c.paragraph.empty() ? "not controlled"
                                                 : c.paragraph;
      std::string pts;
      std::string data;
      for (const auto& [vx, vy] : c.polygon) {
        if (!pts.empty()) pts += ' ';
        fmt::format_to(std::back_inserter(pts), "{},{}", svg_num(xs.map(vx)), svg_num(ys.map(vy)));
      }
      w.addf(
          R"(<polygon class="region" data-region="{}" points="{}" fill="{}" stroke="{}" stroke-width="0.6"/>)",
          xml_escape(region), pts, fill, seam);
    }
    w.add("</g>");
    axes(w, xs, ys, chart.x, chart.y, plot);

    // Threshold lines, labelled with their values: vertical ones above the plot, horizontal
    // ones in the right margin, a sum where it leaves the plot.
    std::vector<double> vx_want, hy_want;
    std::vector<std::string> v_labels, h_labels;
    std::vector<std::string> v_fill, h_fill;
    std::vector<Rect> diagonal_boxes;
    for (const auto& l : panel.regions.lines) {
      std::string stroke = l.licence ? std::string(kPurple) : "#333333";
      std::string dash = l.licence ? "2 3" : "6 4";
      // Both axes of a plane share a unit where it is written on labels (GB/s).
      std::string value = threshold_value(l) + chart.x.label_unit;
      std::string attrs = fmt::format(
          R"(class="threshold" data-quantity="{}" data-value="{}" stroke="{}" stroke-width="{}" stroke-dasharray="{}")",
          xml_escape(l.quantity), xml_escape(l.c.exact_text()), stroke, l.licence ? "1.8" : "1.3",
          dash);
      std::string name_x = chart.x.short_name, name_y = chart.y.short_name;
      if (l.a && !l.b) {
        double v = l.c.to_double() / l.a;
        if (v <= chart.x.lo || v >= chart.x.hi) continue;
        double px = xs.map(v);
        w.addf(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" {3}/>)", svg_num(px), svg_num(plot.y),
               svg_num(plot.y + plot.h), attrs);
        vx_want.push_back(px);
        v_labels.push_back(l.licence ? licence_label(l, name_x, chart.x.label_unit)
                                     : name_x + " " + value);
        v_fill.push_back(l.licence ? std::string(kPurple) : "#222");
      } else if (!l.a && l.b) {
        double v = l.c.to_double() / l.b;
        if (v <= chart.y.lo || v >= chart.y.hi) continue;
        double py = ys.map(v);
        w.addf(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" {3}/>)", svg_num(plot.x), svg_num(py),
               svg_num(plot.x + plot.w), attrs);
        hy_want.push_back(py);
        h_labels.push_back(l.licence ? licence_label(l, name_y, chart.y.label_unit)
                                     : name_y + " " + value);
        h_fill.push_back(l.licence ? std::string(kPurple) : "#222");
      } else if (!chart.x.log && !chart.y.log) {
        // a x + b y = c across the plot, clipped.
        double c = l.c.to_double();
        std::vector<draft::PlanePoint> ends;
        auto try_point = [&](double x, double y) {
          if (x >= chart.x.lo - 1e-9 && x <= chart.x.hi + 1e-9 && y >= chart.y.lo - 1e-9 &&
              y <= chart.y.hi + 1e-9)
            ends.push_back({x, y});
        };
        try_point(chart.x.lo, (c - l.a * chart.x.lo) / l.b);
        try_point(chart.x.hi, (c - l.a * chart.x.hi) / l.b);
        try_point((c - l.b * chart.y.lo) / l.a, chart.y.lo);
        try_point((c - l.b * chart.y.hi) / l.a, chart.y.hi);
        if (ends.size() < 2) continue;
        std::sort(ends.begin(), ends.end());
        auto [x1, y1] = ends.front();
        auto [x2, y2] = ends.back();
        w.addf(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" {}/>)", svg_num(xs.map(x1)),
               svg_num(ys.map(y1)), svg_num(xs.map(x2)), svg_num(ys.map(y2)), attrs);
        // Labelled along the line, above it, from its upper end.
        std::string label = name_x + " + " + name_y + " " + value;
        double sx1 = xs.map(x1), sy1 = ys.map(y1), sx2 = xs.map(x2), sy2 = ys.map(y2);
        double angle = std::atan2(sy2 - sy1, sx2 - sx1) * 180 / M_PI;
        double len = std::hypot(sx2 - sx1, sy2 - sy1);
        double tw = text_width(label, 12);
        if (tw + 16 < len) {
          double t = 8 / len;
          double tx = sx1 + t * (sx2 - sx1), ty = sy1 + t * (sy2 - sy1);
          w.add(text(
              0, -5, label, 12, "start",
              fmt::format(
                  R"~(class="threshold-label" fill="#222" stroke="#FFFFFF" stroke-width="3" paint-order="stroke" transform="translate({},{}) rotate({})")~",
                  svg_num(tx), svg_num(ty), svg_num(angle))));
          // The rotated text as a chain of small boxes, for the chips' labels and their
          // leaders to avoid.
          double ca = std::cos(angle * M_PI / 180), sa = std::sin(angle * M_PI / 180);
          for (double along = 0; along <= tw; along += 8) {
            // The text sits 5 px above the line: its middle about 9 px off it.
            double cx = tx + along * ca + 9 * sa, cy = ty + along * sa - 9 * ca;
            diagonal_boxes.push_back({cx - 7, cy - 7, 14, 14});
          }
        } else {
          hy_want.push_back(ys.map(y2));
          h_labels.push_back(label);
          h_fill.push_back("#222");
        }
      }
    }
    // Vertical thresholds' labels: one row above the plot, a second where they would touch.
    {
      std::vector<size_t> idx(vx_want.size());
      for (size_t i = 0; i < idx.size(); ++i)
        idx[i] = i;
      std::sort(idx.begin(), idx.end(),
                [&](size_t a, size_t b) { return vx_want[a] < vx_want[b]; });
      std::vector<double> row_end = {-1e9, -1e9};
      for (size_t k : idx) {
        double width = text_width(v_labels[k], 12);
        double left = std::clamp(vx_want[k] - width / 2, 4.0, kWidth - width - 4);
        int row = left > row_end[0] + 6 ? 0 : 1;
        row_end[row] = left + width;
        double ty = plot.y - 8 - row * 17;
        w.add(text(left, ty, v_labels[k], 12, "start", fmt::format(R"(fill="{}")", v_fill[k])));
        if (row == 1)
          w.addf(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#999" stroke-width="0.8"/>)",
                 svg_num(vx_want[k]), svg_num(ty + 3), svg_num(plot.y));
      }
    }
    {
      auto pos = spread(hy_want, 15, plot.y + 6, plot.y + plot.h + 4);
      for (size_t k = 0; k < pos.size(); ++k) {
        auto lines = wrap(h_labels[k], kRight - 10, 12);
        double ty = pos[k] + 4 - (static_cast<double>(lines.size()) - 1) * 7;
        for (const auto& line : lines) {
          w.add(text(plot.x + plot.w + 6, ty, line, 12, "start",
                     fmt::format(R"(fill="{}")", h_fill[k])));
          ty += 14;
        }
      }
    }

    // Chips, then their labels around them.
    std::vector<LabelRequest> requests;
    std::vector<std::string> label_text;
    std::vector<size_t> label_chip;  // the first chip of each label
    const double r = 5;
    w.add(R"~(<g class="chips">)~");
    std::vector<int> group_size;
    for (const auto& c : panel.chips) {
      double px = xs.map(std::clamp(c.x, chart.x.lo, chart.x.hi));
      double py = ys.map(std::clamp(c.y, chart.y.lo, chart.y.hi));
      // Chips at one spot (the A100 and A800 share their TPP and die) share one label, and
      // their markers stand side by side so that each verdict shows.
      size_t k = 0;
      while (k < requests.size() && std::hypot(requests[k].x - px, requests[k].y - py) > 1.5)
        ++k;
      double dx = 0;
      if (k < requests.size()) {
        int n = group_size[k]++;
        dx = (n % 2 ? 1 : -1) * ((n + 1) / 2) * 2.2 * r;
        label_text[k] += " / " + c.name;
        requests[k].w = text_width(label_text[k], 11) + 2;
        requests[k].r = std::max(requests[k].r, std::abs(dx) + r + 1);
      } else {
        requests.push_back({px, py, r + 1, text_width(c.name, 11) + 2, 13});
        label_text.push_back(c.name);
        label_chip.push_back(&c - &panel.chips[0]);
        group_size.push_back(1);
      }
      std::string tip = c.name + ": " + std::string(verdict_label(c.verdict)) +
                        (c.paragraphs.empty() ? "" : " (" + c.paragraphs + ")") +
                        (c.detail.empty() ? "" : "; " + c.detail);
      // data-cx and data-cy are the chip's own position; a marker beside a twin is drawn
      // data-offset px to the side.
      w.addf(
          R"(<g class="chip" data-chip="{}" data-name="{}" data-verdict="{}" data-region="{}" data-x="{}" data-y="{}" data-cx="{}" data-cy="{}"{}><title>{}</title>{}</g>)",
          xml_escape(c.id), xml_escape(c.name), eval::verdict_name(c.verdict), xml_escape(c.region),
          fmt::format("{}", c.x), fmt::format("{}", c.y), svg_num(px), svg_num(py),
          dx == 0 ? std::string() : fmt::format(R"( data-offset="{}")", svg_num(dx)),
          xml_escape(tip), marker(c.verdict, px + dx, py, r));
    }
    w.add("</g>");
    // Each region named inside itself, in a corner of its largest piece clear of markers.
    std::vector<Rect> obstacles = diagonal_boxes;
    for (const auto& name : panel.regions.paragraphs) {
      const draft::PlaneCell* best = nullptr;
      Rect best_box;
      for (const auto& c : panel.regions.cells) {
        if (c.depends || c.paragraph != name) continue;
        double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
        for (const auto& [vx, vy] : c.polygon) {
          x0 = std::min(x0, xs.map(vx));
          x1 = std::max(x1, xs.map(vx));
          y0 = std::min(y0, ys.map(vy));
          y1 = std::max(y1, ys.map(vy));
        }
        Rect box{x0, y0, x1 - x0, y1 - y0};
        if (!best || box.w * box.h > best_box.w * best_box.h) {
          best = &c;
          best_box = box;
        }
      }
      if (!best || best->polygon.size() != 4) continue;  // corners of a rectangle only
      double tw = text_width(name, 15) + 4, th = 18;
      const Rect corners[] = {
          {best_box.x + best_box.w - tw - 6, best_box.y + best_box.h - th - 6, tw, th},
          {best_box.x + best_box.w - tw - 6, best_box.y + 6, tw, th},
          {best_box.x + 6, best_box.y + best_box.h - th - 6, tw, th},
          {best_box.x + 6, best_box.y + 6, tw, th}};
      for (const auto& box : corners) {
        if (!best_box.contains(box)) continue;
        bool clear = true;
        for (const auto& q : requests)
          clear =
              clear && !Rect{q.x - q.r - 3, q.y - q.r - 3, 2 * q.r + 6, 2 * q.r + 6}.overlaps(box);
        if (!clear) continue;
        w.add(text(
            box.x + 2, box.y + 14, name, 15, "start",
            R"~(class="region-label" font-weight="bold" fill="#7A3A10" fill-opacity="0.75")~"));
        obstacles.push_back(box);
        break;
      }
    }
    auto bounds = Rect{plot.x + 2, plot.y + 2, plot.w - 4, plot.h - 4};
    auto placements = place_labels(requests, obstacles, bounds);
    // Where a name finds no room, a number does: placed again with the stranded names as
    // numbers, keyed under the chart, as long as that labels more chips.
    std::vector<std::string> shown = label_text;
    {
      auto numbered = requests;
      std::vector<std::string> numbered_text = label_text;
      int next = static_cast<int>(keyed.size()) + 1;
      size_t before = 0, after = 0;
      for (size_t i = 0; i < placements.size(); ++i) {
        before += placements[i].placed;
        if (!placements[i].placed) {
          numbered_text[i] = std::to_string(next++);
          numbered[i].w = text_width(numbered_text[i], 11) + 2;
        }
      }
      if (before < placements.size()) {
        auto again = place_labels(numbered, obstacles, bounds);
        for (const auto& p : again)
          after += p.placed;
        if (after > before) {
          placements = std::move(again);
          shown = std::move(numbered_text);
          for (size_t i = 0; i < shown.size(); ++i)
            if (shown[i] != label_text[i] && placements[i].placed)
              keyed.push_back(shown[i] + " " + label_text[i]);
        }
      }
    }
    w.add(R"~(<g class="labels" font-size="11" fill="#111">)~");
    for (size_t i = 0; i < placements.size(); ++i) {
      const auto& p = placements[i];
      const auto& chip = panel.chips[label_chip[i]];
      if (!p.placed) {
        unlabelled.push_back(label_text[i]);
        continue;
      }
      if (p.leader)
        w.addf(
            R"(<line class="leader" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#666" stroke-width="0.8"/>)",
            svg_num(p.lx1), svg_num(p.ly1), svg_num(p.lx2), svg_num(p.ly2));
      w.addf(
          R"(<text class="label" data-chip="{}" x="{}" y="{}" stroke="#FFFFFF" stroke-width="3" stroke-linejoin="round" paint-order="stroke"{}>{}</text>)",
          xml_escape(chip.id), svg_num(p.box.x + 1), svg_num(p.box.y + 10),
          shown[i] != label_text[i] ? R"( font-weight="bold")" : "", xml_escape(shown[i]));
    }
    w.add("</g>");
    w.y = plot.y + plot.h + 44;
  }

  // Legend: the regions, then the markers.
  w.y += 20;
  double lx = kLeft;
  auto swatch = [&](const std::string& fill, const std::string& label, const std::string& region) {
    double width = 18 + 6 + text_width(label, 12) + 22;
    if (lx + width > kWidth - 20) {
      lx = kLeft;
      w.y += 22;
    }
    w.addf(
        R"(<rect class="legend-region" data-region="{}" x="{}" y="{}" width="18" height="14" fill="{}" stroke="#666" stroke-width="0.8"/>)",
        xml_escape(region), svg_num(lx), svg_num(w.y - 11), fill);
    w.add(text(lx + 24, w.y, label, 12, "start", R"~(fill="#222")~"));
    lx += width;
  };
  w.add(R"~(<g class="legend">)~");
  for (const auto& name : region_names)
    swatch(std::string(tint(name)), name + " region", name);
  swatch("#FFFFFF", "not controlled", "not controlled");
  if (any_depends)
    swatch(
        "url(#" + chart.kind + "-depends)",
        depends_on.empty() ? std::string("depends on values not on this chart")
                           : "controlled or not by " +
                                 [&] {
                                   std::string j;
                                   for (const auto& m : depends_on)
                                     j += (j.empty() ? "" : ", ") + m;
                                   return j;
                                 }() +
                                 " (not on this chart)",
        "depends");
  lx = kLeft;
  w.y += 24;
  for (auto v : {eval::Verdict::controlled, eval::Verdict::excluded, eval::Verdict::not_controlled,
                 eval::Verdict::indeterminate}) {
    std::string label = "chip " + std::string(verdict_label(v));
    double width = 14 + 6 + text_width(label, 12) + 22;
    if (lx + width > kWidth - 20) {
      lx = kLeft;
      w.y += 22;
    }
    w.add(marker(v, lx + 7, w.y - 4, 5));
    w.add(text(lx + 18, w.y, label, 12, "start", R"~(fill="#222")~"));
    lx += width;
  }
  w.add("</g>");

  // Footnotes: citations, what the chart assumes, and every chip not on it.
  w.y += 10;
  for (const auto& p : chart.panels)
    w.paragraph(p.regime + ": " + p.citation, 11);
  for (const auto& p : chart.panels)
    if (!p.regions.not_drawn.empty()) {
      std::string s;
      for (const auto& t : p.regions.not_drawn)
        s += (s.empty() ? "" : ", ") + t;
      w.paragraph(p.regime + " also compares " + s +
                      ", which this chart cannot draw as a straight line; each region is still "
                      "decided by the rule at a point inside it.",
                  11);
    }
  for (const auto& p : chart.panels)
    for (const auto& l : p.regions.lines)
      if (l.licence && !l.also.empty()) {
        std::string s;
        for (const auto& t : l.also)
          s += (s.empty() ? "" : " and ") + t;
        w.paragraph(fmt::format("{}: the dotted line ({} {} {}) is a licence-policy window, not a "
                                "control; the rule also asks {}.",
                                p.regime, l.quantity, sema::cmp_text(l.op), threshold_value(l), s),
                    11);
      }
  for (const auto& n : chart.notes)
    w.paragraph(n, 11);
  if (!chart.unplotted.empty()) {
    for (const auto& u : chart.unplotted)
      w.paragraph("Not plotted, " + u + ".", 11, "#111");
  }
  if (!keyed.empty()) {
    std::string s;
    for (const auto& k : keyed)
      s += (s.empty() ? "" : "; ") + k;
    w.paragraph("Numbered where crowded: " + s + ".", 11, "#111");
  }
  if (!unlabelled.empty()) {
    std::sort(unlabelled.begin(), unlabelled.end());
    unlabelled.erase(std::unique(unlabelled.begin(), unlabelled.end()), unlabelled.end());
    std::string s;
    for (const auto& u : unlabelled)
      s += (s.empty() ? "" : ", ") + u;
    w.paragraph("Plotted but not labelled, for lack of room (hover for names): " + s + ".", 11,
                "#111");
  }
  return w.finish(chart.kind, chart.title);
}

std::string roofline_svg(const RooflineChart& chart) {
  Writer w;
  title_block(w, chart.title, chart.subtitle);
  const double plot_w = kWidth - kLeft - 180, plot_h = 500;
  w.y += 30;
  Rect plot{kLeft, w.y, plot_w, plot_h};
  // Intensity from well below the lowest decode point to past the highest ridge.
  double i_lo = HUGE_VAL, i_hi = 0, p_lo = HUGE_VAL, p_hi = 0;
  for (const auto& c : chart.chips) {
    double ridge = c.peak / c.bandwidth;
    i_lo = std::min({i_lo, c.decode_intensity, c.prefill_intensity, ridge});
    i_hi = std::max({i_hi, c.decode_intensity, c.prefill_intensity, ridge});
    p_hi = std::max(p_hi, c.peak / 1e12);
    p_lo =
        std::min(p_lo, std::min(c.peak, c.bandwidth * std::max(c.decode_intensity, 1e-3)) / 1e12);
  }
  auto decade_down = [](double v) { return std::pow(10.0, std::floor(std::log10(v))); };
  auto decade_up = [](double v) { return std::pow(10.0, std::ceil(std::log10(v))); };
  ChartAxis ax{"Arithmetic intensity",
               "FLOP per byte of memory traffic",
               true,
               decade_down(i_lo / 2),
               decade_up(i_hi * 2),
               "",
               ""};
  ChartAxis ay{"Attainable throughput",
               fmt::format("TFLOP/s, {}", chart.format),
               true,
               decade_down(p_lo / 2),
               decade_up(p_hi * 1.2),
               "",
               ""};
  ScreenAxis xs{ax.lo, ax.hi, plot.x, plot.x + plot.w, true};
  ScreenAxis ys{ay.lo, ay.hi, plot.y + plot.h, plot.y, true};
  axes(w, xs, ys, ax, ay, plot);
  const std::string_view colours[] = {kBlue, kVermillion, kGreen, kPurple, kOrange, kSky, kInk};
  // The same hues darkened for text, for at least 4.5:1 contrast on white.
  const std::string_view text_colours[] = {"#005A8C", "#B34E00", "#00694D", "#9E4A7A",
                                           "#8A5A00", "#1F6F9E", "#1A1A1A"};
  const std::string_view dashes[] = {"", "7 4", "2 3", "10 3 2 3", "4 2", "1 2", "12 4"};
  std::vector<double> want;
  std::vector<std::string> labels;
  std::vector<std::string_view> label_colour;
  w.addf(R"(<clipPath id="roofline-clip"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>)",
         svg_num(plot.x), svg_num(plot.y), svg_num(plot.w), svg_num(plot.h));
  std::vector<LabelRequest> marks;
  for (size_t i = 0; i < chart.chips.size(); ++i) {
    const auto& c = chart.chips[i];
    auto colour = colours[i % std::size(colours)];
    double ridge = c.peak / c.bandwidth;
    auto attain = [&](double in) { return std::min(c.peak, c.bandwidth * in) / 1e12; };
    std::string d =
        fmt::format("M{} {}L{} {}L{} {}", svg_num(xs.map(ax.lo)), svg_num(ys.map(attain(ax.lo))),
                    svg_num(xs.map(ridge)), svg_num(ys.map(c.peak / 1e12)), svg_num(xs.map(ax.hi)),
                    svg_num(ys.map(c.peak / 1e12)));
    std::string dash(dashes[i % std::size(dashes)]);
    w.addf(
        R"~(<path class="roof" data-chip="{}" d="{}" fill="none" stroke="{}" stroke-width="2.2"{} clip-path="url(#roofline-clip)"/>)~",
        xml_escape(c.id), d, colour,
        dash.empty() ? "" : fmt::format(R"( stroke-dasharray="{}")", dash));
    auto point = [&](double in, bool prefill) {
      double px = xs.map(in), py = ys.map(attain(in));
      std::string tip =
          fmt::format("{} {}: intensity {} FLOP/B, {} TFLOP/s attainable, {}-bound", c.name,
                      prefill ? "prefill" : "decode", tick_number(in), tick_number(attain(in)),
                      prefill ? c.bottleneck_prefill : c.bottleneck_decode);
      std::string shape =
          prefill
              ? fmt::format(
                    R"(<circle cx="{}" cy="{}" r="5.5" fill="{}" stroke="#222" stroke-width="0.8"/>)",
                    svg_num(px), svg_num(py), colour)
              : fmt::format(
                    R"(<rect x="{}" y="{}" width="10" height="10" fill="#FFFFFF" stroke="{}" stroke-width="2.2"/>)",
                    svg_num(px - 5), svg_num(py - 5), colour);
      w.addf(
          R"(<g class="workload-point" data-chip="{}" data-phase="{}" data-intensity="{}"><title>{}</title>{}</g>)",
          xml_escape(c.id), prefill ? "prefill" : "decode", svg_num(in), xml_escape(tip), shape);
      marks.push_back({px, py, 6, 0, 0});
    };
    point(c.prefill_intensity, true);
    point(c.decode_intensity, false);
    want.push_back(ys.map(c.peak / 1e12));
    labels.push_back(c.name + "\n" + fmt::format("{} TFLOP/s peak", sig3(c.peak / 1e12)) + "\n" +
                     fmt::format("{} TB/s memory", sig3(c.bandwidth / 1e12)));
    label_colour.push_back(text_colours[i % std::size(text_colours)]);
  }
  // Chip names in the right margin, level with each roof, spread so none touch.
  auto pos = spread(want, 50, plot.y + 20, plot.y + plot.h - 20);
  for (size_t i = 0; i < pos.size(); ++i) {
    std::vector<std::string> lines;
    for (size_t from = 0;;) {
      size_t nl = labels[i].find('\n', from);
      lines.push_back(labels[i].substr(from, nl - from));
      if (nl == std::string::npos) break;
      from = nl + 1;
    }
    double ty = pos[i] - 10;
    if (std::abs(pos[i] - want[i]) > 2)
      w.add(
          fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-width="0.8"/>)",
                      svg_num(plot.x + plot.w), svg_num(want[i]), svg_num(plot.x + plot.w + 6),
                      svg_num(pos[i])));
    for (size_t k = 0; k < lines.size(); ++k) {
      w.add(text(
          plot.x + plot.w + 8, ty, lines[k], 12, "start",
          fmt::format(R"(fill="{}"{})", label_colour[i], k == 0 ? R"( font-weight="bold")" : "")));
      ty += 14;
    }
  }
  w.y = plot.y + plot.h + 64;
  w.addf(R"(<circle cx="{}" cy="{}" r="5.5" fill="#777" stroke="#222" stroke-width="0.8"/>)",
         svg_num(kLeft + 6), svg_num(w.y - 4));
  w.add(text(kLeft + 18, w.y, "prefill (the whole prompt, one pass)", 12, "start",
             R"~(fill="#222")~"));
  w.addf(
      R"(<rect x="{}" y="{}" width="10" height="10" fill="#FFFFFF" stroke="#555" stroke-width="2.2"/>)",
      svg_num(kLeft + 290), svg_num(w.y - 9));
  w.add(text(kLeft + 306, w.y, "decode (one token per sequence per step)", 12, "start",
             R"~(fill="#222")~"));
  w.y += 8;
  for (const auto& n : chart.notes)
    w.paragraph(n, 11);
  return w.finish("roofline", chart.title);
}

std::string sweep_svg(const SweepChart& chart) {
  Writer w;
  title_block(w, chart.title, chart.subtitle);
  const auto& v = chart.view;
  const auto& axis = v.axes->front();
  const auto& steps = *v.steps;
  const double plot_w = kWidth - kLeft - 40, plot_h = 420;
  w.y += 30;
  Rect plot{kLeft, w.y, plot_w, plot_h};
  size_t max_count = 1;
  for (const auto& s : steps)
    max_count = std::max(max_count, s.caught + s.unknown);
  double lo = axis.from.to_double(), hi = axis.to.to_double();
  if (hi <= lo) hi = lo + 1;
  ChartAxis ax{axis.param, chart.unit, false, lo, hi, "", ""};
  ChartAxis ay{v.licence ? "Chips needing a licence" : "Chips controlled",
               "",
               false,
               0,
               static_cast<double>(max_count) * 1.1,
               "",
               ""};
  ScreenAxis xs{lo, hi, plot.x, plot.x + plot.w, false};
  ScreenAxis ys{0, ay.hi, plot.y + plot.h, plot.y, false};
  axes(w, xs, ys, ax, ay, plot);
  // A step line: a count holds from its value to the next.
  auto series = [&](bool with_unknown, std::string_view colour, std::string_view dash,
                    std::string_view cls) {
    std::string d;
    for (size_t i = 0; i < steps.size(); ++i) {
      double x0 = xs.map(steps[i].values[0].to_double());
      double x1 =
          i + 1 < steps.size() ? xs.map(steps[i + 1].values[0].to_double()) : plot.x + plot.w;
      double y =
          ys.map(static_cast<double>(steps[i].caught + (with_unknown ? steps[i].unknown : 0)));
      d += fmt::format("{}{} {}H{}", i ? "L" : "M", svg_num(x0), svg_num(y), svg_num(x1));
    }
    w.addf(R"(<path class="{}" d="{}" fill="none" stroke="{}" stroke-width="2.4"{}/>)", cls, d,
           colour, dash.empty() ? "" : fmt::format(R"( stroke-dasharray="{}")", dash));
  };
  bool any_unknown =
      std::any_of(steps.begin(), steps.end(), [](const auto& s) { return s.unknown > 0; });
  if (any_unknown) series(true, kOrange, "5 3", "sweep-undecided");
  series(false, kBlue, "", "sweep-caught");
  for (const auto& s : steps)
    w.addf(
        R"(<circle class="step" cx="{}" cy="{}" r="2.5" fill="{}" data-value="{}" data-caught="{}"><title>{} = {}: {} caught</title></circle>)",
        svg_num(xs.map(s.values[0].to_double())), svg_num(ys.map(static_cast<double>(s.caught))),
        kBlue, xml_escape(s.values[0].exact_text()), s.caught, xml_escape(axis.param),
        xml_escape(s.values[0].format(2)), s.caught);
  if (chart.has_current && chart.current >= lo && chart.current <= hi) {
    double px = xs.map(chart.current);
    w.addf(
        R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="1.6" stroke-dasharray="2 3"/>)",
        svg_num(px), svg_num(plot.y), svg_num(plot.y + plot.h), kPurple);
    w.add(text(
        px, plot.y - 8,
        "as written: " + tick_number(chart.current) + (chart.unit.empty() ? "" : " " + chart.unit),
        12, "middle", R"~(fill="#8E3F6E")~"));
  }
  // Each chip's breakpoints: a tick on the curve, the chip's name placed beside it.
  std::vector<LabelRequest> requests;
  std::vector<std::string> names;
  for (const auto& b : *v.breakpoints)
    for (size_t k = 0; k + 1 < b.pieces.size(); ++k) {
      double at = b.pieces[k].hi.to_double();
      if (at < lo || at > hi) continue;
      // The count just past the breakpoint, where the marker sits on the curve.
      size_t count = 0;
      for (const auto& s : steps)
        if (s.values[0].to_double() <= at) count = s.caught;
      double px = xs.map(at), py = ys.map(static_cast<double>(count));
      std::string name = b.chip < chart.names.size() ? chart.names[b.chip] : (*v.ids)[b.chip];
      w.addf(
          R"(<g class="breakpoint" data-chip="{}" data-value="{}"><title>{}: {}</title><path d="M{} {}l5 -9h-10z" fill="{}" stroke="#222" stroke-width="0.6"/></g>)",
          xml_escape((*v.ids)[b.chip]), xml_escape(b.pieces[k].hi.exact_text()), xml_escape(name),
          xml_escape(breakpoint_text(v, b)), svg_num(px), svg_num(py - 3), kVermillion);
      requests.push_back({px, py - 7, 6, text_width(name, 11) + 2, 13});
      names.push_back(name);
    }
  auto placed = place_labels(requests, {}, Rect{plot.x + 2, plot.y + 2, plot.w - 4, plot.h - 4});
  std::vector<std::string> unlabelled;
  for (size_t i = 0; i < placed.size(); ++i) {
    const auto& p = placed[i];
    if (!p.placed) {
      unlabelled.push_back(names[i]);
      continue;
    }
    if (p.leader)
      w.add(
          fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#666" stroke-width="0.8"/>)",
                      svg_num(p.lx1), svg_num(p.ly1), svg_num(p.lx2), svg_num(p.ly2)));
    w.add(text(
        p.box.x + 1, p.box.y + 10, names[i], 11, "start",
        R"~(fill="#111" stroke="#FFFFFF" stroke-width="3" stroke-linejoin="round" paint-order="stroke")~"));
  }
  w.y = plot.y + plot.h + 64;
  w.addf(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.4"/>)",
         svg_num(kLeft), svg_num(w.y - 4), svg_num(kLeft + 24), svg_num(w.y - 4), kBlue);
  w.add(text(kLeft + 30, w.y, v.licence ? "chips needing a licence" : "chips controlled", 12,
             "start", R"~(fill="#222")~"));
  double lx = kLeft + 230;
  if (any_unknown) {
    w.addf(
        R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.4" stroke-dasharray="5 3"/>)",
        svg_num(lx), svg_num(w.y - 4), svg_num(lx + 24), svg_num(w.y - 4), kOrange);
    w.add(text(lx + 30, w.y, "with undecided chips added", 12, "start", R"~(fill="#222")~"));
    lx += 240;
  }
  w.addf(R"(<path d="M{} {}l5 -9h-10z" fill="{}" stroke="#222" stroke-width="0.6"/>)",
         svg_num(lx + 6), svg_num(w.y + 1), kVermillion);
  w.add(text(lx + 18, w.y, "a chip's breakpoint", 12, "start", R"~(fill="#222")~"));
  w.y += 8;
  w.paragraph(v.regime + ": " + chart.citation, 11);
  for (const auto& n : chart.notes)
    w.paragraph(n, 11);
  if (!unlabelled.empty()) {
    std::string s;
    for (const auto& u : unlabelled)
      s += (s.empty() ? "" : ", ") + u;
    w.paragraph("Breakpoints not labelled, for lack of room (hover for names): " + s + ".", 11,
                "#111");
  }
  return w.finish("sweep", chart.title);
}

}  // namespace exctl::report
