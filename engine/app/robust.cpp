#include "engine/app/robust.hpp"

#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

#include "engine/base/text.hpp"

namespace exctl::app {
namespace {

struct OptionValues {
  std::string_view name;
  std::array<std::string_view, 2> values;
};
// The interpretation options (MetricOptions), each with its two values.
constexpr std::array<OptionValues, 5> kOptions = {{{"tf32_bits", {"19", "32"}},
                                                   {"mx_bits", {"element", "with_scale"}},
                                                   {"io_dies", {"include", "exclude"}},
                                                   {"sparse_only", {"halve", "as_is"}},
                                                   {"units", {"sum", "best"}}}};

std::string option_value(const MetricOptions& o, std::string_view name) {
  for (const auto& d : o.describe()) {
    if (d.size() > name.size() && d.compare(0, name.size(), name) == 0 && d[name.size()] == '=')
      return d.substr(name.size() + 1);
  }
  return {};
}

MetricOptions flipped(const MetricOptions& o, const OptionValues& option) {
  std::string now = option_value(o, option.name);
  std::string_view other = now == option.values[0] ? option.values[1] : option.values[0];
  MetricOptions out = o;
  out.set(fmt::format("{}={}", option.name, other));
  return out;
}

// The field a ranged spec value moves (compute peaks move tpp, die areas die_area, ...).
std::optional<sema::FieldId> field_of(std::string_view key) {
  using F = sema::FieldId;
  if (key.starts_with("compute.")) return F::tpp;
  if (key.starts_with("silicon.die[")) return F::die_area;
  if (key.starts_with("hbm.")) return F::memory_bandwidth_density;
  static const std::map<std::string_view, F> kFields = {
      {"memory.capacity_gb", F::memory_capacity},
      {"memory.bandwidth_gbps", F::memory_bandwidth},
      {"interconnect.chip_to_chip_gbps", F::interconnect_bandwidth},
      {"interconnect.host_link_gbps", F::host_link_bandwidth},
      {"silicon.transistors_billion", F::transistors},
      {"power.tdp_w", F::tdp}};
  auto it = kFields.find(key);
  return it == kFields.end() ? std::nullopt : std::optional<F>(it->second);
}

// Appends `outcome` unless it is there; the first one added stays first.
void add_outcome(std::vector<std::string>& outcomes, const std::string& outcome) {
  if (std::find(outcomes.begin(), outcomes.end(), outcome) == outcomes.end())
    outcomes.push_back(outcome);
}

class Robustness {
 public:
  Robustness(const RobustTarget& target, const Chip* chip) : target_(target), chip_(chip) {
    for (const auto& a : target.analyses)
      pointers_.push_back(&a);
  }

  std::vector<RobustVerdict> run(const std::vector<MetricOptions>& readings,
                                 const std::vector<eval::FieldBox>& boxes) {
    // The point outcome of each reading; the default reading is the first.
    for (const auto& box : boxes)
      points_.push_back(outcomes_at(box.point));
    size_t rows = points_.front().size();
    verdicts_.assign(rows, {});
    for (size_t row = 0; row < rows; ++row)
      verdicts_[row].outcomes.push_back(points_.front()[row]);
    // Every outcome over every reading's box; where an outcome was first met.
    std::vector<const eval::FieldBox*> done;
    for (size_t r = 0; r < boxes.size(); ++r) {
      if (std::any_of(done.begin(), done.end(), [&](const auto* b) { return *b == boxes[r]; }))
        continue;
      done.push_back(&boxes[r]);
      auto split = eval::split_box(pointers_, boxes[r]);
      note_exactness(split);
      for (const auto& w : split.witnesses) {
        auto outs = outcomes_at(w.values);
        for (size_t row = 0; row < rows && row < outs.size(); ++row) {
          if (!first_.count({row, outs[row]})) first_[{row, outs[row]}] = {r, w.values};
          add_outcome(verdicts_[row].outcomes, outs[row]);
        }
      }
    }
    option_hinges(readings);
    field_hinges(boxes.front());
    combination_hinges(readings, boxes);
    for (auto& v : verdicts_)
      v.robust = v.outcomes.size() == 1;
    return std::move(verdicts_);
  }

