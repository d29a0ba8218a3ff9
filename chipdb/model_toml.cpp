#include "chipdb/model_toml.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/base/files.hpp"
#include "engine/base/text.hpp"
#include "engine/base/toml_reader.hpp"
#include "engine/roofline/estimate.hpp"

namespace exctl::chipdb {
namespace {

using roofline::Model;

const std::set<std::string_view> kTopLevel = {"id",
                                              "name",
                                              "source",
                                              "notes",
                                              "params_billion",
                                              "active_params_billion",
                                              "context_length",
                                              "layers",
                                              "hidden",
                                              "heads",
                                              "kv_heads",
                                              "head_dim",
                                              "ffn",
                                              "mlp_matrices",
                                              "vocab",
                                              "tied_embeddings",
                                              "qkv_bias"};

constexpr int64_t kMaxDim = 10'000'000;

// A model-specific consistency problem, at the key that causes it.
void inconsistent(TableReader& r, std::string_view key, const std::string& message) {
  Span where = r.has(key) ? r.span(*r.take(key)) : r.table_span();
  r.sink().error("E0510", message, where);
}

void read_mla(TableReader& r, Model& m) {
  roofline::MlaConfig a;
  a.q_lora_rank = r.integer("q_lora_rank", 0, kMaxDim).value_or(0);
  a.kv_lora_rank = r.integer("kv_lora_rank", 1, kMaxDim, true).value_or(0);
  a.qk_nope_head_dim = r.integer("qk_nope_head_dim", 1, kMaxDim, true).value_or(0);
  a.qk_rope_head_dim = r.integer("qk_rope_head_dim", 1, kMaxDim, true).value_or(0);
  a.v_head_dim = r.integer("v_head_dim", 1, kMaxDim, true).value_or(0);
  m.mla = a;
}

void read_moe(TableReader& r, Model& m) {
  roofline::MoeConfig e;
  e.experts = r.integer("experts", 1, 100000, true).value_or(0);
  e.active = r.integer("active", 1, 100000, true).value_or(0);
  e.shared = r.integer("shared", 0, 100000).value_or(0);
  e.expert_ffn = r.integer("expert_ffn", 1, kMaxDim, true).value_or(0);
  e.shared_ffn = r.integer("shared_ffn", 1, kMaxDim).value_or(e.shared > 0 ? e.expert_ffn : 0);
  e.dense_layers = r.integer("dense_layers", 0, 100000).value_or(0);
  if (e.experts > 0 && e.active > e.experts) {
    inconsistent(r, "active",
                 fmt::format("'moe.active' is {}, more than the {} experts", e.active, e.experts));
  }
  if (m.layers > 0 && e.dense_layers >= m.layers) {
    inconsistent(r, "dense_layers",
                 fmt::format("'moe.dense_layers' is {}, which leaves no MoE layer of the {}",
                             e.dense_layers, m.layers));
  }
  if (r.has("shared_ffn") && e.shared == 0) {
    inconsistent(r, "shared_ffn", "'moe.shared_ffn' is given but 'moe.shared' is 0");
  }
  m.moe = e;
}

void read_window(TableReader& r, Model& m) {
  roofline::SlidingWindow w;
  w.window = r.integer("window", 1, 1'000'000'000, true).value_or(0);
  w.layers = r.integer("layers", 1, 100000).value_or(m.layers);
  if (m.layers > 0 && w.layers > m.layers) {
    inconsistent(r, "layers",
                 fmt::format("'sliding_window.layers' is {}, more than the model's {} layers",
                             w.layers, m.layers));
  }
  m.sliding_window = w;
}

}  // namespace

std::optional<Model> parse_model_config(const SourcePtr& file, DiagnosticSink& sink) {
  DiagnosticSink local;
  TomlFile toml(file, local, kChipFileKind);
  const toml::table* root = toml.parse();
  if (!root) {
    sink.merge(local);
    return std::nullopt;
  }

  Model m;
  m.origin_file = file->path();
  TableReader r = toml.reader(*root, &kTopLevel);
  if (auto id = r.string("id", true)) {
    m.id_span = r.span(*r.take("id"));
    if (valid_slug(*id, true))
      m.id = *id;
    else
      local.error("E0207",
                  fmt::format("'id' must be a lowercase slug like 'llama-3.1-8b', found '{}'", *id),
                  m.id_span);
  }
  m.name = r.string("name", true).value_or("");
  m.source = r.string("source", true).value_or("");
  m.notes = r.string("notes").value_or("");
  for (auto [key, target] : {std::pair{"params_billion", &m.params_billion},
                             std::pair{"active_params_billion", &m.active_params_billion}}) {
    if (auto v = r.number(key)) {
      if (*v == 0)
        local.error("E0206", fmt::format("'{}' must be positive", key), r.span(*r.take(key)));
      else
        *target = v->to_double();
    }
  }
  m.context_length = r.integer("context_length", 1, roofline::kMaxTokens, true).value_or(0);
  m.layers = r.integer("layers", 1, 100000, true).value_or(0);
  m.hidden = r.integer("hidden", 1, kMaxDim, true).value_or(0);
  m.heads = r.integer("heads", 1, 100000, true).value_or(0);
  m.vocab = r.integer("vocab", 1, 100'000'000, true).value_or(0);
  m.mlp_matrices = r.integer("mlp_matrices", 2, 3).value_or(3);
  m.tied_embeddings = r.boolean("tied_embeddings").value_or(false);
  m.qkv_bias = r.boolean("qkv_bias").value_or(false);

  // The optional tables come first: which keys are required depends on them.
  const toml::table* mla = r.table("mla");
  const toml::table* moe = r.table("moe");
  const toml::table* window = r.table("sliding_window");
  if (mla) {
    TableReader t = r.child(*mla, "mla");
    read_mla(t, m);
    t.finish();
  }
  if (moe) {
    TableReader t = r.child(*moe, "moe");
    read_moe(t, m);
    t.finish();
  }
  if (window) {
    TableReader t = r.child(*window, "sliding_window");
    read_window(t, m);
    t.finish();
  }

  if (m.mla) {
    for (std::string_view key : {"kv_heads", "head_dim"}) {
      if (r.has(key))
        inconsistent(r, key,
                     fmt::format("'{}' is not used with [mla]: the latent dims replace it", key));
    }
    if (m.qkv_bias) inconsistent(r, "qkv_bias", "'qkv_bias' is not supported with [mla]");
  } else {
    m.kv_heads = r.integer("kv_heads", 1, 100000, true).value_or(0);
    m.head_dim = r.integer("head_dim", 1, kMaxDim, true).value_or(0);
    if (m.kv_heads > 0 && m.heads > 0 && (m.kv_heads > m.heads || m.heads % m.kv_heads != 0)) {
      inconsistent(r, "kv_heads",
                   fmt::format("'kv_heads' is {}, which does not divide the {} attention heads",
                               m.kv_heads, m.heads));
    }
  }
  bool dense_layers = !m.moe || m.moe->dense_layers > 0;
  if (dense_layers) {
    m.ffn = r.integer("ffn", 1, kMaxDim, true).value_or(0);
  } else if (r.has("ffn")) {
    inconsistent(r, "ffn", "'ffn' is not used: every layer is a MoE layer (give moe.expert_ffn)");
  }
  r.finish();

  // A shape whose parameter count leaves int64 is no model (and would wrap downstream).
  if (!local.has_errors()) {
    if (auto problem = roofline::model_size_problem(m)) local.error("E0515", *problem, m.id_span);
  }

  bool ok = !local.has_errors();
  sink.merge(local);
  if (!ok) return std::nullopt;
  return m;
}

void check_model_set(const std::vector<Model>& models, DiagnosticSink& sink) {
  std::map<std::string, const Model*> ids;
  for (const auto& m : models) {
    auto [it, inserted] = ids.emplace(m.id, &m);
    if (!inserted) {
      sink.report({Severity::error,
                   "E0511",
                   fmt::format("duplicate model id '{}'", m.id),
                   m.id_span,
                   {fmt::format("first defined in {}", it->second->origin_file)}});
    }
  }
}

std::vector<Model> read_model_configs(const std::vector<std::string>& paths, DiagnosticSink& sink) {
  std::vector<Model> models;
  for (const auto& path : toml_files(paths, "model config", "E0512", sink)) {
    SourcePtr file = read_source(path, "model config", "E0512", sink);
    if (!file) continue;
    if (auto m = parse_model_config(file, sink)) models.push_back(std::move(*m));
  }
  check_model_set(models, sink);
  return models;
}

}  // namespace exctl::chipdb
