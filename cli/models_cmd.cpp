// exctl models list | show
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "engine/app/lookup.hpp"
#include "engine/base/json.hpp"
#include "engine/report/roofline_report.hpp"

namespace exctl::cli {
namespace {

int run_list(Context& ctx) {
  auto models = ctx.session.load_models();
  if (!models) return ctx.finish();
  std::cout << report::render(report::model_list_table(*models), ctx.format);
  if (ctx.format == report::Format::text) {
    std::cout << fmt::format(
        "{} model{}; weights and KV per token at FP16/BF16 ('models show ID' for every format)\n",
        models->size(), models->size() == 1 ? "" : "s");
  }
  return ctx.finish();
}

int run_show(Context& ctx, const std::string& name, const std::string& spec) {
  if (name.empty() == spec.empty()) {
    ctx.session.sink.error(
        "E0514", name.empty()
                     ? "name a model (an id such as llama-3.1-8b), or give --spec FILE.toml"
                     : "give a model name or --spec FILE, not both");
    return ctx.finish();
  }
  auto model = app::model_argument(ctx.session, spec.empty() ? name : spec);
  if (!model) return ctx.finish();
  switch (ctx.format) {
    case report::Format::json:
      std::cout << dump_json(report::model_to_json(*model), 2) << "\n";
      break;
    case report::Format::text:
      std::cout << report::model_show_text(*model);
      break;
    default:
      std::cout << report::render(report::model_list_table({*model}), ctx.format);
  }
  return ctx.finish();
}

}  // namespace

void register_models(CLI::App& app, Context& ctx, int& exit_code) {
  auto* models =
      app.add_subcommand("models", "The model library of the roofline estimate: list, show");
  models->require_subcommand(1);

  auto* list = models->add_subcommand(
      "list", "Every model with parameters, attention kind and KV per token");
  list->callback([&ctx, &exit_code] { exit_code = ctx.prepare() ? run_list(ctx) : ctx.finish(); });

  auto name = std::make_shared<std::string>();
  auto spec = std::make_shared<std::string>();
  auto* show = models->add_subcommand(
      "show", "One model: parameters, weight and KV bytes, with the arithmetic");
  show->add_option("model", *name, "Model id, e.g. llama-3.1-70b");
  show->add_option("--spec", *spec, "A model config file not in the database");
  show->callback([&ctx, &exit_code, name, spec] {
    exit_code = ctx.prepare() ? run_show(ctx, *name, *spec) : ctx.finish();
  });
}

}  // namespace exctl::cli
