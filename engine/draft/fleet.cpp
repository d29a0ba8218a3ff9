#include "engine/draft/fleet.hpp"

#include <fmt/format.h>

namespace exctl::draft {

std::pair<int64_t, roofline::Estimate> fitting_tp(const roofline::Hardware& hw,
                                                  const roofline::Model& model,
                                                  roofline::Workload w,
                                                  const roofline::Calibration& calib) {
  roofline::ModelShape shape = roofline::shape_of(model);
  roofline::Estimate last;
  for (int64_t tp = 1; tp <= roofline::kMaxTensorParallel; tp *= 2) {
    w.tp = tp;
    if (!roofline::check_workload(w, model).empty()) continue;
    last = roofline::estimate(hw, shape, w, calib);
    if (last.status == roofline::Status::ok) return {tp, last};
    if (last.status == roofline::Status::unavailable) break;
  }
  return {0, last};
}

FleetResult fleet_capacity(const std::vector<FleetUnit>& units, const roofline::Hardware& h100,
                           const Rational& h100_tpp, const roofline::Model& model,
                           const roofline::Workload& workload, const roofline::Calibration& calib,
                           size_t regimes) {
  FleetResult r;
  auto [htp, he] = fitting_tp(h100, model, workload, calib);
  r.h100_tp = htp;
  r.h100 = he;
  r.h100_tokens_per_s = htp > 0 ? he.expected.tokens_per_s_per_chip : 0;
  FleetTotals& t = r.totals;
  t.shares.resize(regimes);
  for (const auto& u : units) {
    FleetRow row;
    row.unit = u;
    double n = static_cast<double>(u.count);
    if (u.tpp) {
      row.tpp_total = *u.tpp * Rational(u.count);
      row.h100_by_tpp = row.tpp_total->to_double() / h100_tpp.to_double();
      t.tpp_total = t.tpp_total + *row.tpp_total;
      t.h100_by_tpp += *row.h100_by_tpp;
    } else {
      t.tpp_complete = false;
    }
    if (u.hw.memory_capacity) row.memory_gb = n * *u.hw.memory_capacity / (1024.0 * 1024 * 1024);
    if (u.hw.memory_bandwidth) row.bandwidth_tbps = n * *u.hw.memory_bandwidth / 1e12;
    auto [tp, e] = fitting_tp(u.hw, model, workload, calib);
    row.tp = tp;
    row.estimate = e;
    if (tp > 0) {
      row.replicas = u.count / tp;
      // tokens/s per chip counts every chip of a replica, so a replica makes tp times it.
      row.tokens_per_s = static_cast<double>(row.replicas * tp) * e.expected.tokens_per_s_per_chip;
      row.tokens_per_day = row.tokens_per_s * 86400;
      if (r.h100_tokens_per_s > 0) row.h100_by_inference = row.tokens_per_s / r.h100_tokens_per_s;
    } else if (e.status == roofline::Status::unavailable) {
      row.why_not = fmt::format("missing {}", fmt::join(e.missing, ", "));
    } else {
      row.why_not = fmt::format("does not fit on {} chips", roofline::kMaxTensorParallel);
    }
    t.count += u.count;
    t.memory_gb += row.memory_gb;
    t.bandwidth_tbps += row.bandwidth_tbps;
    t.tokens_per_s += row.tokens_per_s;
    t.tokens_per_day += row.tokens_per_day;
    t.replicas += row.replicas;
    t.h100_by_inference += row.h100_by_inference.value_or(0);
    for (size_t k = 0; k < regimes && k < u.caught.size(); ++k) {
      if (u.caught[k] == Caught::yes) {
        t.shares[k].count += u.count;
        if (row.tpp_total) t.shares[k].tpp = t.shares[k].tpp + *row.tpp_total;
      } else if (u.caught[k] == Caught::unknown) {
        t.shares[k].unknown += u.count;
      }
    }
    r.rows.push_back(std::move(row));
  }
  for (auto& s : t.shares) {
    if (t.count > 0) s.count_share = static_cast<double>(s.count) / static_cast<double>(t.count);
    if (t.tpp_total > Rational(0)) s.tpp_share = s.tpp.to_double() / t.tpp_total.to_double();
  }
  return r;
}

}  // namespace exctl::draft
