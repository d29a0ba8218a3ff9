#include "engine/draft/plane.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/eval/values.hpp"
#include "engine/sema/thresholds.hpp"

namespace exctl::draft {
namespace {

using Polygon = std::vector<PlanePoint>;

double area(const Polygon& p) {
  double s = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const auto& [x0, y0] = p[i];
    const auto& [x1, y1] = p[(i + 1) % p.size()];
    s += x0 * y1 - x1 * y0;
  }
  return s / 2;
}

// Sutherland-Hodgman against one half-plane: the part where side(point) >= 0.
Polygon clip(const Polygon& poly, const PlaneLine& l, double sign) {
  double c = l.c.to_double();
  auto side = [&](const PlanePoint& p) { return sign * (l.a * p.first + l.b * p.second - c); };
  Polygon out;
  for (size_t i = 0; i < poly.size(); ++i) {
    const auto& p = poly[i];
    const auto& q = poly[(i + 1) % poly.size()];
    double sp = side(p), sq = side(q);
    if (sp >= 0) out.push_back(p);
    if ((sp > 0 && sq < 0) || (sp < 0 && sq > 0)) {
      double t = sp / (sp - sq);
      PlanePoint m{p.first + t * (q.first - p.first), p.second + t * (q.second - p.second)};
      // Snap onto the line exactly where it is axis-aligned, so regions share edges.
      if (l.b == 0) m.first = c / l.a;
      if (l.a == 0) m.second = c / l.b;
      out.push_back(m);
    }
  }
  return out;
}

// Within the polygon, or within `slack` of its edges; strictly inside when slack < 0.
bool inside(const Polygon& poly, PlanePoint p, double slack) {
  for (size_t i = 0; i < poly.size(); ++i) {
    const auto& [x0, y0] = poly[i];
    const auto& [x1, y1] = poly[(i + 1) % poly.size()];
    double cross = (x1 - x0) * (p.second - y0) - (y1 - y0) * (p.first - x0);
    double len = std::hypot(x1 - x0, y1 - y0);
    if (cross < -slack * len) return false;
  }
  return true;
}

// A rational near `v` with a short decimal expansion, so that deciding it stays far from
// 64-bit limits; `ok` says whether a candidate is still inside the cell.
template <class Ok>
std::optional<Rational> short_rational(double v, Ok ok) {
  for (int64_t scale = 1; scale <= 1'000'000'000; scale *= 10) {
    double n = std::round(v * static_cast<double>(scale));
    if (std::abs(n) > 9e15) break;
    Rational r(static_cast<int64_t>(n), scale);
    if (ok(r.to_double())) return r;
  }
  return std::nullopt;
}

// The line a quantity draws, when it is x, y or x + y.
std::optional<std::pair<int, int>> line_of(const sema::ThresholdQuantity& q, sema::FieldId x,
                                           sema::FieldId y) {
  using Code = sema::QuantityStep::Code;
  const auto& p = q.program;
  if (p.size() == 1 && p[0].code == Code::field) {
    if (p[0].field == x) return std::pair{1, 0};
    if (p[0].field == y) return std::pair{0, 1};
  }
  if (p.size() == 3 && p[0].code == Code::field && p[1].code == Code::field &&
      p[2].code == Code::arithmetic && p[2].op == sema::Node::Kind::add) {
    std::set<sema::FieldId> f{p[0].field, p[1].field};
    if (f == std::set<sema::FieldId>{x, y}) return std::pair{1, 1};
  }
  return std::nullopt;
}

}  // namespace

