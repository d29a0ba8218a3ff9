#include "engine/roofline/estimate.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace exctl::roofline {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kCommBytes = 2;  // all-reduces run in FP16/BF16 whatever the GEMM format

// Sum of c for c = a..b (0 when b < a).
double sum_range(double a, double b) {
  return b < a ? 0 : (a + b) * (b - a + 1) / 2;
}

// Sum of min(c, w) for c = a..b.
double sum_capped(double a, double b, double w) {
  if (b < a) return 0;
  if (b <= w) return sum_range(a, b);
  if (a > w) return (b - a + 1) * w;
  return sum_range(a, w) + (b - w) * w;
}

// Compute and memory time of one group of kernels: the longer, plus the part of the
// shorter that does not overlap.
double combine(double compute, double memory, double overlap) {
  return std::max(compute, memory) + (1 - overlap) * std::min(compute, memory);
}

struct Rates {
  double gemm = 0, attention = 0;  // FLOP/s, after efficiency
  double bandwidth = 0, link = 0;  // bytes/s, after efficiency
  double link_latency_s = 0;       // of one all-reduce: chip-to-chip or through the host
  double alltoall_latency_s = 0;   // of one dispatch or combine
};

// Time split by the resource that bound it.
struct Attribution {
  double compute = 0, memory = 0, comm = 0;
  void add(double c, double m, double t) { (c >= m ? compute : memory) += t; }
  Bottleneck verdict() const {
    if (comm > compute && comm > memory) return Bottleneck::interconnect;
    return compute > memory ? Bottleneck::compute : Bottleneck::memory_bandwidth;
  }
};

struct PhaseResult {
  double time = 0;
  double compute_time = 0;  // its compute alone: what it adds to in-flight batched steps
  double flops = 0, bytes = 0;
  Attribution why;
};

// Per-chip sharding facts of a workload.
struct Sharding {
  double tp = 1, ep = 1;
  bool dp_attention = false;
  double imbalance = 1;  // on routed-expert work: the hottest expert-parallel rank
  double kv_share = 1;  // share of the cache each chip holds: KV heads split, MLA latent replicated
  double kv_reread = 1;  // K/V reads per KV head: 1 + (1 - reuse)(query heads per KV head - 1)
};

Sharding sharding_of(const ModelShape& m, const Workload& w, double reuse, const Calibration& c) {
  Sharding s;
  double tp = static_cast<double>(w.tp);
  s.tp = tp;
  s.ep = static_cast<double>(w.ep);
  s.dp_attention = w.dp_attention && tp > 1;
  s.imbalance = s.ep > 1 ? c.expert_imbalance : 1;
  if (s.dp_attention) {
    // Each rank holds its own sequences' cache, every head: nothing replicated.
    s.kv_share = 1 / tp;
    if (!m.mla && m.kv_heads > 0)
      s.kv_reread = 1 + (1 - reuse) * (std::max(1.0, m.heads / m.kv_heads) - 1);
  } else if (!m.mla && m.kv_heads > 0) {
    double heads_here = std::ceil(m.kv_heads / tp);
    s.kv_share = heads_here / m.kv_heads;
    double group = std::max(1.0, (m.heads / tp) / heads_here);
    s.kv_reread = 1 + (1 - reuse) * (group - 1);
  }
  return s;
}

// Collectives per forward: an all-reduce after attention (none with data-parallel
// attention) and after each dense MLP; a dispatch and a combine around each routed MLP when
// experts are spread (--ep) or attention is data-parallel.
double allreduces(const ModelShape& m, const Sharding& s, double tokens, const Rates& r) {
  if (s.tp <= 1) return 0;
  double allreduce = r.link_latency_s + allreduce_bytes(tokens, m.hidden, s.tp) / r.link;
  bool alltoall = m.moe_layers > 0 && (s.ep > 1 || s.dp_attention);
  double mlp_allreduces = alltoall ? m.layers - m.moe_layers : m.layers;
  double t = (s.dp_attention ? 0 : m.layers * allreduce) + mlp_allreduces * allreduce;
  if (alltoall) {
    t += 2 * m.moe_layers *
         (r.alltoall_latency_s +
          alltoall_bytes(tokens / s.tp, m.active_experts, m.hidden, std::max(s.ep, s.tp)) / r.link);
  }
  return t;
}

double overheads(const ModelShape& m, const Calibration& c) {
  return m.layers * c.layer_overhead_us * 1e-6 + c.step_overhead_us * 1e-6;
}

