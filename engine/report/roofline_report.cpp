#include "engine/report/roofline_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace exctl::report {
namespace {

using namespace roofline;
using json = nlohmann::ordered_json;

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::string field(std::string_view label, const std::string& value) {
  return fmt::format("  {:<24}{}\n", label, value);
}

// Largest magnitude printed as a grouped whole number; beyond it, an exponent (a double
// this large is no longer exact to the unit, and llround would leave int64 from 9.2e18).
constexpr double kGroupedMax = 1e15;

// Three significant digits, without an exponent for everyday magnitudes; very large and
// very small values in scientific form, never rounded to 0 or to an overflowed integer.
std::string sig3(double v) {
  if (!std::isfinite(v)) return "-";  // the estimate never yields one; never print nan/inf
  double a = std::fabs(v);
  if (a >= kGroupedMax) return fmt::format("{:.3g}", v);
  if (a >= 1000) return group_digits(static_cast<int64_t>(std::llround(v)));
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  if (a >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3g}", v);
}

// A whole number (a byte count) grouped by thousands while a double holds it exactly;
// beyond, six significant digits with an exponent.
std::string whole(double v) {
  if (!std::isfinite(v)) return "-";
  if (std::fabs(v) < 9e15) return group_digits(static_cast<int64_t>(std::llround(v)));
  return fmt::format("{:.6g}", v);
}

std::string bits_text(NumberFormat f) {
  switch (f) {
    case NumberFormat::fp4:
      return "4.5 bits (NVFP4: an FP8 scale per 16 elements)";
    case NumberFormat::int4:
      return "4.25 bits (group 128, FP16 scale and zero point)";
    default:
      return fmt::format("{} bits", nominal_bits(f));
  }
}

std::string tflops(double flops) {
  return fmt::format("{} T{}", sig3(flops / 1e12), "FLOPS");
}

std::string experts_text(const Model& m) {
  if (!m.moe) return "-";
  std::string s = fmt::format("{} (top {}", m.moe->experts, m.moe->active);
  if (m.moe->shared > 0) s += fmt::format(", {} shared", m.moe->shared);
  return s + ")";
}

double kib(double bytes) {
  return bytes / 1024;
}

}  // namespace

// ---- numbers --------------------------------------------------------------------------