 private:
  std::vector<std::string> outcomes_at(const eval::FieldValues& values) {
    std::vector<std::string> out = target_.outcomes(values);
    if (!points_.empty() && out.size() != points_.front().size()) {
      // The values left exact arithmetic (E0421 reported): nothing is known here.
      for (auto& v : verdicts_) {
        v.exact = false;
        v.inexact_because = "a value in range carries an expression past exact arithmetic";
      }
      return {};
    }
    return out;
  }

  void note_exactness(const eval::BoxSplit& split) {
    if (split.exact) return;
    for (auto& v : verdicts_) {
      if (v.exact) v.inexact_because = split.inexact_because;
      v.exact = false;
    }
  }

  // Each option flipped alone from the default reading.
  void option_hinges(const std::vector<MetricOptions>& readings) {
    if (readings.size() < 2) return;
    for (size_t i = 0; i < kOptions.size(); ++i) {
      size_t r = size_t{1} << i;  // every_reading's order: bit i flips option i
      for (size_t row = 0; row < verdicts_.size(); ++row) {
        if (points_[r].size() <= row || points_[r][row] == points_[0][row]) continue;
        Hinge h;
        h.kind = Hinge::Kind::option;
        h.name = kOptions[i].name;
        h.sides = {{option_value(readings[0], h.name), points_[0][row]},
                   {option_value(readings[r], h.name), points_[r][row]}};
        explained(row, points_[r][row]);
        verdicts_[row].hinges.push_back(std::move(h));
      }
    }
  }

  // Each ranged field alone over its range, under the default reading.
  void field_hinges(const eval::FieldBox& box) {
    for (size_t f = 0; f < sema::kFieldCount; ++f) {
      auto id = static_cast<sema::FieldId>(f);
      if (!box.range[f] || (box.density_derived && id == sema::FieldId::performance_density))
        continue;
      eval::FieldBox alone = box;
      alone.range = {};
      alone.range[f] = box.range[f];
      auto split = eval::split_box(pointers_, alone);
      note_exactness(split);
      std::vector<std::vector<Hinge::Piece>> pieces(verdicts_.size());
      for (const auto& w : split.witnesses) {
        auto outs = outcomes_at(w.values);
        for (size_t row = 0; row < outs.size(); ++row) {
          auto& p = pieces[row];
          if (!p.empty() && p.back().outcome == outs[row]) {  // adjacent: one piece
            p.back().values.high = w.along->high;
            p.back().high_open = w.high_open;
          } else {
            p.push_back({*w.along, w.low_open, w.high_open, outs[row]});
          }
        }
      }
      for (size_t row = 0; row < verdicts_.size(); ++row) {
        if (pieces[row].size() < 2) continue;
        Hinge h;
        h.kind = Hinge::Kind::field;
        h.name = std::string(sema::field_info(id).name);
        h.range = box.range[f];
        h.dim = sema::field_info(id).dim;
        h.inputs = inputs_of(id);
        for (const auto& p : pieces[row])
          explained(row, p.outcome);
        h.pieces = std::move(pieces[row]);
        verdicts_[row].hinges.push_back(std::move(h));
      }
    }
  }

  // Outcomes no single option or field reaches alone: where each was first met.
  void combination_hinges(const std::vector<MetricOptions>& readings,
                          const std::vector<eval::FieldBox>& boxes) {
    for (size_t row = 0; row < verdicts_.size(); ++row) {
      for (const auto& outcome : verdicts_[row].outcomes) {
        if (outcome == points_[0][row] || explained_.count({row, outcome})) continue;
        const auto& [r, values] = first_.at({row, outcome});
        std::vector<std::string> parts;
        std::string reading = reading_text(readings[r], readings[0]);
        if (!reading.empty()) parts.push_back(reading);
        std::vector<std::string> varying;
        if (!reading.empty()) varying.push_back("options");
        for (size_t f = 0; f < sema::kFieldCount; ++f) {
          auto id = static_cast<sema::FieldId>(f);
          if (!boxes[r].range[f] ||
              (boxes[r].density_derived && id == sema::FieldId::performance_density))
            continue;
          if (auto v = values.num(id); v && *v != *boxes[r].point.num(id)) {
            parts.push_back(fmt::format("{} = {}", sema::field_info(id).name,
                                        eval::format_value(*v, sema::field_info(id).dim)));
            varying.push_back(std::string(sema::field_info(id).name));
          }
        }
        Hinge h;
        h.kind = Hinge::Kind::combination;
        h.name = join(varying, " and ");
        h.outcome = outcome;
        h.example = join(parts, ", ");
        verdicts_[row].hinges.push_back(std::move(h));
      }
    }
  }