double weight_bytes(const ModelShape& m, double tokens, double w_bytes, const Sharding& s) {
  // The hottest rank reaches more of its experts, never more than it holds.
  double experts =
      std::min(effective_experts(m.experts, m.active_experts, tokens) * s.imbalance, m.experts);
  double replicated = s.dp_attention ? m.attention_params * (1 - 1 / s.tp) : 0;
  return ((m.weights_base + experts * m.expert_params) / s.tp + replicated) * w_bytes;
}

// Linear-layer compute time: routed-expert GEMMs on the hottest rank (imbalance times the
// mean tokens) and padded by expert_half_tokens rows per expert reached: t tokens per expert
// run at t / (t + half) of the GEMM rate.
double linear_time(const ModelShape& m, double tokens, const Sharding& s, const Rates& r,
                   const Calibration& c, double extra_flops) {
  double expert = 2 * tokens * m.active_experts * m.expert_params / s.tp;
  double rest = 2 * tokens * m.linear_active / s.tp - expert + extra_flops;
  double routed = expert * s.imbalance;
  if (m.experts > 0 && c.expert_half_tokens > 0 && tokens > 0) {
    // Over the experts the tokens reach: an untouched expert runs no GEMM to pad.
    double reached = std::max(effective_experts(m.experts, m.active_experts, tokens), 1.0);
    double per_expert = tokens * m.active_experts / reached;
    routed = expert * (s.imbalance * per_expert + c.expert_half_tokens) / per_expert;
  }
  return (rest + routed) / r.gemm;
}

// Cached tokens attended over all layers by one query at context `c`.
double pairs_at(const ModelShape& m, double c) {
  return m.full_layers * c + m.window_layers * std::min(c, m.window);
}

struct Formats {
  double w = 2, a = 2, kv = 2;
};

PhaseResult prefill(const ModelShape& m, const Workload& w, const Formats& f, const Sharding& s,
                    const Rates& r, const Calibration& c) {
  double batch = static_cast<double>(w.batch), len = static_cast<double>(w.input);
  double tokens = batch * len;
  // GEMMs over every prompt token; logits only for the last token of each sequence.
  double lin_flops = (2 * tokens * m.linear_active + 2 * batch * m.lm_head) / s.tp;
  double lin_bytes = weight_bytes(m, tokens, f.w, s) + tokens * m.act_per_token * f.a / s.tp;
  // Causal attention: token i attends to i positions, or min(i, window).
  double pairs = m.full_layers * sum_range(1, len) + m.window_layers * sum_capped(1, len, m.window);
  double att_flops = batch * pairs * m.attn_flops_prefill / s.tp;
  double kv_write = tokens * m.layers * m.kv_per_token_layer * f.kv * s.kv_share;

  PhaseResult p;
  double lc = linear_time(m, tokens, s, r, c, 2 * batch * m.lm_head / s.tp),
         lm = lin_bytes / r.bandwidth;
  double ac = att_flops / r.attention, am = kv_write / r.bandwidth;
  double comm = allreduces(m, s, tokens, r);
  p.compute_time = lc + ac;
  double k = c.prefill_overlap;
  p.time = combine(lc, lm, k) + combine(ac, am, k) + comm + overheads(m, c);
  p.flops = lin_flops + att_flops;
  p.bytes = lin_bytes + kv_write;
  p.why.add(lc, lm, combine(lc, lm, k));
  p.why.add(ac, am, combine(ac, am, k));
  p.why.comm = comm;
  return p;
}

// Decode: a step at context c costs fixed + per_pair · pairs_at(c); both parts are exact
// for every c, so the sum over the output has a closed form.
struct DecodeModel {
  double fixed = 0;     // seconds per step
  double per_pair = 0;  // seconds per cached token-layer (whole batch)
  double lin_flops = 0, lin_bytes = 0, att_flops_per_pair = 0, att_bytes_per_pair = 0;
  Attribution fixed_why;
  bool attention_compute_bound = false;
};

