#include "engine/roofline/model.hpp"

#include <limits>

#include <fmt/format.h>

namespace exctl::roofline {
namespace {

// Exact integer arithmetic that remembers an overflow: a config whose counts leave int64
// is reported (model_size_problem), never wrapped.
struct Exact {
  int64_t v = 0;
  bool overflow = false;
  Exact(int64_t x = 0) : v(x) {}  // NOLINT: implicit on purpose, for mixed expressions
  friend Exact operator+(Exact a, Exact b) {
    Exact r;
    r.overflow = a.overflow || b.overflow || __builtin_add_overflow(a.v, b.v, &r.v);
    return r;
  }
  friend Exact operator-(Exact a, Exact b) {
    Exact r;
    r.overflow = a.overflow || b.overflow || __builtin_sub_overflow(a.v, b.v, &r.v);
    return r;
  }
  friend Exact operator*(Exact a, Exact b) {
    Exact r;
    r.overflow = a.overflow || b.overflow || __builtin_mul_overflow(a.v, b.v, &r.v);
    return r;
  }
};

std::string group(int64_t v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

Exact gated(const Model& m) {
  return m.mlp_matrices;
}

Exact mla_attention(const Model& m, const MlaConfig& a) {
  Exact qk = Exact(a.qk_nope_head_dim) + a.qk_rope_head_dim;
  Exact q = a.q_lora_rank > 0
                ? Exact(m.hidden) * a.q_lora_rank + Exact(a.q_lora_rank) * m.heads * qk
                : Exact(m.hidden) * m.heads * qk;
  Exact kv_a = Exact(m.hidden) * (Exact(a.kv_lora_rank) + a.qk_rope_head_dim);
  Exact kv_b = Exact(a.kv_lora_rank) * m.heads * (Exact(a.qk_nope_head_dim) + a.v_head_dim);
  Exact o = Exact(m.heads) * a.v_head_dim * m.hidden;
  return q + kv_a + kv_b + o;
}

Exact gqa_attention(const Model& m) {
  Exact q = Exact(m.hidden) * m.heads * m.head_dim;
  Exact kv = Exact(2) * m.hidden * m.kv_heads * m.head_dim;
  Exact o = Exact(m.heads) * m.head_dim * m.hidden;
  Exact bias = m.qkv_bias ? (Exact(m.heads) + Exact(2) * m.kv_heads) * m.head_dim : Exact(0);
  return q + kv + o + bias;
}

Exact kv_per_token_layer(const Model& m) {
  if (m.mla) return Exact(m.mla->kv_lora_rank) + m.mla->qk_rope_head_dim;
  return Exact(2) * m.kv_heads * m.head_dim;
}

}  // namespace

ParamCounts count_params(const Model& m) {
  ParamCounts p;
  // Each count is computed exactly; the first that leaves int64 is named in p.overflow.
  auto set = [&](int64_t& out, Exact v, std::string_view name) {
    out = v.v;
    if (v.overflow && !p.overflow) p.overflow = std::string(name);
  };
  Exact attention_per_layer = m.mla ? mla_attention(m, *m.mla) : gqa_attention(m);
  Exact mlp_per_layer = gated(m) * m.hidden * m.ffn;
  Exact dense_layers = m.layers, moe_layers = 0, expert = 0, shared_per_layer = 0,
        router_per_layer = 0;
  if (m.moe) {
    dense_layers = m.moe->dense_layers;
    moe_layers = Exact(m.layers) - m.moe->dense_layers;
    expert = gated(m) * m.hidden * m.moe->expert_ffn;
    shared_per_layer = Exact(m.moe->shared) * gated(m) * m.hidden * m.moe->shared_ffn;
    router_per_layer = Exact(m.moe->experts) * m.hidden;
  }
  // Two norms per layer and one final; MLA adds norms on the query and KV latents.
  Exact norms_per_layer =
      Exact(2) * m.hidden + (m.mla ? Exact(m.mla->q_lora_rank) + m.mla->kv_lora_rank : Exact(0));
  Exact norms = Exact(m.layers) * norms_per_layer + m.hidden;

  Exact attention = Exact(m.layers) * attention_per_layer;
  Exact dense_mlp = dense_layers * mlp_per_layer;
  Exact experts = m.moe ? m.moe->experts : 0;
  Exact active = m.moe ? m.moe->active : 0;
  Exact routed = moe_layers * experts * expert;
  Exact shared = moe_layers * shared_per_layer;
  Exact routers = moe_layers * router_per_layer;
  Exact embedding = Exact(m.vocab) * m.hidden;
  Exact lm_head = m.tied_embeddings ? Exact(0) : Exact(m.vocab) * m.hidden;
  Exact common = attention + dense_mlp + shared + routers + embedding + lm_head + norms;

  set(p.attention_per_layer, attention_per_layer, "attention");
  set(p.mlp_per_layer, mlp_per_layer, "dense mlp");
  set(p.expert, expert, "routed experts");
  set(p.shared_per_layer, shared_per_layer, "shared experts");
  set(p.router_per_layer, router_per_layer, "routers");
  set(p.norms, norms, "norms");
  set(p.dense_layers, dense_layers, "layers");
  set(p.moe_layers, moe_layers, "layers");
  set(p.attention, attention, "attention");
  set(p.dense_mlp, dense_mlp, "dense mlp");
  set(p.routed_experts, routed, "routed experts");
  set(p.shared_experts, shared, "shared experts");
  set(p.routers, routers, "routers");
  set(p.embedding, embedding, "embedding");
  set(p.lm_head, lm_head, "lm head");
  set(p.total, common + routed, "total");
  set(p.active, common + moe_layers * active * expert, "active per token");
  // Every derived figure the estimator and the reports take from a model, in int64.
  set(p.kv_per_token, Exact(m.layers) * kv_per_token_layer(m), "kv cache per token");
  return p;
}

std::optional<std::string> model_size_problem(const Model& m) {
  ParamCounts p = count_params(m);
  if (!p.overflow) return std::nullopt;
  return fmt::format(
      "model '{}' is too large to count: its '{}' term exceeds {} (int64); no real model "
      "comes near (deepseek-v3 has 6.7e11 parameters): check the shape",
      m.id, *p.overflow, group(std::numeric_limits<int64_t>::max()));
}

int64_t kv_elements_per_token_layer(const Model& m) {
  if (m.mla) return m.mla->kv_lora_rank + m.mla->qk_rope_head_dim;
  return 2 * m.kv_heads * m.head_dim;
}

int64_t kv_elements_per_token(const Model& m) {
  return m.layers * kv_elements_per_token_layer(m);
}

std::string attention_kind(const Model& m) {
  std::string kind;
  if (m.mla)
    kind = "MLA";
  else if (m.kv_heads == m.heads)
    kind = "MHA";
  else if (m.kv_heads == 1)
    kind = "MQA";
  else
    kind = fmt::format("GQA {}:1", m.kv_heads > 0 ? m.heads / m.kv_heads : 0);
  if (m.sliding_window) {
    kind += fmt::format(", window {} on {} of {} layers", m.sliding_window->window,
                        m.sliding_window->layers, m.layers);
  }
  return kind;
}

std::vector<Term> param_terms(const Model& m) {
  ParamCounts p = count_params(m);
  std::vector<Term> terms;
  std::string attn;
  if (m.mla) {
    const MlaConfig& a = *m.mla;
    std::string q = a.q_lora_rank > 0 ? fmt::format("{}×{} + {}×{}×({}+{})", m.hidden,
                                                    a.q_lora_rank, a.q_lora_rank, m.heads,
                                                    a.qk_nope_head_dim, a.qk_rope_head_dim)
                                      : fmt::format("{}×{}×({}+{})", m.hidden, m.heads,
                                                    a.qk_nope_head_dim, a.qk_rope_head_dim);
    attn = fmt::format("{} × ({} + {}×({}+{}) + {}×{}×({}+{}) + {}×{}×{})", m.layers, q, m.hidden,
                       a.kv_lora_rank, a.qk_rope_head_dim, a.kv_lora_rank, m.heads,
                       a.qk_nope_head_dim, a.v_head_dim, m.heads, a.v_head_dim, m.hidden);
  } else {
    attn = fmt::format(
        "{} × ({}×{}×{} + 2×{}×{}×{} + {}×{}×{}{})", m.layers, m.hidden, m.heads, m.head_dim,
        m.hidden, m.kv_heads, m.head_dim, m.heads, m.head_dim, m.hidden,
        m.qkv_bias ? fmt::format(" + ({}+2×{})×{} bias", m.heads, m.kv_heads, m.head_dim) : "");
  }
  terms.push_back({"attention", attn, p.attention});
  if (p.dense_mlp > 0) {
    terms.push_back({"dense mlp",
                     fmt::format("{} × {}×{}×{}", p.dense_layers, m.mlp_matrices, m.hidden, m.ffn),
                     p.dense_mlp});
  }
  if (m.moe) {
    terms.push_back({"routed experts",
                     fmt::format("{} × {} × {}×{}×{}", p.moe_layers, m.moe->experts, m.mlp_matrices,
                                 m.hidden, m.moe->expert_ffn),
                     p.routed_experts});
    if (p.shared_experts > 0) {
      terms.push_back({"shared experts",
                       fmt::format("{} × {} × {}×{}×{}", p.moe_layers, m.moe->shared,
                                   m.mlp_matrices, m.hidden, m.moe->shared_ffn),
                       p.shared_experts});
    }
    terms.push_back(
        {"routers", fmt::format("{} × {}×{}", p.moe_layers, m.moe->experts, m.hidden), p.routers});
  }
  terms.push_back({m.tied_embeddings ? "embedding (= lm head)" : "embedding",
                   fmt::format("{}×{}", m.vocab, m.hidden), p.embedding});
  if (p.lm_head > 0)
    terms.push_back({"lm head", fmt::format("{}×{}", m.vocab, m.hidden), p.lm_head});
  std::string norms = m.mla ? fmt::format("{} × (2×{} + {} + {}) + {}", m.layers, m.hidden,
                                          m.mla->q_lora_rank, m.mla->kv_lora_rank, m.hidden)
                            : fmt::format("{} × 2×{} + {}", m.layers, m.hidden, m.hidden);
  terms.push_back({"norms", norms, p.norms});
  terms.push_back({"total", "sum of the above", p.total});
  if (m.moe) {
    terms.push_back({"active per token",
                     fmt::format("total − {} × ({} − {}) × {}×{}×{}", p.moe_layers, m.moe->experts,
                                 m.moe->active, m.mlp_matrices, m.hidden, m.moe->expert_ffn),
                     p.active});
  }
  return terms;
}

Term kv_term(const Model& m) {
  if (m.mla) {
    return {"kv cache per token",
            fmt::format("{} layers × ({} latent + {} rope)", m.layers, m.mla->kv_lora_rank,
                        m.mla->qk_rope_head_dim),
            kv_elements_per_token(m)};
  }
  return {"kv cache per token",
          fmt::format("{} layers × 2 (K, V) × {} KV heads × {} head dim", m.layers, m.kv_heads,
                      m.head_dim),
          kv_elements_per_token(m)};
}

ModelShape shape_of(const Model& m) {
  ParamCounts p = count_params(m);
  ModelShape s;
  auto d = [](int64_t v) { return static_cast<double>(v); };
  s.layers = d(m.layers);
  s.hidden = d(m.hidden);
  s.heads = d(m.heads);
  s.kv_heads = m.mla ? 0 : d(m.kv_heads);
  s.mla = m.mla.has_value();
  s.context_length = d(m.context_length);
  s.total_params = d(p.total);

  int64_t head = m.vocab * m.hidden;
  s.lm_head = d(head);
  s.expert_params = d(p.moe_layers * p.expert);
  s.experts = m.moe ? d(m.moe->experts) : 0;
  s.active_experts = m.moe ? d(m.moe->active) : 0;
  s.moe_layers = d(p.moe_layers);
  s.attention_params = d(p.attention);
  // The input embedding is only gathered (a few rows per step), so it is not streamed.
  s.weights_base = d(p.attention + p.dense_mlp + p.shared_experts + p.routers + p.norms + head);
  int64_t bias = m.qkv_bias ? m.layers * (m.heads + 2 * m.kv_heads) * m.head_dim : 0;
  s.linear_active = d(p.attention - bias + p.dense_mlp + p.shared_experts + p.routers) +
                    s.active_experts * s.expert_params;

  // Activations each linear layer reads and writes, per token.
  double attn_io = 0;
  if (m.mla) {
    const MlaConfig& a = *m.mla;
    double qk = d(a.qk_nope_head_dim + a.qk_rope_head_dim);
    attn_io = 2 * s.hidden + 2 * d(a.q_lora_rank) + s.heads * qk +
              d(a.kv_lora_rank + a.qk_rope_head_dim) + d(a.kv_lora_rank) +
              s.heads * d(a.qk_nope_head_dim + a.v_head_dim) + s.heads * d(a.v_head_dim);
  } else {
    attn_io = 2 * s.hidden + d((m.heads + 2 * m.kv_heads) * m.head_dim) + d(m.heads * m.head_dim);
  }
  double mats = d(m.mlp_matrices);
  double dense_io = 2 * s.hidden + mats * d(m.ffn);
  double moe_io = 0;
  if (m.moe) {
    moe_io = s.active_experts * (2 * s.hidden + mats * d(m.moe->expert_ffn)) +
             d(m.moe->shared) * (2 * s.hidden + mats * d(m.moe->shared_ffn));
  }
  s.act_per_token = s.layers * attn_io + d(p.dense_layers) * dense_io + d(p.moe_layers) * moe_io +
                    s.hidden + d(m.vocab);

  s.kv_per_token_layer = d(kv_elements_per_token_layer(m));
  s.window_layers = m.sliding_window ? d(m.sliding_window->layers) : 0;
  s.window = m.sliding_window ? d(m.sliding_window->window) : 0;
  s.full_layers = s.layers - s.window_layers;
  if (m.mla) {
    const MlaConfig& a = *m.mla;
    // Decode runs the absorbed form over the latent: scores over kv_lora + rope, values
    // over kv_lora. Prefill decompresses K and V and runs ordinary attention.
    s.attn_flops_decode = 2 * s.heads * d(2 * a.kv_lora_rank + a.qk_rope_head_dim);
    s.attn_flops_prefill = 2 * s.heads * d(a.qk_nope_head_dim + a.qk_rope_head_dim + a.v_head_dim);
  } else {
    s.attn_flops_decode = 4 * s.heads * d(m.head_dim);
    s.attn_flops_prefill = s.attn_flops_decode;
  }
  return s;
}

}  // namespace exctl::roofline