PlaneRegions plane_regions(const sema::Regime& regime, const PlaneRequest& request) {
  PlaneRegions out;
  out.x = request.x;
  out.y = request.y;
  auto analysis = sema::analyse_thresholds(regime);

  // The controls whose conditions read x or y, in the regime's order.
  std::set<std::string> on_plane;
  for (const auto& cmp : analysis.comparisons) {
    if (cmp.quantity < 0) continue;
    const auto& fields = analysis.quantities[cmp.quantity].fields;
    if (!fields.count(request.x) && !fields.count(request.y)) continue;
    for (const auto& c : cmp.clauses)
      if (c.kind == sema::ClauseRef::Kind::control && c.regime == &regime) on_plane.insert(c.id);
  }
  for (const auto& c : regime.controls)
    if (on_plane.count(c.paragraph)) out.paragraphs.push_back(c.paragraph);
  if (out.paragraphs.empty()) return out;

  // A flag's comparison changes no decision, so it draws nothing.
  auto only_flags = [](const sema::ThresholdComparison& cmp) {
    return std::all_of(cmp.clauses.begin(), cmp.clauses.end(), [](const sema::ClauseRef& c) {
      return c.kind == sema::ClauseRef::Kind::flag;
    });
  };
  for (const auto& cmp : analysis.comparisons) {
    if (cmp.form != sema::ThresholdComparison::Form::threshold || cmp.quantity < 0 ||
        only_flags(cmp))
      continue;
    const auto& q = analysis.quantities[cmp.quantity];
    if (!q.fields.count(request.x) && !q.fields.count(request.y)) continue;
    auto ab = line_of(q, request.x, request.y);
    if (cmp.threshold.kind != sema::Threshold::Kind::exact || !ab ||
        (ab->first && ab->second && !request.straight_sums)) {
      std::string t = q.text();
      if (std::find(out.not_drawn.begin(), out.not_drawn.end(), t) == out.not_drawn.end())
        out.not_drawn.push_back(t);
      continue;
    }
    PlaneLine line{ab->first, ab->second, cmp.threshold.value, q.text(), "", {}, cmp.op, true,
                   "",        {}};
    if (cmp.source.kind == sema::ThresholdSource::Kind::param && cmp.source.param >= 0 &&
        cmp.regime == &regime)
      line.param = regime.params[cmp.source.param].name;
    for (const auto& c : cmp.clauses) {
      if (c.kind == sema::ClauseRef::Kind::control || c.kind == sema::ClauseRef::Kind::exclusion) {
        line.licence = false;
        if (!c.id.empty() && std::find(line.paragraphs.begin(), line.paragraphs.end(), c.id) ==
                                 line.paragraphs.end())
          line.paragraphs.push_back(c.id);
      } else if (c.kind == sema::ClauseRef::Kind::licence && c.regime &&
                 c.index < c.regime->licences.size()) {
        line.licence_note = std::string(sema::policy_name(c.regime->licences[c.index].policy));
        // What else the rule asks, off the plane: the window's other edges.
        for (const auto& other : analysis.comparisons) {
          if (other.quantity < 0 || other.form != sema::ThresholdComparison::Form::threshold ||
              std::find(other.clauses.begin(), other.clauses.end(), c) == other.clauses.end())
            continue;
          const auto& oq = analysis.quantities[other.quantity];
          if (oq.fields.count(request.x) || oq.fields.count(request.y)) continue;
          auto field = oq.field();
          std::string value = field ? eval::format_value(other.threshold.value,
                                                         sema::field_info(*field).dim)
                                    : other.threshold.value.format(2);
          std::string t = fmt::format("{} {} {}", oq.text(), sema::cmp_text(other.op), value);
          if (std::find(line.also.begin(), line.also.end(), t) == line.also.end())
            line.also.push_back(t);
        }
      }
    }
    auto same = std::find_if(out.lines.begin(), out.lines.end(), [&](const PlaneLine& l) {
      return l.a == line.a && l.b == line.b && l.c == line.c;
    });
    if (same == out.lines.end()) {
      out.lines.push_back(std::move(line));
    } else {
      same->licence = same->licence && line.licence;
      for (auto& p : line.paragraphs)
        if (std::find(same->paragraphs.begin(), same->paragraphs.end(), p) ==
            same->paragraphs.end())
          same->paragraphs.push_back(p);
      if (same->param.empty()) same->param = line.param;
      if (same->licence_note.empty()) same->licence_note = line.licence_note;
    }
  }

  // Cut the viewport along every line; each piece is one outcome throughout.
  std::vector<Polygon> pieces{{{request.x_lo, request.y_lo},
                               {request.x_hi, request.y_lo},
                               {request.x_hi, request.y_hi},
                               {request.x_lo, request.y_hi}}};
  double min_area = (request.x_hi - request.x_lo) * (request.y_hi - request.y_lo) * 1e-12;
  for (const auto& line : out.lines) {
    if (line.licence) continue;  // a licence window does not change the classification
    std::vector<Polygon> next;
    for (const auto& p : pieces)
      for (double sign : {1.0, -1.0}) {
        auto part = clip(p, line, sign);
        if (part.size() >= 3 && area(part) > min_area) next.push_back(std::move(part));
      }
    pieces = std::move(next);
  }

  for (auto& poly : pieces) {
    PlaneCell cell;
    double cx = 0, cy = 0;
    for (const auto& [px, py] : poly) {
      cx += px;
      cy += py;
    }
    cx /= static_cast<double>(poly.size());
    cy /= static_cast<double>(poly.size());
    double slack = -1e-9 * std::max(request.x_hi - request.x_lo, request.y_hi - request.y_lo);
    auto in_x = [&](double vx) { return inside(poly, {vx, cy}, slack); };
    auto rx = short_rational(cx, in_x);
    std::optional<Rational> ry;
    if (rx) {
      double vx = rx->to_double();
      ry = short_rational(cy, [&](double vy) { return inside(poly, {vx, vy}, slack); });
    }
    cell.polygon = std::move(poly);
    if (rx && ry) {
      eval::FieldValues values = request.fixed;
      values.set(request.x, *rx);
      values.set(request.y, *ry);
      try {
        auto d = eval::decide(regime, values, request.query);
        for (const auto& p : out.paragraphs)
          if (std::find(d.paragraphs.begin(), d.paragraphs.end(), p) != d.paragraphs.end()) {
            cell.paragraph = p;
            break;
          }
        if (cell.paragraph.empty())
          for (const auto& t : d.trace)
            if (t.kind == "control" && on_plane.count(t.id) && t.result == Truth::unknown) {
              cell.depends = true;
              for (const auto& m : t.missing)
                if (std::find(cell.missing.begin(), cell.missing.end(), m) == cell.missing.end())
                  cell.missing.push_back(m);
            }
      } catch (const eval::ArithmeticOverflow&) {
        cell.depends = true;
      }
    } else {
      cell.depends = true;
    }
    out.cells.push_back(std::move(cell));
  }
  return out;
}

const PlaneCell* cell_at(const PlaneRegions& plane, PlanePoint p) {
  for (const auto& c : plane.cells) {
    double scale = 0;
    for (const auto& [x, y] : c.polygon)
      scale = std::max({scale, std::abs(x), std::abs(y)});
    if (inside(c.polygon, p, scale * 1e-12)) return &c;
  }
  return nullptr;
}

}  // namespace exctl::draft