DecodeModel decode(const ModelShape& m, const Workload& w, const Formats& f, const Sharding& s,
                   const Rates& r, const Calibration& c) {
  double batch = static_cast<double>(w.batch);
  DecodeModel d;
  d.lin_flops = 2 * batch * (m.linear_active + m.lm_head) / s.tp;
  double kv_write = batch * m.layers * m.kv_per_token_layer * f.kv * s.kv_share;
  d.lin_bytes = weight_bytes(m, batch, f.w, s) + batch * m.act_per_token * f.a / s.tp + kv_write;
  double lc = linear_time(m, batch, s, r, c, 2 * batch * m.lm_head / s.tp),
         lm = d.lin_bytes / r.bandwidth;
  double comm = allreduces(m, s, batch, r);
  double k = c.decode_overlap;
  d.fixed = combine(lc, lm, k) + comm + overheads(m, c);
  d.fixed_why.add(lc, lm, combine(lc, lm, k));
  d.fixed_why.comm = comm;

  d.att_flops_per_pair = batch * m.attn_flops_decode / s.tp;
  d.att_bytes_per_pair = batch * m.kv_per_token_layer * f.kv * s.kv_share * s.kv_reread;
  double ac = d.att_flops_per_pair / r.attention, am = d.att_bytes_per_pair / r.bandwidth;
  d.per_pair = combine(ac, am, k);
  d.attention_compute_bound = ac >= am;
  return d;
}

struct RunResult {
  Timing timing;
  Bottleneck bottleneck = Bottleneck::memory_bandwidth, prefill_bottleneck = Bottleneck::compute,
             decode_bottleneck = Bottleneck::memory_bandwidth;
  double prefill_intensity = 0, decode_intensity = 0;
};

RunResult run(const ModelShape& m, const Workload& w, const Formats& f, const Rates& r,
              const Calibration& c) {
  Sharding s = sharding_of(m, w, c.gqa_kv_reuse, c);
  PhaseResult pf = prefill(m, w, f, s, r, c);
  DecodeModel dm = decode(m, w, f, s, r, c);

  double in = static_cast<double>(w.input), out = static_cast<double>(w.output);
  double steps = out - 1;
  // Decode step j (1..out-1) attends over input + j positions.
  double pair_sum = steps > 0 ? m.full_layers * sum_range(in + 1, in + steps) +
                                    m.window_layers * sum_capped(in + 1, in + steps, m.window)
                              : pairs_at(m, in + 1);
  double mean_pairs = steps > 0 ? pair_sum / steps : pair_sum;
  double tpot = dm.fixed + dm.per_pair * mean_pairs;

  RunResult res;
  Timing& t = res.timing;
  double batch = static_cast<double>(w.batch), tp = static_cast<double>(w.tp);
  t.ttft_s = pf.time;
  t.tpot_s = tpot;
  t.e2e_s = pf.time + (steps > 0 ? steps * dm.fixed + dm.per_pair * pair_sum : 0);
  t.tokens_per_s_per_user = 1 / tpot;
  t.tokens_per_s_per_chip = batch / tpot / tp;
  // In flight, a request's prefill joins running decode steps, which already stream the
  // weights and pay the fixed costs: it adds only its compute, and never more than alone.
  double decode_time = t.e2e_s - pf.time;
  double cycle = w.continuous ? decode_time + std::min(pf.compute_time, pf.time) : t.e2e_s;
  t.batch_tokens_per_s_per_chip = batch * out / cycle / tp;

  Attribution dec = dm.fixed_why;
  double att_time = dm.per_pair * mean_pairs;
  (dm.attention_compute_bound ? dec.compute : dec.memory) += att_time;
  res.prefill_bottleneck = pf.why.verdict();
  res.decode_bottleneck = dec.verdict();
  Attribution all = pf.why;
  double n = std::max(steps, 0.0);
  all.compute += n * dec.compute;
  all.memory += n * dec.memory;
  all.comm += n * dec.comm;
  res.bottleneck = all.verdict();

  res.prefill_intensity = pf.bytes > 0 ? pf.flops / pf.bytes : 0;
  double dflops = dm.lin_flops + dm.att_flops_per_pair * mean_pairs;
  double dbytes = dm.lin_bytes + dm.att_bytes_per_pair * mean_pairs;
  res.decode_intensity = dbytes > 0 ? dflops / dbytes : 0;
  return res;
}

