#include "engine/report/svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <numeric>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

namespace exctl::report {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
          out += ' ';
        else
          out += c;
    }
  }
  return out;
}

SvgNumber::SvgNumber(double v) {
  // Beyond 1e15 px nothing is drawn; clamped so the text always fits.
  if (!std::isfinite(v)) v = 0;
  v = std::clamp(v, -1e15, 1e15);
  size_ = fmt::format_to_n(text_, sizeof text_, "{:.2f}", v).size;
  while (text_[size_ - 1] == '0')
    --size_;
  if (text_[size_ - 1] == '.') --size_;
  if (view() == "-0") {
    text_[0] = '0';
    size_ = 1;
  }
}

namespace {

// Each ASCII character's advance in em, for the chart font's metrics as text_width guesses
// them: a table, since labels and wrapped lines ask for it on every redraw.
constexpr std::array<double, 128> ascii_advances() {
  std::array<double, 128> em{};
  for (int c = 0; c < 128; ++c) {
    em[c] = 0.62;
    if (c >= '0' && c <= '9') em[c] = 0.64;
    if (c >= 'A' && c <= 'Z') em[c] = 0.74;
    if (c == 'm' || c == 'w' || c == 'M' || c == 'W') em[c] = 0.98;
    for (char f : std::string_view("fjrt()[]-/"))
      if (c == f) em[c] = 0.42;
    for (char n : std::string_view("il.,:;'!|"))
      if (c == n) em[c] = 0.32;
    if (c == ' ') em[c] = 0.32;
  }
  return em;
}

constexpr std::array<double, 128> kAdvance = ascii_advances();

}  // namespace

double text_width(std::string_view text, double size) {
  double em = 0;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80)
      em += kAdvance[c];
    else if ((c & 0xC0) != 0x80)
      em += 0.7;  // one wide glyph per UTF-8 sequence: its continuation bytes add nothing
  }
  return em * size;
}

double ScreenAxis::map(double v) const {
  double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                 : (v - lo) / (hi - lo);
  return from + t * (to - from);
}

std::string tick_number(double v) {
  double a = std::abs(v);
  std::string s;
  if (a >= 1000 || (a >= 1 && a == std::round(a)))
    s = fmt::format("{}", static_cast<long long>(std::llround(v)));
  else
    s = svg_num(v).view();
  if (a >= 1000) {
    std::string digits = fmt::format("{}", std::llround(std::abs(v)));
    std::string g;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i && (digits.size() - i) % 3 == 0) g += ',';
      g += digits[i];
    }
    s = (v < 0 ? "-" : "") + g;
  }
  return s;
}

std::vector<Tick> axis_ticks(const ScreenAxis& axis, std::string (*format)(double)) {
  std::vector<Tick> out;
  if (axis.log) {
    int k0 = static_cast<int>(std::floor(std::log10(axis.lo)));
    int k1 = static_cast<int>(std::ceil(std::log10(axis.hi)));
    double decades = std::log10(axis.hi) - std::log10(axis.lo);
    for (int k = k0; k <= k1; ++k)
      for (int m : {1, 2, 5}) {
        double v = m * std::pow(10.0, k);
        if (v < axis.lo * 0.999 || v > axis.hi * 1.001) continue;
        // Label 2 and 5 only when there is room for them.
        bool major = m == 1 || decades <= 3.5;
        out.push_back({v, format(v), major});
      }
    return out;
  }
  double span = axis.hi - axis.lo;
  double raw = span / 8;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  for (double v = std::ceil(axis.lo / step) * step; v <= axis.hi + step * 1e-9; v += step)
    out.push_back(
        {std::abs(v) < step * 1e-9 ? 0 : v, format(std::abs(v) < step * 1e-9 ? 0 : v), true});
  return out;
}

bool Rect::overlaps(const Rect& o, double pad) const {
  return x < o.x + o.w + pad && o.x < x + w + pad && y < o.y + o.h + pad && o.y < y + h + pad;
}

bool Rect::contains(const Rect& o) const {
  return o.x >= x && o.y >= y && o.x + o.w <= x + w && o.y + o.h <= y + h;
}