std::string group_digits(int64_t value) {
  // The magnitude as unsigned: -INT64_MIN does not fit in int64.
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string digits = std::to_string(magnitude);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string format_seconds(double s) {
  if (s < 1e-3) return sig3(s * 1e6) + " us";
  if (s < 1) return sig3(s * 1e3) + " ms";
  // Whole seconds grouped up to 1e15 s, then an exponent (sig3): never an overflowed integer.
  return sig3(s) + " s";
}

std::string format_rate(double r) {
  return sig3(r);
}

std::string format_gib(double bytes) {
  return sig3(bytes / kGiB) + " GiB";
}

json json_real(double value) {
  if (!std::isfinite(value)) return nullptr;
  // Whole numbers (byte counts) stay exact; the rest is rounded for stable output.
  if (std::fabs(value) < 9e15 && value == std::floor(value)) return static_cast<int64_t>(value);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  double rounded = std::strtod(buf, nullptr);
  if (std::fabs(rounded) < 9e15 && rounded == std::floor(rounded))
    return static_cast<int64_t>(rounded);
  return rounded;
}

// ---- models ---------------------------------------------------------------------------

Table model_list_table(const std::vector<Model>& models) {
  Table t({{"id", "id"},
           {"name", "name"},
           {"params", "params", true},
           {"active_params", "active", true},
           {"layers", "layers", true},
           {"hidden", "hidden", true},
           {"heads", "heads", true},
           {"kv_heads", "kv heads", true, false},
           {"head_dim", "head dim", true, false},
           {"attention", "attention"},
           {"experts", "experts"},
           {"context_length", "context", true},
           {"weight_bytes_fp16", "weights fp16", true},
           {"kv_bytes_per_token_fp16", "kv/token fp16", true}});
  for (const auto& m : models) {
    ParamCounts p = count_params(m);
    double weights = static_cast<double>(p.total) * 2;
    int64_t kv = kv_elements_per_token(m) * 2;
    auto billions = [](int64_t v) { return fmt::format("{:.2f}B", static_cast<double>(v) / 1e9); };
    t.add_row({{m.id, m.id},
               {m.name, m.name},
               {billions(p.total), p.total},
               {billions(p.active), p.active},
               {std::to_string(m.layers), m.layers},
               {std::to_string(m.hidden), m.hidden},
               {std::to_string(m.heads), m.heads},
               {m.mla ? "-" : std::to_string(m.kv_heads), m.mla ? json(nullptr) : json(m.kv_heads)},
               {m.mla ? "-" : std::to_string(m.head_dim), m.mla ? json(nullptr) : json(m.head_dim)},
               {attention_kind(m), attention_kind(m)},
               {experts_text(m), m.moe ? json(m.moe->experts) : json(nullptr)},
               {group_digits(m.context_length), m.context_length},
               {format_gib(weights), json_real(weights)},
               {fmt::format("{} KiB", sig3(kib(static_cast<double>(kv)))), kv}});
  }
  return t;
}

std::string model_show_text(const Model& m) {
  ParamCounts p = count_params(m);
  std::string out = fmt::format("{} ({})\n", m.name, m.id);
  out += field("source", m.source);
  if (!m.notes.empty()) out += field("notes", m.notes);
  std::string heads =
      m.mla ? fmt::format("{} heads, MLA (kv_lora_rank {}, rope {}, nope {}, v {}, q_lora_rank {})",
                          m.heads, m.mla->kv_lora_rank, m.mla->qk_rope_head_dim,
                          m.mla->qk_nope_head_dim, m.mla->v_head_dim, m.mla->q_lora_rank)
            : fmt::format("{} heads, {} KV heads ({}), head dim {}", m.heads, m.kv_heads,
                          attention_kind(m), m.head_dim);
  out += field("shape", fmt::format("{} layers, hidden {}, {}", m.layers, m.hidden, heads));
  if (m.sliding_window) {
    out += field("sliding window",
                 fmt::format("{} tokens on {} of {} layers", m.sliding_window->window,
                             m.sliding_window->layers, m.layers));
  }
  std::string mlp = m.mlp_matrices == 3 ? "gated (3 matrices)" : "2 matrices";
  if (m.ffn > 0) mlp += fmt::format(", ffn {}", m.ffn);
  if (m.moe) {
    mlp += fmt::format(
        "; MoE: {} routed experts, top {}, {} shared, expert ffn {}, {} dense layers first",
        m.moe->experts, m.moe->active, m.moe->shared, m.moe->expert_ffn, m.moe->dense_layers);
  }
  out += field("mlp", mlp);
  out += field("vocabulary", fmt::format("{}, {} embeddings", group_digits(m.vocab),
                                         m.tied_embeddings ? "tied" : "untied"));
  out += field("context length", fmt::format("{} tokens", group_digits(m.context_length)));

  out += "\nparameters\n";
  for (const auto& term : param_terms(m)) {
    std::string value = fmt::format("{} = {}", term.formula, group_digits(term.value));
    if (term.name == "total") {
      value += fmt::format(" ({:.2f} B", static_cast<double>(term.value) / 1e9);
      if (m.params_billion) value += fmt::format("; the model card states {} B", *m.params_billion);
      value += ")";
    } else if (term.name == "active per token") {
      value += fmt::format(" ({:.2f} B", static_cast<double>(term.value) / 1e9);
      if (m.active_params_billion)
        value += fmt::format("; the model card states {} B", *m.active_params_billion);
      value += ")";
    }
    out += field(term.name, value);
  }

  out +=
      m.moe ? "\nweight bytes (every expert; active per token in brackets)\n" : "\nweight bytes\n";
  for (NumberFormat f : kAllFormats) {
    double bytes = static_cast<double>(p.total) * format_bits(f) / 8;
    std::string value = fmt::format("{} × {} / 8 = {} B ({})", group_digits(p.total), bits_text(f),
                                    whole(bytes), format_gib(bytes));
    if (m.moe)
      value += fmt::format(" [{}]", format_gib(static_cast<double>(p.active) * format_bits(f) / 8));
    out += field(format_key(f), value);
  }

  Term kv = kv_term(m);
  out += "\nkv cache per token\n";
  out += field("elements", fmt::format("{} = {}", kv.formula, group_digits(kv.value)));
  for (NumberFormat f : kAllFormats) {
    double bytes = static_cast<double>(kv.value) * format_bits(f) / 8;
    out += field(format_key(f), fmt::format("{} × {} / 8 = {} B ({} KiB)", group_digits(kv.value),
                                            bits_text(f), whole(bytes), sig3(kib(bytes))));
  }
  if (m.sliding_window) {
    out += fmt::format("  (the {} sliding-window layers stop growing at {} tokens)\n",
                       m.sliding_window->layers, m.sliding_window->window);
  }
  return out;
}

json model_to_json(const Model& m) {
  ParamCounts p = count_params(m);
  json j;
  j["id"] = m.id;
  j["name"] = m.name;
  j["source"] = m.source;
  j["notes"] = m.notes;
  j["params_billion_stated"] = m.params_billion ? json(*m.params_billion) : json(nullptr);
  j["active_params_billion_stated"] =
      m.active_params_billion ? json(*m.active_params_billion) : json(nullptr);
  j["context_length"] = m.context_length;
  j["layers"] = m.layers;
  j["hidden"] = m.hidden;
  j["heads"] = m.heads;
  j["kv_heads"] = m.mla ? json(nullptr) : json(m.kv_heads);
  j["head_dim"] = m.mla ? json(nullptr) : json(m.head_dim);
  j["ffn"] = m.ffn > 0 ? json(m.ffn) : json(nullptr);
  j["mlp_matrices"] = m.mlp_matrices;
  j["vocab"] = m.vocab;
  j["tied_embeddings"] = m.tied_embeddings;
  j["qkv_bias"] = m.qkv_bias;
  j["attention"] = attention_kind(m);
  if (m.mla) {
    j["mla"] = {{"q_lora_rank", m.mla->q_lora_rank},
                {"kv_lora_rank", m.mla->kv_lora_rank},
                {"qk_nope_head_dim", m.mla->qk_nope_head_dim},
                {"qk_rope_head_dim", m.mla->qk_rope_head_dim},
                {"v_head_dim", m.mla->v_head_dim}};
  } else {
    j["mla"] = nullptr;
  }
  if (m.moe) {
    j["moe"] = {{"experts", m.moe->experts},       {"active", m.moe->active},
                {"shared", m.moe->shared},         {"expert_ffn", m.moe->expert_ffn},
                {"shared_ffn", m.moe->shared_ffn}, {"dense_layers", m.moe->dense_layers}};
  } else {
    j["moe"] = nullptr;
  }
  if (m.sliding_window) {
    j["sliding_window"] = {{"window", m.sliding_window->window},
                           {"layers", m.sliding_window->layers}};
  } else {
    j["sliding_window"] = nullptr;
  }
  json terms = json::array();
  for (const auto& t : param_terms(m))
    terms.push_back({{"name", t.name}, {"formula", t.formula}, {"value", t.value}});
  j["params"] = p.total;
  j["active_params"] = p.active;
  j["param_terms"] = terms;
  json weights, active, kv;
  int64_t kv_elements = kv_elements_per_token(m);
  for (NumberFormat f : kAllFormats) {
    weights[std::string(format_key(f))] =
        json_real(static_cast<double>(p.total) * format_bits(f) / 8);
    active[std::string(format_key(f))] =
        json_real(static_cast<double>(p.active) * format_bits(f) / 8);
    kv[std::string(format_key(f))] =
        json_real(static_cast<double>(kv_elements) * format_bits(f) / 8);
  }
  j["weight_bytes"] = weights;
  j["active_weight_bytes"] = active;
  j["kv_elements_per_token"] = kv_elements;
  j["kv_bytes_per_token"] = kv;
  return j;
}

// ---- estimates ------------------------------------------------------------------------

namespace {

json timing_json(const Timing& t, bool present) {
  json j;
  auto v = [&](double x) { return present ? json_real(x) : json(nullptr); };
  j["ttft_s"] = v(t.ttft_s);
  j["tpot_s"] = v(t.tpot_s);
  j["e2e_s"] = v(t.e2e_s);
  j["tokens_per_s_per_user"] = v(t.tokens_per_s_per_user);
  j["tokens_per_s_per_chip"] = v(t.tokens_per_s_per_chip);
  j["batch_tokens_per_s_per_chip"] = v(t.batch_tokens_per_s_per_chip);
  return j;
}

std::string status_text(const RooflinePoint& p) {
  const Estimate& e = p.estimate;
  switch (e.status) {
    case Status::ok:
      return "ok";
    case Status::does_not_fit:
      return e.capacity.weights_fit
                 ? fmt::format("does not fit (max batch {})", e.capacity.max_batch)
                 : "does not fit (weights)";
    case Status::unavailable:
      return fmt::format("unavailable: missing {}", fmt::join(e.missing, ", "));
  }
  return "";
}

// "3,600", or "1,000,000 or more" when more sequences fit than the estimator takes.
std::string max_batch_text(const Capacity& c) {
  return group_digits(c.max_batch) + (c.max_batch_capped ? " or more" : "");
}

std::string chips_text(const RooflinePoint& p) {
  return p.workload.tp > 1 ? fmt::format("{} × {}", p.workload.tp, p.chip_name) : p.chip_name;
}

std::string ratio_text(const std::optional<double>& r) {
  if (!r) return "-";
  // Two decimals for everyday ratios; an exponent for extreme ones (a chip with a tiny rate).
  if (*r >= 1e6 || *r < 0.01) return fmt::format("{:.3g}×", *r);
  return fmt::format("{:.2f}×", *r);
}

}  // namespace

std::vector<std::string> capacity_notes(const RooflinePoint& point) {
  const Capacity& c = point.estimate.capacity;
  const Workload& w = point.workload;
  std::vector<std::string> notes;
  double tp = static_cast<double>(w.tp);
  notes.push_back(
      w.tp > 1
          ? fmt::format("memory per chip {}; weights {} ({} over {} chips)", format_gib(c.memory),
                        format_gib(c.weights), format_gib(c.weights * tp), w.tp)
          : fmt::format("memory {}; weights {}", format_gib(c.memory), format_gib(c.weights)));
  if (!c.weights_fit) {
    notes.push_back(
        fmt::format("the weights alone exceed the memory by {}; use more chips (--tp) or narrower "
                    "weights (--weights fp8)",
                    format_gib(c.weights - c.memory)));
    return notes;
  }
  notes.push_back(fmt::format(
      "KV cache budget {} ({} of the {} left after the weights)", format_gib(c.kv_budget),
      sig3((c.memory - c.weights) > 0 ? c.kv_budget / (c.memory - c.weights) : 0),
      format_gib(c.memory - c.weights)));
  notes.push_back(fmt::format("one sequence of {} tokens needs {}; batch {} needs {}",
                              w.input + w.output, format_gib(c.kv_per_sequence), w.batch,
                              format_gib(c.kv_needed)));
  notes.push_back(
      fmt::format("max batch at these lengths: {}; longest context at batch 1: {} tokens",
                  max_batch_text(c), group_digits(c.max_context)));
  return notes;
}

// ", tensor parallel 8, expert parallel 8, ...": the layout, only what differs from one chip.
std::string_view regime_label(Regime r) {
  switch (r) {
    case Regime::dense_memory:
      return "dense, memory-bound";
    case Regime::dense_compute:
      return "dense, compute-bound";
    case Regime::moe:
      return "mixture of experts";
  }
  return "";
}

std::string layout_text(const Workload& w, const Estimate& e) {
  std::string out;
  if (w.tp > 1) out += fmt::format(", tensor parallel {}", w.tp);
  if (w.ep > 1) out += fmt::format(", expert parallel {}", w.ep);
  if (w.dp_attention && w.tp > 1) out += ", data-parallel attention";
  if (e.host_link) out += " over the host link";
  if (w.continuous) out += ", continuous serving";
  return out;
}

std::string roofline_text(const RooflinePoint& p, const Model& model, bool default_calibration) {
  const Estimate& e = p.estimate;
  const Workload& w = p.workload;
  std::string out = fmt::format("{} on {}: batch {}, {} in / {} out{}\n", model.name, chips_text(p),
                                w.batch, w.input, w.output, layout_text(w, e));
  out += fmt::format("formats: weights {}, activations {}, KV cache {}\n",
                     format_key(w.precisions.weights), format_key(w.precisions.activations),
                     format_key(w.precisions.kv));
  if (e.status == Status::unavailable) return out + status_text(p) + "\n";
  out += fmt::format("per chip: GEMMs at {} {}, attention at {} {}, HBM {} GB/s\n",
                     precision_label(chip_precision(e.gemm)), tflops(e.gemm_peak),
                     precision_label(chip_precision(e.attention)), tflops(e.attention_peak),
                     sig3(e.bandwidth / 1e9));
  // Only chips with a family of their own: the others take the global constants.
  if (!e.family.empty()) {
    out += fmt::format("efficiencies: chip family {}", e.family);
    if (e.power_factor < 1)
      out += fmt::format(", its TDP leaves {:.0f}% of the family's compute", e.power_factor * 100);
    out += " (exctl roofline --list-calib)\n";
  }
  if (e.status == Status::does_not_fit) {
    out += "\ndoes not fit\n";
    for (const auto& n : capacity_notes(p))
      out += "  " + n + "\n";
    return out;
  }
  auto row = [&](std::string_view label, const std::string& a, const std::string& b) {
    return fmt::format("  {:<26}{:>12}  {:>14}\n", label, a, b);
  };
  out += "\n" + row("", "expected", "speed of light");
  out +=
      row("time to first token", format_seconds(e.expected.ttft_s), format_seconds(e.sol.ttft_s));
  out +=
      row("time per output token", format_seconds(e.expected.tpot_s), format_seconds(e.sol.tpot_s));
  out += row("tokens/s per user", format_rate(e.expected.tokens_per_s_per_user),
             format_rate(e.sol.tokens_per_s_per_user));
  // A rate with its band: "4,325 (3,700–4,900)".
  auto banded = [&](std::string_view label, double expected, double sol) {
    Range r = throughput_range(expected, sol, e.regime);
    std::string line = row(label, format_rate(expected), format_rate(sol));
    line.pop_back();
    return line + fmt::format("  ({}–{})\n", format_rate(r.low), format_rate(r.high));
  };
  out += banded("tokens/s per chip", e.expected.tokens_per_s_per_chip, e.sol.tokens_per_s_per_chip);
  out += banded("batch tokens/s per chip", e.expected.batch_tokens_per_s_per_chip,
                e.sol.batch_tokens_per_s_per_chip);
  out += row("end to end", format_seconds(e.expected.e2e_s), format_seconds(e.sol.e2e_s));
  out += w.continuous
             ? "  (tokens/s per chip: steady decode; batch tokens/s: in-flight batching, each "
               "prefill riding on decode steps)\n"
             : "  (tokens/s per chip: steady decode; batch tokens/s: the whole static batch, "
               "prefill included)\n";

  ErrorBand band = error_band(e.regime);
  out += fmt::format(
      "  (in brackets: the range measured/expected took over the {} calibration points of this "
      "regime, {})\n\n",
      band.points, regime_label(e.regime));
  out += fmt::format("bottleneck: {} (prefill: {}; decode: {})\n", bottleneck_label(e.bottleneck),
                     bottleneck_label(e.prefill_bottleneck), bottleneck_label(e.decode_bottleneck));
  out += fmt::format(
      "arithmetic intensity: decode {} FLOP/B, prefill {} FLOP/B; ridge point {} FLOP/B ({} / "
      "HBM)\n",
      sig3(e.decode_intensity), sig3(e.prefill_intensity), sig3(e.ridge_point),
      precision_label(chip_precision(e.gemm)));
  out += "memory:\n";
  for (const auto& n : capacity_notes(p))
    out += "  " + n + "\n";
  out += fmt::format(
      "calibration: {}; speed of light: 100% of every peak, full overlap, no fixed costs\n",
      default_calibration ? "defaults (exctl roofline --list-calib)" : "with --calib overrides");
  return out;
}

json roofline_to_json(const RooflinePoint& p) {
  const Estimate& e = p.estimate;
  const Workload& w = p.workload;
  bool timed = e.status == Status::ok;
  bool known = e.status != Status::unavailable;
  json j;
  j["chip"] = p.chip_id;
  j["model"] = p.model_id;
  j["batch"] = w.batch;
  j["input"] = w.input;
  j["output"] = w.output;
  j["tp"] = w.tp;
  j["ep"] = w.ep;
  j["dp_attention"] = w.dp_attention;
  j["serving"] = w.continuous ? "continuous" : "static";
  j["host_link"] = e.host_link;
  j["weights"] = format_key(w.precisions.weights);
  j["activations"] = format_key(w.precisions.activations);
  j["kv"] = format_key(w.precisions.kv);
  // Which efficiencies the estimate took: a family's (null: the global constants).
  j["family"] = known && !e.family.empty() ? json(std::string(e.family)) : json(nullptr);
  j["power_factor"] = known ? json_real(e.power_factor) : json(nullptr);
  j["status"] = status_name(e.status);
  j["missing"] = e.missing;
  json t = timing_json(e.expected, timed);
  for (auto& [k, v] : t.items())
    j[k] = v;
  // The band of the expected rates: the calibration residuals of the estimate's regime.
  j["regime"] = timed ? json(regime_name(e.regime)) : json(nullptr);
  auto range = [&](double expected, double sol) {
    if (!timed) return json(nullptr);
    Range r = throughput_range(expected, sol, e.regime);
    return json::array({json_real(r.low), json_real(r.high)});
  };
  j["tokens_per_s_per_chip_range"] =
      range(e.expected.tokens_per_s_per_chip, e.sol.tokens_per_s_per_chip);
  j["batch_tokens_per_s_per_chip_range"] =
      range(e.expected.batch_tokens_per_s_per_chip, e.sol.batch_tokens_per_s_per_chip);
  j["max_batch"] = known ? json(e.capacity.max_batch) : json(nullptr);
  j["max_context"] = known ? json(e.capacity.max_context) : json(nullptr);
  j["bottleneck"] = known ? json(bottleneck_name(e.bottleneck)) : json(nullptr);
  j["prefill_bottleneck"] = timed ? json(bottleneck_name(e.prefill_bottleneck)) : json(nullptr);
  j["decode_bottleneck"] = timed ? json(bottleneck_name(e.decode_bottleneck)) : json(nullptr);
  j["decode_intensity"] = timed ? json_real(e.decode_intensity) : json(nullptr);
  j["prefill_intensity"] = timed ? json_real(e.prefill_intensity) : json(nullptr);
  j["ridge_point"] = known ? json_real(e.ridge_point) : json(nullptr);
  if (known) {
    const Capacity& c = e.capacity;
    j["memory"] = {{"per_chip_bytes", json_real(c.memory)},
                   {"weights_bytes", json_real(c.weights)},
                   {"kv_budget_bytes", json_real(c.kv_budget)},
                   {"kv_per_sequence_bytes", json_real(c.kv_per_sequence)},
                   {"kv_needed_bytes", json_real(c.kv_needed)}};
  } else {
    j["memory"] = nullptr;
  }
  j["sol"] = timing_json(e.sol, timed);
  if (p.decode_ratio || p.ttft_ratio) {
    j["ratio_tokens_per_s_per_chip"] = p.decode_ratio ? json_real(*p.decode_ratio) : json(nullptr);
    j["ratio_ttft"] = p.ttft_ratio ? json_real(*p.ttft_ratio) : json(nullptr);
  }
  return j;
}

Table roofline_table(const std::vector<RooflinePoint>& points, bool compare) {
  std::vector<Column> cols = {{"chip", "chip"},
                              {"batch", "batch", true},
                              {"ttft_s", "TTFT", true},
                              {"tpot_s", "TPOT", true},
                              {"tokens_per_s_per_user", "tok/s/user", true},
                              {"tokens_per_s_per_chip", "tok/s/chip", true}};
  if (compare) {
    cols.push_back({"ratio_tokens_per_s_per_chip", "vs first", true});
    cols.push_back({"ratio_ttft", "TTFT vs first", true});
  }
  cols.insert(cols.end(), {{"sol_tokens_per_s_per_chip", "SOL tok/s/chip", true},
                           {"batch_tokens_per_s_per_chip", "batch tok/s/chip", true, false},
                           {"e2e_s", "end to end", true, false},
                           {"max_batch", "max batch", true},
                           {"decode_intensity", "FLOP/B", true},
                           {"ridge_point", "ridge", true},
                           {"bottleneck", "bottleneck"},
                           {"decode_bottleneck", "decode bound"},
                           {"status", "status", false, false},
                           {"missing", "missing", false, false}});
  Table t(cols);
  for (const auto& p : points) {
    const Estimate& e = p.estimate;
    bool timed = e.status == Status::ok;
    bool known = e.status != Status::unavailable;
    auto timed_cell = [&](double v, std::string text) -> Cell {
      return timed ? Cell{std::move(text), json_real(v)} : Cell{"-", nullptr};
    };
    std::vector<Cell> row = {
        {p.chip_name, p.chip_id},
        {std::to_string(p.workload.batch), p.workload.batch},
        timed_cell(e.expected.ttft_s, format_seconds(e.expected.ttft_s)),
        timed_cell(e.expected.tpot_s, format_seconds(e.expected.tpot_s)),
        timed_cell(e.expected.tokens_per_s_per_user, format_rate(e.expected.tokens_per_s_per_user)),
        timed_cell(e.expected.tokens_per_s_per_chip,
                   format_rate(e.expected.tokens_per_s_per_chip))};
    if (compare) {
      row.push_back(p.decode_ratio ? Cell{ratio_text(p.decode_ratio), json_real(*p.decode_ratio)}
                                   : Cell{"-", nullptr});
      row.push_back(p.ttft_ratio ? Cell{ratio_text(p.ttft_ratio), json_real(*p.ttft_ratio)}
                                 : Cell{"-", nullptr});
    }
    row.push_back(
        timed_cell(e.sol.tokens_per_s_per_chip, format_rate(e.sol.tokens_per_s_per_chip)));
    row.push_back(timed_cell(e.expected.batch_tokens_per_s_per_chip,
                             format_rate(e.expected.batch_tokens_per_s_per_chip)));
    row.push_back(timed_cell(e.expected.e2e_s, format_seconds(e.expected.e2e_s)));
    row.push_back(known ? Cell{max_batch_text(e.capacity), e.capacity.max_batch}
                        : Cell{"-", nullptr});
    row.push_back(timed_cell(e.decode_intensity, sig3(e.decode_intensity)));
    row.push_back(known ? Cell{sig3(e.ridge_point), json_real(e.ridge_point)} : Cell{"-", nullptr});
    std::string verdict = timed ? std::string(bottleneck_label(e.bottleneck)) : status_text(p);
    row.push_back({verdict, known ? json(bottleneck_name(e.bottleneck)) : json(nullptr)});
    row.push_back(timed ? Cell{std::string(bottleneck_label(e.decode_bottleneck)),
                               bottleneck_name(e.decode_bottleneck)}
                        : Cell{"-", nullptr});
    row.push_back({std::string(status_name(e.status)), status_name(e.status)});
    row.push_back({fmt::format("{}", fmt::join(e.missing, ";")), e.missing});
    t.add_row(std::move(row));
  }
  return t;
}

// ---- calibration ----------------------------------------------------------------------

Table calibration_constants_table(const Calibration& current) {
  Table t({{"name", "name"},
           {"value", "value", true},
           {"default", "default", true},
           {"unit", "unit"},
           {"source", "source"}});
  Calibration defaults;
  for (const auto& k : calibration_constants()) {
    double v = current.*k.member, d = defaults.*k.member;
    t.add_row({{std::string(k.name), std::string(k.name)},
               {fmt::format("{}", v), json_real(v)},
               {fmt::format("{}", d), json_real(d)},
               {std::string(k.unit), std::string(k.unit)},
               {std::string(k.source), std::string(k.source)}});
  }
  for (size_t i = 0; i < current.families.size(); ++i) {
    const ChipFamily &f = current.families[i], &d = defaults.families[i];
    for (const auto& m : chip_family_members()) {
      double v = f.*m.member, dv = d.*m.member;
      std::string name = fmt::format("{}.{}", f.name, m.name);
      bool power = m.member == &ChipFamily::power_w_per_tflop;
      t.add_row({{name, name},
                 {fmt::format("{:.4g}", v), json_real(v)},
                 {fmt::format("{:.4g}", dv), json_real(dv)},
                 {power ? "W/TFLOPS" : "", power ? "W/TFLOPS" : ""},
                 {std::string(f.source), std::string(f.source)}});
    }
  }
  return t;
}

Table chip_families_table(const std::vector<Chip>& chips, const Calibration& current) {
  Table t({{"chip", "chip"},
           {"family", "family"},
           {"compute_16bit", "16-bit", true},
           {"compute_8bit", "8-bit", true},
           {"compute_4bit", "4-bit", true},
           {"memory", "memory", true},
           {"power_factor", "power", true}});
  for (const auto& chip : chips) {
    const ChipFamily* f = chip_family(current, chip.id);
    Efficiencies e = efficiencies(hardware_of(chip), current, f);
    auto cell = [](double v) { return Cell{fmt::format("{:.3g}", v), json_real(v)}; };
    std::string family = f ? std::string(f->name) : "global constants";
    t.add_row({{chip.id, chip.id},
               {family, family},
               cell(e.compute_16bit),
               cell(e.compute_8bit),
               cell(e.compute_4bit),
               cell(e.memory),
               cell(e.power_factor)});
  }
  return t;
}

namespace {
std::string metric_text(Metric m) {
  switch (m) {
    case Metric::ttft_ms:
      return "TTFT ms";
    case Metric::tokens_per_s_per_chip:
      return "out tok/s/chip";
    case Metric::tokens_per_s_total:
      return "out tok/s total";
  }
  return "";
}
}  // namespace

Table calibration_set_table(const std::vector<CalibrationResult>& results) {
  Table t({{"set", "set"},
           {"chip", "chip"},
           {"model", "model"},
           {"format", "format"},
           {"tp", "tp", true},
           {"batch", "batch", true},
           {"input", "in", true},
           {"output", "out", true},
           {"metric", "metric"},
           {"published", "published", true},
           {"expected", "expected", true},
           {"sol", "SOL", true},
           {"error", "error", true},
           {"tolerance", "tolerance", true},
           {"within", "ok"},
           {"held_out", "use"},
           {"overrides", "settings", false, true},
           {"source", "source", false, false}});
  for (const auto& r : results) {
    const CalibrationPoint& p = *r.point;
    bool has = r.problem.empty();
    std::string batch =
        p.workload.batch == 0 ? fmt::format("{} (max)", r.batch) : std::to_string(r.batch);
    auto value = [&](double v) -> Cell {
      if (!has) return {"-", nullptr};
      return {p.metric == Metric::ttft_ms ? sig3(v) : format_rate(v), json_real(v)};
    };
    t.add_row({{std::string(p.set), std::string(p.set)},
               {std::string(p.chip_id), std::string(p.chip_id)},
               {std::string(p.model_id), std::string(p.model_id)},
               {std::string(format_key(p.workload.precisions.weights)),
                format_key(p.workload.precisions.weights)},
               {std::to_string(p.workload.tp), p.workload.tp},
               {batch, r.batch},
               {std::to_string(p.workload.input), p.workload.input},
               {std::to_string(p.workload.output), p.workload.output},
               {metric_text(p.metric), metric_name(p.metric)},
               {p.metric == Metric::ttft_ms ? sig3(p.published) : format_rate(p.published),
                json_real(p.published)},
               value(r.expected),
               value(r.sol),
               has ? Cell{fmt::format("{:+.0f}%", r.error * 100), json_real(r.error)}
                   : Cell{"-", nullptr},
               {fmt::format("{:.0f}%", p.tolerance * 100), json_real(p.tolerance)},
               {has ? (r.within ? "yes" : "NO") : r.problem, r.within},
               {p.held_out ? "held out" : "fitted", p.held_out},
               {fmt::format("{}", fmt::join(p.overrides, " ")), p.overrides},
               {std::string(p.source), std::string(p.source)}});
  }
  return t;
}

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double largest(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

std::string vendor_of(std::string_view chip_id) {
  return std::string(chip_id.substr(0, chip_id.find('-')));
}

}  // namespace

std::string calibration_summary(const std::vector<CalibrationResult>& results) {
  double ttft = 0, tput = 0;
  size_t within = 0, fitted = 0;
  std::vector<double> fitted_tput, dense, moe;
  std::vector<std::string> vendors, guarded;
  for (const auto& r : results) {
    double err = std::fabs(r.error);
    bool is_ttft = r.point->metric == Metric::ttft_ms;
    if (!r.point->held_out) {
      ++fitted;
      within += r.within ? 1 : 0;
      if (!is_ttft) fitted_tput.push_back(err);
      // A fitted point the fit no longer meets keeps a wider tolerance as a regression guard
      // (docs/roofline.md says why); it is named rather than hidden in the largest error.
      if (!is_ttft && r.point->tolerance > 0.25) {
        guarded.push_back(fmt::format("{} {} {} {:+.0f}%", r.point->set, r.point->chip_id,
                                      r.point->model_id, r.error * 100));
        continue;
      }
      (is_ttft ? ttft : tput) = std::max(is_ttft ? ttft : tput, err);
      continue;
    }
    if (is_ttft || !r.problem.empty()) continue;
    if (r.regime == Regime::moe) {
      moe.push_back(err);
    } else {
      dense.push_back(err);
      std::string v = vendor_of(r.point->chip_id);
      if (std::find(vendors.begin(), vendors.end(), v) == vendors.end()) vendors.push_back(v);
    }
  }
  std::string out = fmt::format(
      "fitted: {} points, {} within tolerance; largest error: time to first token {:.0f}% "
      "(tolerance 35%), throughput {:.0f}% (tolerance 25%, median {:.0f}%)",
      fitted, within, ttft * 100, tput * 100, median(fitted_tput) * 100);
  if (!guarded.empty())
    out += fmt::format("; not met by the fit, with a wider guard: {}", fmt::join(guarded, ", "));
  out += fmt::format(
      "\nheld out, dense throughput: {} points over {} vendors ({}), median error {:.0f}%, "
      "worst {:.0f}% (targets 10% and 25%)",
      dense.size(), vendors.size(), fmt::join(vendors, ", "), median(dense) * 100,
      largest(dense) * 100);
  out += fmt::format(
      "\nheld out, MoE throughput: {} points, median error {:.0f}%, worst {:.0f}% (target: median "
      "35%)",
      moe.size(), median(moe) * 100, largest(moe) * 100);
  // Ratios between chips on one MLPerf round (sets M*, X*): each chip against the round's
  // H200, or its first chip; either may be fitted, the ratio is still a test of the model.
  std::vector<std::string> ratios;
  std::vector<std::string_view> rounds;
  for (const auto& r : results) {
    std::string_view set = r.point->set;
    bool mlperf = !set.empty() && (set[0] == 'M' || set[0] == 'X');
    if (mlperf && std::find(rounds.begin(), rounds.end(), set) == rounds.end())
      rounds.push_back(set);
  }
  for (std::string_view round : rounds) {
    const CalibrationResult* base = nullptr;
    for (const auto& r : results) {
      if (r.point->set != round || !r.problem.empty()) continue;
      if (!base || r.point->chip_id == "nvidia-h200-sxm") base = &r;
    }
    for (const auto& r : results) {
      if (r.point->set != round || &r == base || !r.problem.empty() || !base) continue;
      double measured = r.point->published / base->point->published;
      double expected = r.expected / base->expected;
      ratios.push_back(fmt::format("{} {}/{} {:+.0f}%", round, r.point->chip_id,
                                   base->point->chip_id, (expected / measured - 1) * 100));
    }
  }
  if (!ratios.empty())
    out += fmt::format("\nratios between chips on one MLPerf round (target within 15%): {}",
                       fmt::join(ratios, ", "));
  return out;
}

// ---- reference workload ---------------------------------------------------------------

Table reference_table(const std::vector<ReferenceRow>& rows) {
  Table t({{"chip", "chip"},
           {"ratio", "ratio", true},
           {"tokens_per_s_per_chip", "tok/s/chip", true},
           {"baseline", "baseline"},
           {"baseline_tokens_per_s_per_chip", "baseline tok/s/chip", true},
           {"bottleneck", "bottleneck"},
           {"reason", "note"}});
  for (const auto& r : rows) {
    const ReferenceRatio& x = r.ratio;
    bool has = x.ratio.has_value();
    t.add_row(
        {{r.chip_name, r.chip_id},
         has ? Cell{fmt::format("{:.2f}", *x.ratio), json_real(*x.ratio)} : Cell{"-", nullptr},
         has ? Cell{format_rate(x.tokens_per_s), json_real(x.tokens_per_s)} : Cell{"-", nullptr},
         {r.baseline_name, r.baseline_id},
         has ? Cell{format_rate(x.baseline_tokens_per_s), json_real(x.baseline_tokens_per_s)}
             : Cell{"-", nullptr},
         has ? Cell{std::string(bottleneck_label(x.estimate.decode_bottleneck)),
                    bottleneck_name(x.estimate.decode_bottleneck)}
             : Cell{"-", nullptr},
         {x.reason, x.reason}});
  }
  return t;
}

std::string roofline_table_footer(const std::string& model_id, const roofline::Workload& w,
                                  bool default_calibration) {
  return fmt::format(
             "{}: {} in / {} out, tensor parallel {}, weights {}, activations {}, KV {}; expected "
             "values{}, SOL = speed of light\n",
             model_id, w.input, w.output, w.tp, roofline::format_key(w.precisions.weights),
             roofline::format_key(w.precisions.activations), roofline::format_key(w.precisions.kv),
             default_calibration ? "" : " (with --calib overrides)") +
         "tok/s/chip: steady decode per chip; FLOP/B: decode arithmetic intensity against the "
         "chip's ridge point\n";
}

}  // namespace exctl::report