Capacity capacity_of(const ModelShape& m, const Workload& w, const Formats& f, double memory,
                     const Calibration& c) {
  Capacity cap;
  double tp = static_cast<double>(w.tp);
  Sharding s = sharding_of(m, w, 1, c);
  cap.memory = memory;
  cap.weights =
      (m.total_params / tp + (s.dp_attention ? m.attention_params * (1 - 1 / tp) : 0)) * f.w;
  double free = memory - cap.weights;
  cap.weights_fit = free > 0;
  cap.kv_budget = std::max(0.0, free * c.kv_memory_fraction);
  double per_token_layer = m.kv_per_token_layer * f.kv * s.kv_share;
  cap.kv_per_token = per_token_layer * m.layers;
  double length = static_cast<double>(w.input + w.output);
  cap.kv_per_sequence = per_token_layer * pairs_at(m, length);
  cap.kv_needed = cap.kv_per_sequence * static_cast<double>(w.batch);
  if (cap.kv_per_sequence > 0) {
    // Capped at the largest batch the estimator takes (a made-up chip may hold 1e20).
    double fits = std::floor(cap.kv_budget / cap.kv_per_sequence);
    cap.max_batch_capped = fits > static_cast<double>(kMaxBatch);
    cap.max_batch = cap.max_batch_capped ? kMaxBatch : static_cast<int64_t>(fits);
  }
  // Longest context at batch 1: window layers stop growing at the window.
  double context = m.context_length;
  if (per_token_layer > 0 && m.full_layers > 0) {
    double token_layers = cap.kv_budget / per_token_layer;
    double all = m.full_layers + m.window_layers;
    context = token_layers >= all * m.window
                  ? (token_layers - m.window_layers * m.window) / m.full_layers
                  : token_layers / all;
  }
  cap.max_context =
      cap.weights_fit ? static_cast<int64_t>(std::floor(std::min(context, m.context_length))) : 0;
  if (!cap.weights_fit) {
    cap.max_batch = 0;
    cap.max_batch_capped = false;
  }
  cap.batch_fits = cap.weights_fit && w.batch <= cap.max_batch;
  return cap;
}

bool positive(const std::optional<double>& v) {
  return v && std::isfinite(*v) && *v > 0;
}

}  // namespace

// TDP over dense 8-bit peak against the family's reference, at most 1: a chip with less
// power per FLOP than the one the family was fitted on throttles under sustained GEMMs.
double power_factor(const Hardware& hw, const ChipFamily* fam) {
  if (!fam || fam->power_w_per_tflop <= 0 || !positive(hw.tdp)) return 1;
  const auto& fp8 = hw.peak_at(Precision::fp8);
  const auto& peak8 = positive(fp8) ? fp8 : hw.peak_at(Precision::int8);
  if (!positive(peak8)) return 1;
  return std::min(1.0, *hw.tdp / (*peak8 / 1e12) / fam->power_w_per_tflop);
}

double link_share(const ChipFamily* family, int64_t chips) {
  if (!family || family->peer_link_share <= 0 || chips <= 1) return 1;
  return std::min(1.0, static_cast<double>(chips - 1) * family->peer_link_share);
}

Efficiencies efficiencies(const Hardware& hw, const Calibration& c, const ChipFamily* family) {
  if (!family)
    return {c.compute_efficiency, c.compute_efficiency_8bit, c.compute_efficiency_8bit,
            c.memory_efficiency, 1};
  return {family->compute_16bit, family->compute_8bit, family->compute_4bit, family->memory,
          power_factor(hw, family)};
}

double effective_experts(double experts, double active, double tokens) {
  if (experts <= 0 || active <= 0 || tokens <= 0) return 0;
  return experts * (1 - std::pow(1 - active / experts, tokens));
}

double alltoall_bytes(double tokens, double active, double hidden, double ranks) {
  if (ranks <= 1) return 0;
  return (ranks - 1) / ranks * tokens * active * hidden * kCommBytes;
}

double allreduce_bytes(double tokens, double hidden, double tp) {
  if (tp <= 1) return 0;
  return 2 * (tp - 1) / tp * tokens * hidden * kCommBytes;
}

Hardware hardware_of(const Chip& chip) {
  Hardware hw;
  hw.id = chip.id;
  hw.name = chip.name;
  for (Precision p : kAllPrecisions) {
    std::optional<double> sum;
    for (const auto& unit : chip.units) {
      if (const auto& v = unit.at(p)) {
        double dense = v->to_double() * 1e12 / (unit.is_sparse(p) ? 2 : 1);
        sum = sum.value_or(0) + dense;
      }
    }
    hw.peak[static_cast<size_t>(p)] = sum;
  }
  if (chip.memory_bandwidth_gbps)
    hw.memory_bandwidth = chip.memory_bandwidth_gbps->to_double() * 1e9;
  if (chip.memory_gb) hw.memory_capacity = chip.memory_gb->to_double() * kGiB;
  if (chip.chip_to_chip_gbps) hw.link_bandwidth = chip.chip_to_chip_gbps->to_double() * 1e9 / 2;
  if (chip.host_link_gbps) hw.host_link_bandwidth = chip.host_link_gbps->to_double() * 1e9 / 2;
  if (chip.tdp_w) hw.tdp = chip.tdp_w->to_double();
  return hw;
}