  void explained(size_t row, const std::string& outcome) { explained_.insert({row, outcome}); }

  std::vector<Hinge::Input> inputs_of(sema::FieldId field) const {
    std::vector<Hinge::Input> out;
    if (!chip_) return out;
    for (const auto& [key, range] : chip_->ranges()) {
      if (field_of(key) == field)
        out.push_back({key, eval::Interval{range->low, range->high}, range->source});
    }
    return out;
  }

  const RobustTarget& target_;
  const Chip* chip_;
  std::vector<const sema::ThresholdAnalysis*> pointers_;
  std::vector<std::vector<std::string>> points_;  // reading -> row -> outcome
  std::vector<RobustVerdict> verdicts_;
  std::map<std::pair<size_t, std::string>, std::pair<size_t, eval::FieldValues>> first_;
  std::set<std::pair<size_t, std::string>> explained_;
};

}  // namespace

std::string outcome_text(const eval::Decision& d) {
  std::string out(eval::verdict_name(d.verdict));
  if (d.verdict == eval::Verdict::excluded)
    out += " (" + join(d.excluded_by) + ")";
  else if (!d.paragraphs.empty())
    out += " " + join(d.paragraphs);
  const auto& l = d.licence;
  if (!l.asked) return out;
  out += "; licence ";
  out += !l.required ? "unknown" : *l.required ? "required" : "not required";
  if (l.policy != sema::Policy::none) out += fmt::format(" ({})", sema::policy_name(l.policy));
  std::vector<std::string> ex;
  for (const auto& e : l.exceptions)
    ex.push_back(e.name);
  if (!ex.empty()) out += "; exceptions " + join(ex);
  return out;
}

std::vector<MetricOptions> every_reading(const MetricOptions& base) {
  std::vector<MetricOptions> out;
  for (size_t mask = 0; mask < (size_t{1} << kOptions.size()); ++mask) {
    MetricOptions o = base;
    for (size_t i = 0; i < kOptions.size(); ++i) {
      if (mask & (size_t{1} << i)) o = flipped(o, kOptions[i]);
    }
    out.push_back(o);
  }
  return out;
}

std::string reading_text(const MetricOptions& reading, const MetricOptions& base) {
  std::vector<std::string> diff;
  auto a = reading.describe(), b = base.describe();
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) diff.push_back(a[i]);
  }
  return join(diff, ", ");
}

std::vector<RobustVerdict> robust_verdicts(const RobustTarget& target, const Chip& chip,
                                           const MetricOptions& base, sema::DateKey date) {
  auto readings = every_reading(base);
  std::vector<eval::FieldBox> boxes;
  for (const auto& r : readings)
    boxes.push_back(eval::chip_box(chip, r, date));
  return Robustness(target, &chip).run(readings, boxes);
}

std::vector<RobustVerdict> robust_verdicts(const RobustTarget& target, const eval::FieldBox& box) {
  return Robustness(target, nullptr).run({MetricOptions{}}, {box});
}

void RobustTarget::analyse() {
  analyses.clear();
  for (const auto* r : regimes)
    analyses.push_back(sema::analyse_thresholds(*r));
}

std::vector<RobustVerdict> robust_check(CheckRun& run, const MetricOptions& base) {
  Check& check = *run.check;
  const Subject* subject = nullptr;
  RobustTarget target{check.regimes_read(),
                      [&](const eval::FieldValues& values) {
                        Subject s{subject->id, subject->name, nullptr, values, ""};
                        std::vector<std::string> out;
                        for (const auto& row : check.decide(s))
                          out.push_back(outcome_text(row.decision));
                        return out;
                      },
                      {}};
  target.analyse();  // once for every chip
  std::vector<RobustVerdict> out;
  for (const auto& s : run.subjects) {
    subject = &s;
    auto verdicts = s.chip ? robust_verdicts(target, *s.chip, base, check.date())
                           : robust_verdicts(target, eval::FieldBox{s.values});
    out.insert(out.end(), verdicts.begin(), verdicts.end());
  }
  return out;
}

}  // namespace exctl::app
