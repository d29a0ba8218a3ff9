#include "engine/draft/loophole.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "engine/sema/thresholds.hpp"

namespace exctl::draft {
namespace {

using sema::FieldId;

constexpr int64_t kSpecUnit = 10'000;  // a spec value has at most 4 decimal places
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// The largest multiple of 1/10,000 at most (or, `strict`, below) x; never below zero.
Rational spec_floor(const Rational& x, bool strict) {
  if (x <= Rational(0)) return Rational(0);
  Rational scaled = x * Rational(kSpecUnit);
  int64_t q = scaled.num() / scaled.den();
  if (strict && scaled.is_integer()) --q;
  return Rational(std::max<int64_t>(q, 0), kSpecUnit);
}

// One candidate value of a resource, with what puts it there (an index into the sources).
struct Cand {
  Rational value;
  bool open = false;
  int source = 0;
};

// The candidates, deduplicated (the first source of a value stays), largest first.
void normalise(std::vector<Cand>& c) {
  std::stable_sort(c.begin(), c.end(), [](const Cand& a, const Cand& b) {
    if (a.value != b.value) return a.value > b.value;
    return !a.open && b.open;
  });
  c.erase(std::unique(
              c.begin(), c.end(),
              [](const Cand& a, const Cand& b) { return a.value == b.value && a.open == b.open; }),
          c.end());
}

// A threshold cut of one quantity the search solves for.
struct Cut {
  Rational value;
  int source = 0;
};

// What the regime's thresholds say about each resource.
struct Cuts {
  std::vector<Cut> tpp, pd, area, transistors, bandwidth, capacity, interconnect;
  std::vector<Cut> sum;  // memory_bandwidth + interconnect_bandwidth
  std::vector<Bound> sources;
  std::vector<std::string> notes;
};

std::string clause_text(const sema::ClauseRef& c) {
  std::string regime = c.regime ? c.regime->id : std::string();
  if (c.id.empty())
    return fmt::format("{} {} rule {}", regime, sema::clause_kind_name(c.kind), c.index + 1);
  return fmt::format("{} {} \"{}\"", regime, sema::clause_kind_name(c.kind), c.id);
}

Cuts collect_cuts(const sema::Regime& regime, const DesignSpace& space) {
  Cuts cuts;
  cuts.sources.push_back({});  // 0: the space's limit, named per resource
  sema::ThresholdAnalysis a = sema::analyse_thresholds(regime);
  if (!a.complete)
    cuts.notes.push_back(
        "a comparison of the regime left exact arithmetic and is not used to place candidates");
  std::map<std::pair<int, Rational>, int> seen;  // (quantity, value) -> source
  for (const auto& c : a.comparisons) {
    if (c.form == sema::ThresholdComparison::Form::constant) continue;
    const auto& q = a.quantities[static_cast<size_t>(c.quantity)];
    if (c.form == sema::ThresholdComparison::Form::difference ||
        c.threshold.kind != sema::Threshold::Kind::exact) {
      cuts.notes.push_back(fmt::format(
          "'{}' is compared with another quantity; the search does not solve for it", q.text()));
      continue;
    }
    const Rational& v = c.threshold.value;
    auto key = std::make_pair(c.quantity, v);
    int source;
    if (auto it = seen.find(key); it != seen.end()) {
      source = it->second;
    } else {
      sema::Dim dim;
      if (auto f = q.field())
        dim = chip_field(*f).dim;
      else if (!q.fields.empty())
        dim = chip_field(*q.fields.begin()).dim;
      Bound b;
      b.kind = Bound::Kind::threshold;
      b.value = v;
      b.item = fmt::format("{} {} {}", q.text(), sema::cmp_text(c.op), eval::format_value(v, dim));
      b.clause = c.clauses.empty() ? std::string() : clause_text(c.clauses.front());
      source = static_cast<int>(cuts.sources.size());
      cuts.sources.push_back(std::move(b));
      seen.emplace(key, source);
    }
    Cut cut{v, source};
    if (auto f = q.field()) {
      switch (*f) {
        case FieldId::tpp:
          cuts.tpp.push_back(cut);
          break;
        case FieldId::performance_density:
          cuts.pd.push_back(cut);
          break;
        case FieldId::die_area:
          cuts.area.push_back(cut);
          break;
        case FieldId::transistors:
          cuts.transistors.push_back(cut);
          break;
        case FieldId::memory_bandwidth:
          cuts.bandwidth.push_back(cut);
          break;
        case FieldId::memory_capacity:
          cuts.capacity.push_back(cut);
          break;
        case FieldId::interconnect_bandwidth:
          cuts.interconnect.push_back(cut);
          break;
        default:
          break;  // a fixed fact of the design (host link, TDP, years): nothing to choose
      }
      continue;
    }
    // A sum of fields (and constants): the design's fixed facts fold into the threshold,
    // which then cuts memory bandwidth, interconnect, or their sum.
    bool sum = true;
    Rational fixed(0);
    std::set<FieldId> vars;
    for (const auto& step : q.program) {
      if (step.code == sema::QuantityStep::Code::constant) {
        fixed = fixed + step.constant;
      } else if (step.code == sema::QuantityStep::Code::arithmetic) {
        sum = sum && step.op == sema::Node::Kind::add;
      } else if (step.field == FieldId::host_link_bandwidth) {
        fixed = fixed + space.host_link;
      } else if (step.field == FieldId::tdp) {
        fixed = fixed + space.tdp;
      } else if (step.field == FieldId::memory_bandwidth ||
                 step.field == FieldId::interconnect_bandwidth) {
        sum = sum && vars.insert(step.field).second;
      } else {
        sum = false;
      }
    }
    if (sum && !vars.empty()) {
      Cut shifted{v - fixed, source};
      if (vars.size() == 2)
        cuts.sum.push_back(shifted);
      else if (*vars.begin() == FieldId::memory_bandwidth)
        cuts.bandwidth.push_back(shifted);
      else
        cuts.interconnect.push_back(shifted);
    } else {
      cuts.notes.push_back(fmt::format(
          "'{}' is an expression the search does not solve for: its thresholds place no "
          "candidates, so the optimum is the best over the others'",
          q.text()));
    }
  }
  std::sort(cuts.notes.begin(), cuts.notes.end());
  cuts.notes.erase(std::unique(cuts.notes.begin(), cuts.notes.end()), cuts.notes.end());
  return cuts;
}

// A cut as candidates: the value itself and just below it, when within (0, limit].
void add_cut(std::vector<Cand>& out, const Rational& value, int source, const Rational& limit) {
  if (value <= Rational(0) || value > limit) return;
  out.push_back({value, false, source});
  out.push_back({value, true, source});
}

// The precisions a design carries, with their bit lengths.
struct Precisions {
  std::vector<std::pair<Precision, Rational>> bits;
};

Precisions precisions_of(const DesignSpace& s, const MetricOptions& options) {
  Precisions p;
  for (Precision pr : kAllPrecisions) {
    if (s.peak_per_mm2[static_cast<size_t>(pr)]) p.bits.emplace_back(pr, bit_length(pr, options));
  }
  return p;
}

// The largest TPP a design of area `area` reaches.
Rational max_tpp(const DesignSpace& s, const Precisions& p, const Rational& area) {
  Rational best(0);
  for (const auto& [pr, bits] : p.bits)
    best = std::max(best, *s.peak_per_mm2[static_cast<size_t>(pr)] * area * bits);
  return best;
}

// The candidate lists of one search, and the sources of their values.
struct Space {
  std::vector<Cand> areas;
  std::function<std::vector<Cand>(const Rational& area)> tpps;
  struct PerMemory {
    std::vector<Cand> bandwidth, capacity, interconnect;
  };
  std::vector<PerMemory> memory;
  std::vector<bool> datacenter;
  std::vector<Bound> sources;
  std::vector<Cand> sums;  // thresholds of memory_bandwidth + interconnect_bandwidth
};

// The limit sources of a space: index 0 stays unused; resources point at their own.
enum LimitSource { kArea = 1, kTpp, kInterconnect, kFirstMemory };

std::vector<Bound> limit_sources(const DesignSpace& s, std::vector<Bound> from_cuts) {
  auto limit = [](std::string item) {
    Bound b;
    b.item = std::move(item);
    return b;
  };
  std::vector<Bound> out;
  out.push_back({});
  out.push_back(limit(s.area_item));
  out.push_back(limit(s.peak_item));
  out.push_back(limit(s.interconnect_item));
  for (const auto& m : s.memories) {
    out.push_back(limit(m.item));
  }
  // The cuts' sources follow; a cut's index moves by the limits before it.
  for (size_t i = 1; i < from_cuts.size(); ++i)
    out.push_back(std::move(from_cuts[i]));
  return out;
}

Space exact_space(const sema::Regime& regime, const DesignSpace& s, const Precisions& p,
                  std::vector<std::string>& notes) {
  Cuts cuts = collect_cuts(regime, s);
  notes = cuts.notes;
  Space sp;
  int shift = kFirstMemory + static_cast<int>(s.memories.size()) - 1;
  sp.sources = limit_sources(s, cuts.sources);
  auto src = [shift](const Cut& c) { return c.source + shift; };
  for (const auto& c : cuts.sum) {
    sp.sums.push_back({c.value, false, src(c)});
    sp.sums.push_back({c.value, true, src(c)});
  }

  sp.areas.push_back({s.max_area, false, kArea});
  if (!s.area_fixed) {
    for (const auto& c : cuts.area)
      add_cut(sp.areas, c.value, src(c), s.max_area);
    if (s.transistors_per_mm2 > Rational(0)) {
      for (const auto& c : cuts.transistors)
        add_cut(sp.areas, c.value / s.transistors_per_mm2, src(c), s.max_area);
    }
  }
  normalise(sp.areas);

  auto tpp_cuts = cuts.tpp;
  auto pd_cuts = cuts.pd;
  sp.tpps = [&s, &p, tpp_cuts, pd_cuts, src](const Rational& area) {
    std::vector<Cand> out;
    Rational top = max_tpp(s, p, area);
    out.push_back({top, false, kTpp});
    for (const auto& c : tpp_cuts)
      add_cut(out, c.value, src(c), top);
    for (const auto& c : pd_cuts)
      add_cut(out, c.value * area, src(c), top);
    normalise(out);
    return out;
  };

  for (size_t m = 0; m < s.memories.size(); ++m) {
    const auto& mem = s.memories[m];
    Space::PerMemory pm;
    int msrc = kFirstMemory + static_cast<int>(m);
    pm.bandwidth.push_back({mem.bandwidth, false, msrc});
    for (const auto& c : cuts.bandwidth)
      add_cut(pm.bandwidth, c.value, src(c), mem.bandwidth);
    pm.capacity.push_back({mem.capacity, false, msrc});
    for (const auto& c : cuts.capacity)
      add_cut(pm.capacity, c.value, src(c), mem.capacity);
    pm.interconnect.push_back({s.interconnect, false, kInterconnect});
    for (const auto& c : cuts.interconnect)
      add_cut(pm.interconnect, c.value, src(c), s.interconnect);
    // A cut of the sum places each side at the cut less every value of the other side
    // (an interconnect of zero among them: all of the sum to memory).
    if (!cuts.sum.empty())
      pm.interconnect.push_back({Rational(0), false, src(cuts.sum.front())});
    else if (s.interconnect == Rational(0))
      pm.interconnect.push_back({Rational(0), false, kInterconnect});
    std::vector<Cand> base_b = pm.bandwidth, base_i = pm.interconnect;
    for (const auto& c : cuts.sum) {
      for (const auto& i : base_i) {
        if (c.value > i.value) add_cut(pm.bandwidth, c.value - i.value, src(c), mem.bandwidth);
      }
      for (const auto& b : base_b) {
        if (c.value > b.value) add_cut(pm.interconnect, c.value - b.value, src(c), s.interconnect);
      }
    }
    normalise(pm.bandwidth);
    normalise(pm.capacity);
    normalise(pm.interconnect);
    sp.memory.push_back(std::move(pm));
  }
  if (s.datacenter)
    sp.datacenter = {*s.datacenter};
  else
    sp.datacenter = {true, false};
  return sp;
}

std::vector<Cand> grid(const Rational& limit, int steps, int source, bool with_zero) {
  std::vector<Cand> out;
  for (int k = steps; k >= (with_zero ? 0 : 1); --k)
    out.push_back({limit * Rational(k, steps), false, source});
  return out;
}

Space grid_space(const DesignSpace& s, const Precisions& p, int steps) {
  Space sp;
  sp.sources = limit_sources(s, {Bound{}});
  sp.areas = s.area_fixed ? std::vector<Cand>{{s.max_area, false, kArea}}
                          : grid(s.max_area, steps, kArea, false);
  sp.tpps = [&s, &p, steps](const Rational& area) {
    return grid(max_tpp(s, p, area), steps, kTpp, false);
  };
  for (size_t m = 0; m < s.memories.size(); ++m) {
    int msrc = kFirstMemory + static_cast<int>(m);
    sp.memory.push_back({grid(s.memories[m].bandwidth, steps, msrc, false),
                         grid(s.memories[m].capacity, steps, msrc, false),
                         grid(s.interconnect, steps, kInterconnect, true)});
  }
  if (s.datacenter)
    sp.datacenter = {*s.datacenter};
  else
    sp.datacenter = {true, false};
  return sp;
}

// The concrete peaks of a design of `area` held to TPP `tpp` (below it when `open`): each
// precision at its limit, or at the TPP over its bit length where that is lower.
void set_peaks(Design& d, const DesignSpace& s, const Precisions& p, const Cand& tpp) {
  d.peak = {};
  Rational best(0);
  for (const auto& [pr, bits] : p.bits) {
    Rational cap = *s.peak_per_mm2[static_cast<size_t>(pr)] * d.area;
    Rational lim = tpp.value / bits;
    Rational v = cap < lim ? spec_floor(cap, false) : spec_floor(lim, tpp.open);
    if (cap == lim && !tpp.open) v = spec_floor(cap, false);
    d.peak[static_cast<size_t>(pr)] = v;
    best = std::max(best, v * bits);
  }
  d.tpp = best;
  d.pd = d.area > Rational(0) ? d.tpp / d.area : Rational(0);
}

// (objective, TPP, bandwidth, interconnect, capacity, area): ties go to the larger design.
using Rank = std::tuple<double, Rational, Rational, Rational, Rational, Rational>;
Rank rank_of(double objective, const Design& d) {
  return {objective, d.tpp, d.bandwidth, d.interconnect, d.capacity, d.area};
}

// Every resource of `a` at most `b`'s: `a` cannot beat `b` on a monotone objective.
bool dominated(const Design& a, const Design& b) {
  for (size_t i = 0; i < kPrecisionCount; ++i) {
    if (a.peak[i] && (!b.peak[i] || *a.peak[i] > *b.peak[i])) return false;
  }
  return a.bandwidth <= b.bandwidth && a.capacity <= b.capacity && a.interconnect <= b.interconnect;
}

// With tensor parallelism the objective trades memory bandwidth against interconnect (the
// all-reduces add to each step), so along a threshold of their sum the best split can lie
// between the corners. Scanned over 512 splits of each such threshold, then narrowed by
// golden section; every point decided like the corners.
void refine_sum_edges(LoopholeResult& r, Rank best, const sema::Regime& regime,
                      const eval::Query& query, Goal goal, const DesignSpace& s,
                      const ObjectiveSpec& obj, const MetricOptions& options, const Space& sp) {
  if (sp.sums.empty()) return;
  eval::CompiledRegime compiled(regime, query);
  eval::Decision scratch;
  const Cand* improved = nullptr;
  const Design start = r.design;
  // One split of `sum`: a share of it to the interconnect, the rest to memory `d.memory`.
  auto try_split = [&](Design d, const Cand& sum, double share) -> double {
    Rational i = spec_floor(Rational::from_double(share).value_or(Rational(0)) * sum.value, false);
    Rational b = spec_floor(sum.value - i, sum.open);
    if (i > s.interconnect || b > s.memories[d.memory].bandwidth || b <= Rational(0) ||
        i <= Rational(0))
      return 0;
    d.bandwidth = b;
    d.interconnect = i;
    ++r.points;
    if (!meets(compiled.decide(design_values(d, s, query.date, options), scratch), goal)) return 0;
    ++r.feasible;
    auto e = roofline::estimate(design_hardware(d), obj.shape, obj.workload, obj.calib);
    double v = objective_value(e, obj.objective);
    Rank rank = rank_of(v, d);
    if (rank > best) {
      best = rank;
      r.design = d;
      r.estimate = e;
      r.objective = v;
      improved = &sum;
    }
    return v;
  };
  constexpr int kSplits = 512;
  for (size_t m = 0; m < s.memories.size(); ++m) {
    for (const Cand& c : sp.memory[m].capacity) {
      Design d = start;
      d.memory = m;
      d.capacity = spec_floor(c.value, c.open);
      for (const Cand& sum : sp.sums) {
        int top = 0;
        double top_value = 0;
        for (int k = 1; k < kSplits; ++k) {
          double v = try_split(d, sum, static_cast<double>(k) / kSplits);
          if (v > top_value) {
            top_value = v;
            top = k;
          }
        }
        if (top == 0) continue;
        double lo = static_cast<double>(top - 1) / kSplits,
               hi = static_cast<double>(top + 1) / kSplits;
        const double g = 0.6180339887498949;
        for (int it = 0; it < 40; ++it) {
          double x = hi - g * (hi - lo), y = lo + g * (hi - lo);
          if (try_split(d, sum, x) >= try_split(d, sum, y))
            hi = y;
          else
            lo = x;
        }
      }
    }
  }
  if (!improved) return;
  const Bound& from = sp.sources[static_cast<size_t>(improved->source)];
  for (Resource res : {Resource::bandwidth, Resource::interconnect, Resource::capacity}) {
    Bound b = res == Resource::capacity ? Bound{} : from;
    if (res == Resource::capacity) {
      if (r.design.memory == start.memory && r.design.capacity == start.capacity) continue;
      b.item = s.memories[r.design.memory].item;
    }
    b.value = res == Resource::bandwidth      ? r.design.bandwidth
              : res == Resource::interconnect ? r.design.interconnect
                                              : r.design.capacity;
    b.open = false;
    r.bounds[static_cast<size_t>(res)] = b;
  }
  r.notes.push_back(fmt::format(
      "memory and interconnect bandwidth share the threshold '{}'{}: the split is the best of a "
      "numerical search along it (to 1/10,000 GB/s), not a corner",
      from.item, improved->open ? " (their sum just below it)" : ""));
}

LoopholeResult run(const sema::Regime& regime, const eval::Query& query, Goal goal,
                   const DesignSpace& s, const ObjectiveSpec& obj, const MetricOptions& options,
                   const Precisions& p, const Space& sp, std::vector<std::string> notes) {
  LoopholeResult r;
  r.notes = std::move(notes);
  eval::CompiledRegime compiled(regime, query);
  std::optional<Rank> best_rank;
  std::vector<uint32_t> known, truth;
  std::array<std::vector<Rational>, sema::kFieldCount> numbers;
  std::vector<char> ok;
  std::array<Cand, kResourceCount> best_cands{};
  Design d;
  d.dies = s.dies;
  d.host_link = s.host_link;
  d.tdp = s.tdp;
  for (bool dc : sp.datacenter) {
    d.datacenter = dc;
    for (const Cand& a : sp.areas) {
      // A die keeps whole spec units per die.
      d.area = spec_floor(a.value / Rational(s.dies), a.open) * Rational(s.dies);
      if (d.area <= Rational(0)) continue;
      d.transistors_billion =
          spec_floor(s.transistors_per_mm2 * d.area / Rational(1'000'000'000), false);
      std::vector<Cand> tpps = sp.tpps(d.area);
      for (size_t m = 0; m < s.memories.size(); ++m) {
        d.memory = m;
        const auto& pm = sp.memory[m];
        // Each candidate's concrete value, once.
        auto concrete = [](const std::vector<Cand>& cands) {
          std::vector<Rational> out;
          for (const Cand& c : cands)
            out.push_back(spec_floor(c.value, c.open));
          return out;
        };
        const std::vector<Rational> bws = concrete(pm.bandwidth), caps = concrete(pm.capacity),
                                    ics = concrete(pm.interconnect);
        // Every (bandwidth, capacity, interconnect) of a TPP is decided as one catalogue of
        // columns through the compiled form, which locates cells a block at a time; only
        // the TPP and density columns change from one TPP to the next.
        const eval::FieldValues base = design_values(d, s, query.date, options);
        const size_t n = bws.size() * caps.size() * ics.size();
        known.assign(n, base.known_mask);
        truth.assign(n, base.true_mask);
        eval::ValueColumns columns;
        columns.size = n;
        columns.known = known.data();
        columns.truth = truth.data();
        for (size_t f = 0; f < sema::kFieldCount; ++f) {
          if (!base.known(static_cast<FieldId>(f))) continue;
          numbers[f].assign(n, base.number[f]);
          columns.number[f] = numbers[f].data();
        }
        {
          auto& bcol = numbers[static_cast<size_t>(FieldId::memory_bandwidth)];
          auto& ccol = numbers[static_cast<size_t>(FieldId::memory_capacity)];
          auto& icol = numbers[static_cast<size_t>(FieldId::interconnect_bandwidth)];
          size_t k = 0;
          for (const auto& bw : bws)
            for (const auto& cap : caps)
              for (const auto& ic : ics) {
                bcol[k] = bw;
                ccol[k] = cap;
                icol[k] = ic;
                ++k;
              }
        }
        for (const Cand& t : tpps) {
          set_peaks(d, s, p, t);
          if (d.tpp <= Rational(0)) continue;
          auto& tcol = numbers[static_cast<size_t>(FieldId::tpp)];
          auto& pcol = numbers[static_cast<size_t>(FieldId::performance_density)];
          std::fill(tcol.begin(), tcol.end(), d.tpp);
          std::fill(pcol.begin(), pcol.end(), d.pd);
          ok.assign(n, 0);
          compiled.decide_all(
              columns, [&](size_t k, const eval::Decision& dec) { ok[k] = meets(dec, goal); });
          r.points += n;
          size_t k = 0;
          for (size_t bi = 0; bi < bws.size(); ++bi) {
            const Cand& b = pm.bandwidth[bi];
            d.bandwidth = bws[bi];
            for (size_t ci = 0; ci < caps.size(); ++ci) {
              const Cand& c = pm.capacity[ci];
              d.capacity = caps[ci];
              for (size_t ii = 0; ii < ics.size(); ++ii, ++k) {
                const Cand& i = pm.interconnect[ii];
                d.interconnect = ics[ii];
                if (!ok[k]) continue;
                ++r.feasible;
                if (best_rank && dominated(d, r.design)) continue;
                roofline::Estimate e =
                    roofline::estimate(design_hardware(d), obj.shape, obj.workload, obj.calib);
                if (e.status != roofline::Status::ok) {
                  ++r.no_fit;
                  continue;
                }
                double value = objective_value(e, obj.objective);
                Rank rank = rank_of(value, d);
                if (best_rank && rank <= *best_rank) continue;
                best_rank = rank;
                r.design = d;
                r.estimate = e;
                r.objective = value;
                best_cands = {t, a, b, c, i};
              }
            }
          }
        }
      }
    }
  }
  if (!best_rank) return r;
  r.found = true;
  for (size_t k = 0; k < kResourceCount; ++k) {
    const Cand& c = best_cands[k];
    Bound b = sp.sources[static_cast<size_t>(c.source)];
    b.value = c.value;
    b.open = c.open;
    r.bounds[k] = std::move(b);
  }
  if (obj.workload.tp > 1)
    refine_sum_edges(r, *best_rank, regime, query, goal, s, obj, options, sp);
  // The regime's own decision of the design as a chip, with its trace.
  Chip chip = design_chip(r.design, s, "loophole-design", "loophole design", "exctl loophole");
  r.decision = eval::decide(
      regime, eval::chip_values(chip, compute_metrics(chip, options), query.date), query);
  if (!meets(r.decision, goal))
    r.notes.push_back("the design's decision as a chip record differs from the search's");
  return r;
}

}  // namespace

std::optional<Goal> goal_from_name(std::string_view name) {
  if (name == "not-controlled") return Goal::not_controlled;
  if (name == "no-licence" || name == "no-license") return Goal::no_licence;
  if (name == "not-denied") return Goal::not_denied;
  return std::nullopt;
}

std::string_view goal_name(Goal g) {
  switch (g) {
    case Goal::not_controlled:
      return "not-controlled";
    case Goal::no_licence:
      return "no-licence";
    case Goal::not_denied:
      return "not-denied";
  }
  return "";
}

bool needs_destination(Goal g) {
  return g != Goal::not_controlled;
}

bool meets(const eval::Decision& d, Goal g) {
  if (d.verdict == eval::Verdict::indeterminate) return false;
  switch (g) {
    case Goal::not_controlled:
      return d.verdict != eval::Verdict::controlled;
    case Goal::no_licence:
      return d.licence.required.has_value() && !*d.licence.required;
    case Goal::not_denied:
      if (!d.licence.required.has_value()) return false;
      return !*d.licence.required || d.licence.policy == sema::Policy::case_by_case ||
             d.licence.policy == sema::Policy::presumption_of_approval;
  }
  return false;
}

std::optional<Objective> objective_from_name(std::string_view name) {
  if (name == "decode") return Objective::decode;
  if (name == "interactive") return Objective::interactive;
  if (name == "ttft") return Objective::ttft;
  return std::nullopt;
}

std::string_view objective_name(Objective o) {
  switch (o) {
    case Objective::decode:
      return "decode";
    case Objective::interactive:
      return "interactive";
    case Objective::ttft:
      return "ttft";
  }
  return "";
}

double objective_value(const roofline::Estimate& e, Objective o) {
  if (e.status != roofline::Status::ok) return 0;
  switch (o) {
    case Objective::decode:
      return e.expected.tokens_per_s_per_chip;
    case Objective::interactive:
      return e.expected.tokens_per_s_per_user;
    case Objective::ttft:
      return e.expected.ttft_s > 0 ? 1.0 / e.expected.ttft_s : 0;
  }
  return 0;
}

std::string_view resource_name(Resource r) {
  switch (r) {
    case Resource::tpp:
      return "tpp";
    case Resource::area:
      return "die_area";
    case Resource::bandwidth:
      return "memory_bandwidth";
    case Resource::capacity:
      return "memory_capacity";
    case Resource::interconnect:
      return "interconnect_bandwidth";
  }
  return "";
}

Chip design_chip(const Design& d, const DesignSpace& s, const std::string& id,
                 const std::string& name, const std::string& source) {
  Chip c;
  c.id = id;
  c.vendor = "exctl loophole";
  c.name = name;
  c.year = static_cast<int>(s.year);
  c.datacenter = d.datacenter;
  c.origin = "US";
  c.status = ChipStatus::reported;
  c.notes = fmt::format("a design found by exctl loophole in {}", s.label);
  auto group = [&](Provenance& p) {
    p.present = true;
    p.source = source;
    p.confidence = Confidence::low;
  };
  group(c.identity);
  group(c.compute);
  ProcessingUnit u;
  u.peak = d.peak;
  c.units.push_back(u);
  group(c.memory);
  const auto& mem = s.memories[d.memory];
  c.memory_type = mem.name;
  c.memory_gb = d.capacity;
  c.memory_bandwidth_gbps = d.bandwidth;
  group(c.interconnect);
  c.chip_to_chip_gbps = d.interconnect;
  c.host_link_gbps = d.host_link;
  group(c.silicon);
  c.transistors_billion = d.transistors_billion;
  Die die;
  die.name = "logic";
  die.role = DieRole::compute;
  die.count = static_cast<int>(d.dies);
  die.area_mm2 = d.area / Rational(d.dies);
  die.process = s.process;
  c.dies.push_back(die);
  group(c.power);
  c.tdp_w = d.tdp;
  return c;
}

eval::FieldValues design_values(const Design& d, const DesignSpace& s, sema::DateKey export_date,
                                const MetricOptions&) {
  eval::FieldValues v;
  v.set(FieldId::tpp, d.tpp);
  v.set(FieldId::performance_density, d.pd);
  v.set(FieldId::die_area, d.area);
  v.set(FieldId::memory_bandwidth, d.bandwidth);
  v.set(FieldId::memory_capacity, d.capacity);
  v.set(FieldId::interconnect_bandwidth, d.interconnect);
  v.set(FieldId::host_link_bandwidth, d.host_link);
  v.set(FieldId::transistors, d.transistors_billion * Rational(1'000'000'000));
  v.set(FieldId::tdp, d.tdp);
  v.set(FieldId::release_year, Rational(s.year));
  if (export_date) v.set(FieldId::export_year, Rational(export_date / 10000));
  v.set(FieldId::datacenter, d.datacenter);
  v.set(FieldId::has_hbm, s.memories[d.memory].hbm);
  v.set(FieldId::is_hbm_item, false);
  v.set(FieldId::advanced_logic, true);
  return v;
}

roofline::Hardware design_hardware(const Design& d) {
  roofline::Hardware hw;
  for (size_t i = 0; i < kPrecisionCount; ++i) {
    if (d.peak[i]) hw.peak[i] = d.peak[i]->to_double() * 1e12;
  }
  hw.memory_bandwidth = d.bandwidth.to_double() * 1e9;
  hw.memory_capacity = d.capacity.to_double() * kGiB;
  hw.link_bandwidth = d.interconnect.to_double() * 1e9 / 2;
  return hw;
}

LoopholeResult search(const sema::Regime& regime, const eval::Query& query, Goal goal,
                      const DesignSpace& space, const ObjectiveSpec& objective,
                      const MetricOptions& options) {
  Precisions p = precisions_of(space, options);
  std::vector<std::string> notes;
  Space sp = exact_space(regime, space, p, notes);
  return run(regime, query, goal, space, objective, options, p, sp, std::move(notes));
}

LoopholeResult grid_search(const sema::Regime& regime, const eval::Query& query, Goal goal,
                           const DesignSpace& space, const ObjectiveSpec& objective,
                           const MetricOptions& options, int steps) {
  Precisions p = precisions_of(space, options);
  Space sp = grid_space(space, p, steps);
  return run(regime, query, goal, space, objective, options, p, sp, {});
}

}  // namespace exctl::draft
