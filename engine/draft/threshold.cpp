#include "engine/draft/threshold.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <queue>
#include <stdexcept>

namespace exctl::draft {
namespace {

int64_t floor_div(int64_t a, int64_t b) {  // b > 0
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

Rational pow10(int k) {
  int64_t p = 1;
  for (int i = 0; i < (k < 0 ? -k : k); ++i)
    p *= 10;
  return k < 0 ? Rational(1, p) : Rational(p);
}

// floor(x / step) for a positive step, as an integer count of steps.
int64_t steps_below(const Rational& x, const Rational& step) {
  Rational q = x / step;
  return floor_div(q.num(), q.den());
}

bool inside(const Rational& x, const End& lo, const End& hi) {
  bool above = lo.closed ? x >= lo.value : x > lo.value;
  bool below = hi.closed ? x <= hi.value : x < hi.value;
  return above && below;
}

using Bits = std::vector<uint64_t>;

size_t count(const Bits& b) {
  size_t n = 0;
  for (auto w : b)
    n += static_cast<size_t>(std::popcount(w));
  return n;
}

struct Known {
  std::vector<size_t> chips;       // indices with a value, sorted by value
  std::vector<Rational> distinct;  // their distinct values, ascending
};

Known known_values(const MetricValues& m) {
  Known k;
  for (size_t i = 0; i < m.values.size(); ++i)
    if (m.values[i]) k.chips.push_back(i);
  std::sort(k.chips.begin(), k.chips.end(),
            [&](size_t a, size_t b) { return *m.values[a] < *m.values[b]; });
  for (size_t i : k.chips)
    if (k.distinct.empty() || k.distinct.back() != *m.values[i]) k.distinct.push_back(*m.values[i]);
  return k;
}

// Every non-trivial cut of a metric, as the chips it catches.
struct CutBits {
  Cut cut;
  Bits bits;
};

std::vector<CutBits> cuts_of(size_t metric, const MetricValues& m, const Known& k, size_t words) {
  std::vector<CutBits> out;
  const auto& v = k.distinct;
  for (size_t i = 0; i < v.size(); ++i) {
    for (Direction dir : {Direction::at_least, Direction::at_most}) {
      // `>= v[0]` and `<= v.back()` catch every chip with a value: no cut at all.
      if ((dir == Direction::at_least && i == 0) ||
          (dir == Direction::at_most && i + 1 == v.size()))
        continue;
      Cut c;
      c.metric = metric;
      c.direction = dir;
      if (dir == Direction::at_least) {
        c.lo = {v[i - 1], false};
        c.hi = {v[i], true};
      } else {
        c.lo = {v[i], true};
        c.hi = {v[i + 1], false};
      }
      c.suggested = round_in(c.lo, c.hi);
      Bits bits(words, 0);
      for (size_t chip : k.chips) {
        const Rational& x = *m.values[chip];
        bool caught = dir == Direction::at_least ? x >= c.suggested : x <= c.suggested;
        if (caught) bits[chip / 64] |= uint64_t{1} << (chip % 64);
      }
      out.push_back({c, std::move(bits)});
    }
  }
  return out;
}

double relative_width(const Cut& c) {
  double width = (c.hi.value - c.lo.value).to_double();
  double scale = std::max(std::abs(c.suggested.to_double()), 1e-12);
  return width / scale;
}

}  // namespace

Rational round_in(const End& lo, const End& hi) {
  if (lo.value == hi.value) return lo.value;
  Rational mid = (lo.value + hi.value) / Rational(2);
  for (int k = 12; k >= -4; --k) {
    Rational step = pow10(k);
    try {
      int64_t first = steps_below(lo.value, step), last = steps_below(hi.value, step);
      // The multiples of step inside the interval run from `first` to `last`.
      while (first <= last && !inside(Rational(first) * step, lo, hi))
        ++first;
      while (last >= first && !inside(Rational(last) * step, lo, hi))
        --last;
      if (first > last) continue;
      int64_t near = steps_below(mid + step / Rational(2), step);
      return Rational(std::clamp(near, first, last)) * step;
    } catch (const std::overflow_error&) {
      continue;  // this step is past exact range for these values; try a finer one
    }
  }
  return hi.closed ? hi.value : lo.closed ? lo.value : mid;
}

std::vector<Separation> separate(const Chips& chips, const std::vector<MetricValues>& metrics) {
  std::vector<Separation> out;
  for (size_t mi = 0; mi < metrics.size(); ++mi) {
    const auto& m = metrics[mi];
    Separation s;
    s.metric = mi;
    std::optional<size_t> max_c, min_c, max_s, min_s;  // chip indices
    auto better = [&](std::optional<size_t>& at, size_t i, bool larger) {
      if (!at || (larger ? *m.values[i] > *m.values[*at] : *m.values[i] < *m.values[*at])) at = i;
    };
    for (size_t i = 0; i < chips.ids.size(); ++i) {
      if (!m.values[i]) {
        s.unknown.push_back(chips.ids[i]);
        continue;
      }
      if (chips.caught[i]) {
        better(max_c, i, true);
        better(min_c, i, false);
      } else {
        better(max_s, i, true);
        better(min_s, i, false);
      }
    }
    if (!min_c || !max_s) {  // one side has no chip with a value
      out.push_back(std::move(s));
      continue;
    }
    const Rational &lo_c = *m.values[*min_c], &hi_c = *m.values[*max_c];
    const Rational &lo_s = *m.values[*min_s], &hi_s = *m.values[*max_s];
    if (hi_s < lo_c) {
      s.separates = true;
      s.direction = Direction::at_least;
      s.lo = {hi_s, false};
      s.hi = {lo_c, true};
      s.suggested = round_in(s.lo, s.hi);
      s.caught_margin = lo_c - s.suggested;
      s.spared_margin = s.suggested - hi_s;
      s.nearest_caught = chips.ids[*min_c];
      s.nearest_spared = chips.ids[*max_s];
    } else if (hi_c < lo_s) {
      s.separates = true;
      s.direction = Direction::at_most;
      s.lo = {hi_c, true};
      s.hi = {lo_s, false};
      s.suggested = round_in(s.lo, s.hi);
      s.caught_margin = s.suggested - hi_c;
      s.spared_margin = lo_s - s.suggested;
      s.nearest_caught = chips.ids[*max_c];
      s.nearest_spared = chips.ids[*min_s];
    } else {
      // The best single threshold: every cut, fewest chips wrong.
      Known k = known_values(m);
      size_t words = (chips.ids.size() + 63) / 64;
      Bits want(words, 0);
      for (size_t i = 0; i < chips.ids.size(); ++i)
        if (chips.caught[i] && m.values[i]) want[i / 64] |= uint64_t{1} << (i % 64);
      size_t best = std::numeric_limits<size_t>::max();
      auto cuts = cuts_of(mi, m, k, words);
      s.no_cut = cuts.empty();
      for (auto& c : cuts) {
        Bits diff(words);
        for (size_t w = 0; w < words; ++w)
          diff[w] = c.bits[w] ^ want[w];
        size_t errors = count(diff);
        if (errors >= best) continue;
        best = errors;
        s.direction = c.cut.direction;
        s.lo = c.cut.lo;
        s.hi = c.cut.hi;
        s.suggested = c.cut.suggested;
        s.wrong.clear();
        for (size_t i = 0; i < chips.ids.size(); ++i)
          if (diff[i / 64] >> (i % 64) & 1) s.wrong.push_back(chips.ids[i]);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<PairRule> best_pairs(const Chips& chips, const std::vector<MetricValues>& metrics,
                                 size_t limit) {
  size_t n = chips.ids.size(), words = (n + 63) / 64;
  std::vector<Known> known;
  std::vector<std::vector<CutBits>> cuts;
  std::vector<Bits> has;  // chips with a value, per metric
  for (size_t mi = 0; mi < metrics.size(); ++mi) {
    known.push_back(known_values(metrics[mi]));
    cuts.push_back(cuts_of(mi, metrics[mi], known.back(), words));
    Bits b(words, 0);
    for (size_t i : known.back().chips)
      b[i / 64] |= uint64_t{1} << (i % 64);
    has.push_back(std::move(b));
  }
  Bits want(words, 0);
  for (size_t i = 0; i < n; ++i)
    if (chips.caught[i]) want[i / 64] |= uint64_t{1} << (i % 64);

  // The best candidates so far, worst on top; a candidate is (errors, unknown, -tightest).
  struct Candidate {
    size_t errors, unknown;
    double tightest;
    size_t a, ca, b, cb;
    bool conjunction;
    bool operator<(const Candidate& o) const {  // "better than" for the heap: worse is larger
      if (errors != o.errors) return errors < o.errors;
      if (unknown != o.unknown) return unknown < o.unknown;
      return tightest > o.tightest;
    }
  };
  std::priority_queue<Candidate> top;
  Bits both(words), pred(words);
  for (size_t a = 0; a < metrics.size(); ++a) {
    for (size_t b = a + 1; b < metrics.size(); ++b) {
      for (size_t w = 0; w < words; ++w)
        both[w] = has[a][w] & has[b][w];
      size_t unknown = n - count(both);
      for (size_t ca = 0; ca < cuts[a].size(); ++ca) {
        for (size_t cb = 0; cb < cuts[b].size(); ++cb) {
          for (bool conjunction : {true, false}) {
            size_t errors = 0;
            for (size_t w = 0; w < words; ++w) {
              uint64_t p = conjunction ? cuts[a][ca].bits[w] & cuts[b][cb].bits[w]
                                       : cuts[a][ca].bits[w] | cuts[b][cb].bits[w];
              errors += static_cast<size_t>(std::popcount((p ^ want[w]) & both[w]));
            }
            if (top.size() == limit && top.top().errors < errors) continue;
            double tightest =
                std::min(relative_width(cuts[a][ca].cut), relative_width(cuts[b][cb].cut));
            Candidate c{errors, unknown, tightest, a, ca, b, cb, conjunction};
            if (top.size() < limit) {
              top.push(c);
            } else if (c < top.top()) {
              top.pop();
              top.push(c);
            }
          }
        }
      }
    }
  }
  std::vector<PairRule> out;
  for (; !top.empty(); top.pop()) {
    const Candidate& c = top.top();
    PairRule r;
    r.first = cuts[c.a][c.ca].cut;
    r.second = cuts[c.b][c.cb].cut;
    r.conjunction = c.conjunction;
    r.tightest = c.tightest;
    for (size_t i = 0; i < n; ++i) {
      bool ka = (has[c.a][i / 64] >> (i % 64)) & 1, kb = (has[c.b][i / 64] >> (i % 64)) & 1;
      if (!ka || !kb) {
        r.unknown.push_back(chips.ids[i]);
        continue;
      }
      bool pa = (cuts[c.a][c.ca].bits[i / 64] >> (i % 64)) & 1;
      bool pb = (cuts[c.b][c.cb].bits[i / 64] >> (i % 64)) & 1;
      bool p = c.conjunction ? pa && pb : pa || pb;
      if (p != chips.caught[i]) r.wrong.push_back(chips.ids[i]);
    }
    out.push_back(std::move(r));
  }
  std::reverse(out.begin(), out.end());  // best first
  return out;
}

}  // namespace exctl::draft