std::vector<Problem> check_workload(const Workload& w, const Model& model) {
  std::vector<Problem> problems;
  auto bad = [&](std::string code, std::string message, std::vector<std::string> notes = {}) {
    problems.push_back({std::move(code), std::move(message), std::move(notes)});
  };
  if (w.batch < 1 || w.batch > kMaxBatch)
    bad("E0505", fmt::format("batch must lie in 1..{}, not {}", kMaxBatch, w.batch));
  auto length_ok = [&](std::string_view what, int64_t n) {
    if (n < 1) {
      bad("E0505", fmt::format("{} length must be at least 1 token, not {}", what, n));
      return false;
    }
    if (n > kMaxTokens) {
      bad("E0505", fmt::format("{} length must be at most {} tokens, not {}", what, kMaxTokens, n));
      return false;
    }
    return true;
  };
  bool input_ok = length_ok("input", w.input);
  bool output_ok = length_ok("output", w.output);
  // Both at most kMaxTokens: the sum cannot overflow.
  if (input_ok && output_ok && w.input + w.output > model.context_length) {
    bad("E0506",
        fmt::format("input + output = {} tokens exceeds the context length of {} ({} tokens)",
                    w.input + w.output, model.id, model.context_length));
  }
  if (w.tp < 1 || w.tp > kMaxTensorParallel) {
    bad("E0507",
        fmt::format("tensor parallelism must lie in 1..{}, not {}", kMaxTensorParallel, w.tp));
  } else if (model.heads % w.tp != 0) {
    bad("E0507", fmt::format("tensor parallelism {} does not divide the {} attention heads of {}",
                             w.tp, model.heads, model.id));
  }
  if (w.ep != 1) {
    int64_t experts = model.moe ? model.moe->experts : 0;
    if (!model.moe) {
      bad("E0516", fmt::format("expert parallelism needs a mixture-of-experts model; {} is dense",
                               model.id));
    } else if (w.ep < 1 || w.ep > kMaxTensorParallel) {
      bad("E0516",
          fmt::format("expert parallelism must lie in 1..{}, not {}", kMaxTensorParallel, w.ep));
    } else if (experts % w.ep != 0) {
      bad("E0516", fmt::format("expert parallelism {} does not divide the {} routed experts of {}",
                               w.ep, experts, model.id));
    } else if (w.tp >= 1 && w.tp % w.ep != 0) {
      bad("E0516",
          fmt::format("expert parallelism {} does not divide tensor parallelism {}", w.ep, w.tp),
          {"--ep spreads the experts over the --tp chips of the run; give --tp a multiple"});
    }
  }
  GemmFormat g = gemm_format(w.precisions);
  if (!g.format) bad("E0504", g.problem);
  return problems;
}

std::string_view status_name(Status s) {
  switch (s) {
    case Status::ok:
      return "ok";
    case Status::does_not_fit:
      return "does_not_fit";
    case Status::unavailable:
      return "unavailable";
  }
  return "unavailable";
}

std::string_view regime_name(Regime r) {
  switch (r) {
    case Regime::dense_memory:
      return "dense_memory";
    case Regime::dense_compute:
      return "dense_compute";
    case Regime::moe:
      return "moe";
  }
  return "dense_memory";
}

std::string_view bottleneck_name(Bottleneck b) {
  switch (b) {
    case Bottleneck::compute:
      return "compute";
    case Bottleneck::memory_bandwidth:
      return "memory_bandwidth";
    case Bottleneck::memory_capacity:
      return "memory_capacity";
    case Bottleneck::interconnect:
      return "interconnect";
  }
  return "compute";
}

std::string_view bottleneck_label(Bottleneck b) {
  switch (b) {
    case Bottleneck::compute:
      return "compute";
    case Bottleneck::memory_bandwidth:
      return "memory bandwidth";
    case Bottleneck::memory_capacity:
      return "memory capacity";
    case Bottleneck::interconnect:
      return "interconnect";
  }
  return "compute";
}

