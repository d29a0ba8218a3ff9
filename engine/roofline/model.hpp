// The model record: the shape of a decoder-only transformer as its config states it, and
// the exact parameter, weight and KV-cache arithmetic derived from it. Models are authored
// as TOML under chipdb/models (chipdb reads them); this library only does the numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/source.hpp"

namespace exctl::roofline {

// Multi-head latent attention (DeepSeek-V2/V3): the cache holds one compressed latent
// and one shared RoPE key per token and layer, not per-head keys and values.
struct MlaConfig {
  int64_t q_lora_rank = 0;  // 0: queries projected straight from the hidden state
  int64_t kv_lora_rank = 0;
  int64_t qk_nope_head_dim = 0;
  int64_t qk_rope_head_dim = 0;
  int64_t v_head_dim = 0;
};

// Mixture of experts. The first `dense_layers` layers have a dense MLP of size `ffn`.
struct MoeConfig {
  int64_t experts = 0;     // routed experts per MoE layer
  int64_t active = 0;      // routed experts per token (top-k)
  int64_t shared = 0;      // shared experts, always active
  int64_t expert_ffn = 0;  // intermediate size of one routed expert
  int64_t shared_ffn = 0;  // intermediate size of one shared expert
  int64_t dense_layers = 0;
};

// Sliding-window attention on `layers` of the model's layers (the rest attend globally).
struct SlidingWindow {
  int64_t window = 0;
  int64_t layers = 0;
};

struct Model {
  std::string id, name, source, notes;
  std::optional<double> params_billion;         // as the model card states, for cross-checks
  std::optional<double> active_params_billion;  // likewise, for MoE models
  int64_t context_length = 0;                   // maximum positions the model was trained for

  int64_t layers = 0, hidden = 0, heads = 0;
  int64_t kv_heads = 0;      // 0 with MLA
  int64_t head_dim = 0;      // explicit, not hidden/heads; 0 with MLA
  int64_t ffn = 0;           // dense MLP intermediate size; 0 when every layer is MoE
  int64_t mlp_matrices = 3;  // 3 for gated MLPs (SwiGLU, GeGLU), 2 otherwise
  int64_t vocab = 0;
  bool tied_embeddings = false;
  bool qkv_bias = false;

  std::optional<MlaConfig> mla;
  std::optional<MoeConfig> moe;
  std::optional<SlidingWindow> sliding_window;

  // Where the record was read from (a file path, or the database), and its id's span.
  std::string origin_file;
  Span id_span;
};

// Exact parameter counts, whole model (all experts) unless named otherwise.
struct ParamCounts {
  int64_t attention_per_layer = 0;  // projections (and QKV biases)
  int64_t mlp_per_layer = 0;        // one dense MLP
  int64_t expert = 0;               // one routed expert of one layer
  int64_t shared_per_layer = 0;     // all shared experts of one MoE layer
  int64_t router_per_layer = 0;
  int64_t norms = 0;  // every norm vector
  int64_t dense_layers = 0, moe_layers = 0;

  int64_t attention = 0, dense_mlp = 0, routed_experts = 0, shared_experts = 0, routers = 0;
  int64_t embedding = 0, lm_head = 0;  // lm_head is 0 when tied to the embedding
  int64_t total = 0;
  int64_t active = 0;        // used per token: top-k routed experts only
  int64_t kv_per_token = 0;  // KV-cache elements per token over every layer

  // Set (to the name of the first count concerned) when some count leaves int64; the
  // counts are then meaningless. Readers reject such a config (model_size_problem).
  std::optional<std::string> overflow;
};

// Counted exactly; never wraps (see ParamCounts::overflow).
ParamCounts count_params(const Model& model);

// Why a model's parameter or KV counts cannot be represented (beyond int64), or nullopt.
// Every reader of model configs (TOML, database) rejects such a model, so everything
// downstream may count in int64.
std::optional<std::string> model_size_problem(const Model& model);

// KV-cache elements per token and layer: 2·kv_heads·head_dim, or kv_lora_rank +
// qk_rope_head_dim with MLA.
int64_t kv_elements_per_token_layer(const Model& model);
// Over every layer (a sliding-window layer holds at most `window` tokens; this is the
// per-token figure before that cap).
int64_t kv_elements_per_token(const Model& model);

// One line of shown arithmetic: "attention", "80 × (8192×8192 + ...)", 12079595520.
struct Term {
  std::string name;
  std::string formula;
  int64_t value = 0;
};
std::vector<Term> param_terms(const Model& model);
Term kv_term(const Model& model);
std::string attention_kind(const Model& model);  // "MHA", "GQA 8:1", "MLA", ...

// Everything the estimator needs per model, precomputed as doubles so that one estimate
// is a few dozen floating-point operations.
struct ModelShape {
  double layers = 0, hidden = 0, heads = 0;
  double kv_heads = 0;  // 0 with MLA (the latent is shared by all heads)
  bool mla = false;
  double context_length = 0;

  double total_params = 0;
  double weights_base = 0;   // read every forward pass whatever the batch: all but routed experts
  double expert_params = 0;  // one routed expert, summed over MoE layers
  double experts = 0, active_experts = 0;
  double moe_layers = 0;        // layers whose MLP is routed
  double attention_params = 0;  // attention projections, every layer (replicated by DP attention)
  double linear_active = 0;     // FLOP-bearing parameters per token, without the LM head
  double lm_head = 0;           // vocab × hidden, read and multiplied once per new token
  double act_per_token = 0;     // activation elements read and written per token

  double kv_per_token_layer = 0;  // elements
  double full_layers = 0, window_layers = 0, window = 0;
  double attn_flops_decode = 0;  // per (query token, cached token, layer)
  double attn_flops_prefill = 0;
};

ModelShape shape_of(const Model& model);

}  // namespace exctl::roofline