namespace {

bool circle_hits(const Rect& r, double cx, double cy, double radius) {
  double nx = std::clamp(cx, r.x, r.x + r.w), ny = std::clamp(cy, r.y, r.y + r.h);
  return std::hypot(nx - cx, ny - cy) < radius;
}

bool segments_cross(double ax, double ay, double bx, double by, double cx, double cy, double dx,
                    double dy) {
  auto orient = [](double px, double py, double qx, double qy, double rx, double ry) {
    double v = (qx - px) * (ry - py) - (qy - py) * (rx - px);
    return (v > 1e-9) - (v < -1e-9);
  };
  int o1 = orient(ax, ay, bx, by, cx, cy), o2 = orient(ax, ay, bx, by, dx, dy);
  int o3 = orient(cx, cy, dx, dy, ax, ay), o4 = orient(cx, cy, dx, dy, bx, by);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

bool segment_hits_rect(double x1, double y1, double x2, double y2, const Rect& r) {
  auto in = [&](double x, double y) {
    return x > r.x && x < r.x + r.w && y > r.y && y < r.y + r.h;
  };
  if (in(x1, y1) || in(x2, y2)) return true;
  double xs[] = {r.x, r.x + r.w, r.x + r.w, r.x};
  double ys[] = {r.y, r.y, r.y + r.h, r.y + r.h};
  for (int i = 0; i < 4; ++i)
    if (segments_cross(x1, y1, x2, y2, xs[i], ys[i], xs[(i + 1) % 4], ys[(i + 1) % 4])) return true;
  return false;
}

double segment_point_distance(double x1, double y1, double x2, double y2, double px, double py) {
  double dx = x2 - x1, dy = y2 - y1;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? std::clamp(((px - x1) * dx + (py - y1) * dy) / len2, 0.0, 1.0) : 0;
  return std::hypot(x1 + t * dx - px, y1 + t * dy - py);
}

}  // namespace

namespace {

// One greedy pass in the given order.
std::vector<LabelPlacement> place_in_order(const std::vector<LabelRequest>& labels,
                                           const std::vector<Rect>& obstacles, const Rect& bounds,
                                           const std::vector<size_t>& order) {
  std::vector<LabelPlacement> out(labels.size());
  std::vector<Rect> placed;
  struct Leader {
    double x1, y1, x2, y2;
  };
  std::vector<Leader> leaders;
  const double gap = 3;

  auto free = [&](const Rect& box, size_t self, const Leader* leader) {
    if (!bounds.contains(box)) return false;
    for (const auto& o : obstacles)
      if (box.overlaps(o, 1)) return false;
    for (const auto& p : placed)
      if (box.overlaps(p, 2)) return false;
    for (size_t j = 0; j < labels.size(); ++j)
      if (circle_hits(box, labels[j].x, labels[j].y, labels[j].r + 2)) return false;
    for (const auto& l : leaders)
      if (segment_hits_rect(l.x1, l.y1, l.x2, l.y2, box)) return false;
    if (leader) {
      for (const auto& p : placed)
        if (segment_hits_rect(leader->x1, leader->y1, leader->x2, leader->y2, p)) return false;
      for (const auto& o : obstacles)
        if (segment_hits_rect(leader->x1, leader->y1, leader->x2, leader->y2, o)) return false;
      for (size_t j = 0; j < labels.size(); ++j)
        if (j != self && segment_point_distance(leader->x1, leader->y1, leader->x2, leader->y2,
                                                labels[j].x, labels[j].y) < labels[j].r + 0.5)
          return false;
      for (const auto& l : leaders)
        if (segments_cross(l.x1, l.y1, l.x2, l.y2, leader->x1, leader->y1, leader->x2, leader->y2))
          return false;
    }
    return true;
  };

  for (size_t i : order) {
    const auto& L = labels[i];
    bool done = false;
    // Beside the marker: right, left, above, below, then the corners.
    const double d = L.r + gap;
    const Rect near[] = {
        {L.x + d, L.y - L.h / 2, L.w, L.h},
        {L.x - d - L.w, L.y - L.h / 2, L.w, L.h},
        {L.x - L.w / 2, L.y - d - L.h, L.w, L.h},
        {L.x - L.w / 2, L.y + d, L.w, L.h},
        {L.x + d * 0.7, L.y - d * 0.7 - L.h, L.w, L.h},
        {L.x - d * 0.7 - L.w, L.y - d * 0.7 - L.h, L.w, L.h},
        {L.x + d * 0.7, L.y + d * 0.7, L.w, L.h},
        {L.x - d * 0.7 - L.w, L.y + d * 0.7, L.w, L.h},
    };
    // A label beside its marker must be nearer to it than to any other marker, or a reader
    // takes it for the other's.
    auto own = [&](const Rect& box) {
      auto dist = [&](const LabelRequest& m) {
        double nx = std::clamp(m.x, box.x, box.x + box.w),
               ny = std::clamp(m.y, box.y, box.y + box.h);
        return std::hypot(nx - m.x, ny - m.y) - m.r;
      };
      double mine = dist(L);
      for (size_t j = 0; j < labels.size(); ++j)
        if (j != i && dist(labels[j]) < mine + 4) return false;
      return true;
    };
    for (const auto& box : near)
      if (own(box) && free(box, i, nullptr)) {
        out[i].placed = true;
        out[i].box = box;
        placed.push_back(box);
        done = true;
        break;
      }
    // Further out, with a leader line from the marker's edge to the box.
    for (double radius :
         {16.0, 24.0, 34.0, 46.0, 60.0, 76.0, 95.0, 120.0, 150.0, 185.0, 230.0, 280.0}) {
      if (done) break;
      for (int k = 0; k < 36 && !done; ++k) {
        double angle = k * 2 * M_PI / 36;
        double ex = L.x + radius * std::cos(angle), ey = L.y - radius * std::sin(angle);
        // The box touches the end of the leader on the side facing away from the marker.
        double bx = std::cos(angle) >= 0.2 ? ex : std::cos(angle) <= -0.2 ? ex - L.w : ex - L.w / 2;
        double by = std::sin(angle) >= 0.2 ? ey - L.h : std::sin(angle) <= -0.2 ? ey : ey - L.h / 2;
        Rect box{bx, by, L.w, L.h};
        double sx = L.x + (L.r + 1) * std::cos(angle), sy = L.y - (L.r + 1) * std::sin(angle);
        Leader leader{sx, sy, ex, ey};
        if (free(box, i, &leader)) {
          out[i] = {true, box, true, sx, sy, ex, ey};
          placed.push_back(box);
          leaders.push_back(leader);
          done = true;
        }
      }
    }
  }
  return out;
}

}  // namespace

static std::vector<LabelPlacement> place_labels_uncached(const std::vector<LabelRequest>& labels,
                                                         const std::vector<Rect>& obstacles,
                                                         const Rect& bounds);

std::vector<LabelPlacement> place_labels(const std::vector<LabelRequest>& labels,
                                         const std::vector<Rect>& obstacles, const Rect& bounds) {
  // A pure function of its inputs, and the costliest part of a chart: `serve` redraws both
  // charts on every slider move, and the chart whose thresholds did not move asks again
  // with the same inputs. Remembered by their exact bytes; bounded, cleared when full.
  std::string key;
  auto put = [&key](double v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
  for (const auto& l : labels)
    for (double v : {l.x, l.y, l.r, l.w, l.h})
      put(v);
  put(-1);
  for (const auto& o : obstacles)
    for (double v : {o.x, o.y, o.w, o.h})
      put(v);
  for (double v : {bounds.x, bounds.y, bounds.w, bounds.h})
    put(v);
  static std::mutex mutex;
  static std::unordered_map<std::string, std::vector<LabelPlacement>> remembered;
  {
    std::lock_guard lock(mutex);
    if (auto it = remembered.find(key); it != remembered.end()) return it->second;
  }
  auto placed = place_labels_uncached(labels, obstacles, bounds);
  std::lock_guard lock(mutex);
  if (remembered.size() >= 64) remembered.clear();
  remembered.emplace(std::move(key), placed);
  return placed;
}

static std::vector<LabelPlacement> place_labels_uncached(const std::vector<LabelRequest>& labels,
                                                         const std::vector<Rect>& obstacles,
                                                         const Rect& bounds) {
  // Crowded markers first: they have the fewest places left.
  std::vector<size_t> order(labels.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<int> crowd(labels.size(), 0);
  for (size_t i = 0; i < labels.size(); ++i)
    for (size_t j = 0; j < labels.size(); ++j)
      if (i != j && std::hypot(labels[i].x - labels[j].x, labels[i].y - labels[j].y) < 60)
        ++crowd[i];
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return crowd[a] != crowd[b] ? crowd[a] > crowd[b] : labels[a].x < labels[b].x;
  });
  // Greedy placement can strand a label that an earlier one took the room of: try again
  // with the stranded ones first, and keep the run that places the most.
  std::vector<LabelPlacement> best;
  size_t best_count = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto out = place_in_order(labels, obstacles, bounds, order);
    size_t count = static_cast<size_t>(
        std::count_if(out.begin(), out.end(), [](const LabelPlacement& p) { return p.placed; }));
    if (attempt == 0 || count > best_count) {
      best = out;
      best_count = count;
    }
    if (count == labels.size()) break;
    std::stable_partition(order.begin(), order.end(), [&](size_t i) { return !out[i].placed; });
  }
  return best;
}

}  // namespace exctl::report
