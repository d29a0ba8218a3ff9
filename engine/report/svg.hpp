// What every chart shares: XML escaping, numbers written the same on every machine (fmt,
// never the C locale), text widths estimated for the fonts charts ask for, axis ticks, and
// the label placement pass that keeps labels off each other and off the points.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace exctl::report {

// Text and attribute values for XML and HTML: & < > " ' escaped.
std::string xml_escape(std::string_view text);

// A coordinate: at most two decimals, trailing zeros trimmed, no "-0". Held inline, not
// on the heap: a chart writes thousands of them per redraw.
class SvgNumber {
 public:
  explicit SvgNumber(double v);
  std::string_view view() const { return {text_, size_}; }
  friend bool operator==(const SvgNumber& a, std::string_view b) { return a.view() == b; }

 private:
  char text_[32];
  size_t size_ = 0;
};
inline SvgNumber svg_num(double v) {
  return SvgNumber(v);
}

// The width in px of `text` at `size` px in DejaVu Sans / Verdana (the font charts name
// first), from per-character classes; generous rather than tight.
double text_width(std::string_view text, double size);

// The font stack of every chart.
inline constexpr std::string_view kChartFont = "DejaVu Sans, Verdana, Arial, sans-serif";

// An axis: data range mapped onto pixels, linear or log10.
struct ScreenAxis {
  double lo = 0, hi = 1;      // data
  double from = 0, to = 100;  // pixels (to < from for a y axis)
  bool log = false;
  double map(double v) const;
};

struct Tick {
  double value;
  std::string label;
  bool major = true;  // labelled
};
// Ticks for an axis: 1-2-5 per decade on a log axis, a round step on a linear one.
// `format` turns a value into its label.
std::vector<Tick> axis_ticks(const ScreenAxis& axis, std::string (*format)(double));
// "100", "1,600", "0.5", "1.5k" is not used: numbers with thousands separators, up to 2
// decimals.
std::string tick_number(double v);

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
  bool overlaps(const Rect& o, double pad = 0) const;
  bool contains(const Rect& o) const;
};

// A label to place beside a marker at (x, y) of radius r.
struct LabelRequest {
  double x = 0, y = 0, r = 4;
  double w = 0, h = 0;  // the label's box
};
struct LabelPlacement {
  bool placed = false;
  Rect box;             // where the text goes (text drawn at box.x, box.y + ascent)
  bool leader = false;  // a line from the marker to the box
  double lx1 = 0, ly1 = 0, lx2 = 0, ly2 = 0;
};
// Greedy placement: beside the marker first, then further out with a leader line; a label
// never overlaps another label, another marker, a leader or an obstacle, and stays inside
// `bounds`. Crowded labels are placed first. Unplaced ones have placed = false.
std::vector<LabelPlacement> place_labels(const std::vector<LabelRequest>& labels,
                                         const std::vector<Rect>& obstacles, const Rect& bounds);

}  // namespace exctl::report

template <>
struct fmt::formatter<exctl::report::SvgNumber> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const exctl::report::SvgNumber& n, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(n.view(), ctx);
  }
};