Estimate estimate(const Hardware& hw, const ModelShape& m, const Workload& w,
                  const Calibration& calib) {
  Estimate e;
  GemmFormat g = gemm_format(w.precisions);
  bool workload_ok = g.format && w.batch >= 1 && w.batch <= kMaxBatch && w.input >= 1 &&
                     w.input <= kMaxTokens && w.output >= 1 && w.output <= kMaxTokens &&
                     w.tp >= 1 && w.tp <= kMaxTensorParallel && w.ep >= 1 && w.tp % w.ep == 0 &&
                     m.layers > 0 && m.hidden > 0;
  if (!workload_ok) {
    e.missing.push_back("a valid workload");
    return e;
  }
  e.gemm = *g.format;
  e.attention = attention_format(w.precisions);
  const auto& gemm_peak = hw.peak_at(chip_precision(e.gemm));
  const auto& att_peak = hw.peak_at(chip_precision(e.attention));
  if (!positive(gemm_peak))
    e.missing.push_back(fmt::format("compute.{}", precision_key(chip_precision(e.gemm))));
  if (!positive(att_peak) && e.attention != e.gemm) {
    e.missing.push_back(fmt::format("compute.{}", precision_key(chip_precision(e.attention))));
  }
  if (!positive(hw.memory_bandwidth)) e.missing.push_back("memory.bandwidth_gbps");
  if (!positive(hw.memory_capacity)) e.missing.push_back("memory.capacity_gb");
  e.host_link = w.tp > 1 && !positive(hw.link_bandwidth) && positive(hw.host_link_bandwidth);
  if (w.tp > 1 && !positive(hw.link_bandwidth) && !e.host_link) {
    // A spec may state 0: the chip has no chip-to-chip link (a PCIe card), which is known.
    e.missing.push_back(hw.link_bandwidth
                            ? "interconnect.chip_to_chip_gbps (0: no chip-to-chip link)"
                            : "interconnect.chip_to_chip_gbps");
  }
  if (!e.missing.empty()) return e;

  e.gemm_peak = *gemm_peak;
  e.attention_peak = *att_peak;
  e.bandwidth = *hw.memory_bandwidth;
  e.ridge_point = e.gemm_peak / e.bandwidth;
  Formats f{format_bytes(w.precisions.weights), format_bytes(e.gemm),
            format_bytes(w.precisions.kv)};
  e.capacity = capacity_of(m, w, f, *hw.memory_capacity, calib);

  const ChipFamily* family = chip_family(calib, hw.id);
  e.family = family ? family->name : std::string_view();
  e.power_factor = power_factor(hw, family);
  // The same family in both settings: speed_of_light keeps the families, at 100%.
  const size_t family_index = family ? static_cast<size_t>(family - calib.families.data()) : 0;
  auto rates = [&](const Calibration& c) {
    const ChipFamily* fam = family ? &c.families[family_index] : nullptr;
    Efficiencies eff = efficiencies(hw, c, fam);
    Rates r;
    r.gemm = e.gemm_peak * eff.compute(nominal_bits(e.gemm));
    r.attention = e.attention_peak * eff.compute(nominal_bits(e.attention));
    r.bandwidth = e.bandwidth * eff.memory;
    r.link = e.host_link
                 ? *hw.host_link_bandwidth * c.host_link_efficiency
                 : hw.link_bandwidth.value_or(0) * c.link_efficiency * link_share(fam, w.tp);
    r.link_latency_s = (e.host_link ? c.host_latency_us : c.allreduce_latency_us) * 1e-6;
    r.alltoall_latency_s = (e.host_link ? c.host_latency_us : c.alltoall_latency_us) * 1e-6;
    return r;
  };
  Calibration sol = speed_of_light(calib);
  RunResult expected = run(m, w, f, rates(calib), calib);
  RunResult best = run(m, w, f, rates(sol), sol);
  e.expected = expected.timing;
  e.sol = best.timing;
  e.bottleneck = expected.bottleneck;
  e.prefill_bottleneck = expected.prefill_bottleneck;
  e.decode_bottleneck = expected.decode_bottleneck;
  e.regime = m.experts > 0                                ? Regime::moe
             : expected.bottleneck == Bottleneck::compute ? Regime::dense_compute
                                                          : Regime::dense_memory;
  e.prefill_intensity = best.prefill_intensity;
  e.decode_intensity = best.decode_intensity;
  e.status = e.capacity.batch_fits ? Status::ok : Status::does_not_fit;
  if (e.status == Status::does_not_fit) e.bottleneck = Bottleneck::memory_capacity;
  return e;
}

}  // namespace exctl::roofline
