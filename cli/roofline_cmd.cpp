// exctl roofline CHIP --model M [--batch ...] [--compare CHIP,...] [--calibration | --reference |
// --list-calib]
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "engine/app/roofline.hpp"
#include "engine/base/json.hpp"

namespace exctl::cli {
namespace {

// The request, and which report of it to give.
struct Options : app::RooflineRequest {
  bool list_calib = false, calibration = false, reference = false;
};

int run_list_calib(Context& ctx, const Options& opt) {
  auto s = app::roofline_setup(ctx.session, opt);
  if (!s) return ctx.finish();
  std::cout << report::render(report::calibration_constants_table(s->calib), ctx.format);
  // Which chip takes which efficiencies: the text report only, JSON stays one table.
  if (ctx.format == report::Format::text) {
    auto chips = ctx.session.load_chips();
    if (!chips) return ctx.finish();
    std::cout << "\nchip families (efficiencies as used, power: share of compute the TDP "
                 "leaves)\n"
              << report::render(report::chip_families_table(*chips, s->calib), ctx.format);
  }
  return ctx.finish();
}

int run_calibration(Context& ctx, const Options& opt) {
  auto results = app::run_calibration(ctx.session, opt);
  if (!results) return ctx.finish();
  std::cout << report::render(report::calibration_set_table(*results), ctx.format);
  if (ctx.format == report::Format::text)
    std::cout << report::calibration_summary(*results) << "\n";
  return ctx.finish();
}

int run_reference(Context& ctx, const Options& opt) {
  auto rows = app::reference_rows(ctx.session, opt);
  if (!rows) return ctx.finish();
  std::cout << report::render(report::reference_table(*rows), ctx.format);
  if (ctx.format == report::Format::text) {
    std::cout << fmt::format("reference workload: {} (expected values)\n",
                             roofline::reference_description());
  }
  return ctx.finish();
}

int run_estimate(Context& ctx, const Options& opt) {
  auto run = app::estimate_roofline(ctx.session, opt);
  if (!run) return ctx.finish();
  const auto& points = run->points;
  if (points.size() == 1) {
    const auto& p = points.front();
    switch (ctx.format) {
      case report::Format::json:
        std::cout << dump_json(report::roofline_to_json(p), 2) << "\n";
        break;
      case report::Format::text:
        std::cout << report::roofline_text(p, run->model, run->setup.default_calib);
        break;
      default:
        std::cout << report::render(report::roofline_table(points, false), ctx.format);
    }
    return ctx.finish();
  }
  if (ctx.format == report::Format::json) {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& p : points)
      arr.push_back(report::roofline_to_json(p));
    std::cout << dump_json(arr, 2) << "\n";
    return ctx.finish();
  }
  std::cout << report::render(report::roofline_table(points, run->compare), ctx.format);
  if (ctx.format == report::Format::text)
    std::cout << report::roofline_table_footer(run->model.id, points.front().workload,
                                               run->setup.default_calib);
  return ctx.finish();
}

int run(Context& ctx, const Options& opt) {
  int modes = (opt.list_calib ? 1 : 0) + (opt.calibration ? 1 : 0) + (opt.reference ? 1 : 0);
  if (modes > 1) {
    ctx.session.sink.error(
        "E0514", "--list-calib, --calibration and --reference are separate reports; give one");
    return ctx.finish();
  }
  if (opt.list_calib) return run_list_calib(ctx, opt);
  if (opt.calibration) return run_calibration(ctx, opt);
  if (opt.reference) return run_reference(ctx, opt);
  return run_estimate(ctx, opt);
}

}  // namespace

void register_roofline(CLI::App& app, Context& ctx, int& exit_code) {
  auto opt = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("roofline",
                                 "Roofline estimate of LLM inference on a chip (docs/roofline.md)");
  cmd->add_option("chip", opt->chip, "Chip id, name or alias");
  cmd->add_option("--model", opt->model,
                  "Model id ('exctl models list'), or a model config FILE.toml");
  cmd->add_option("--batch", opt->batch,
                  "Concurrent sequences: N, N,N,..., LOW..HIGH (powers of two) or max");
  cmd->add_option("--input", opt->input, "Prompt tokens per sequence (default 1024)");
  cmd->add_option("--output", opt->output, "Generated tokens per sequence (default 256)");
  cmd->add_option("--tp", opt->tp, "Tensor parallelism over this many chips (default 1)");
  cmd->add_option("--ep", opt->ep,
                  "Expert parallelism: the routed experts spread over this many of the --tp chips");
  cmd->add_flag("--dp-attention", opt->dp_attention,
                "Attention data-parallel over the --tp chips (MLA cache not replicated)");
  cmd->add_option("--serving", opt->serving,
                  "static (one batch start to end, default) or continuous (in-flight batching)");
  cmd->add_option("--weights", opt->weights, "Weight format: fp16 (bf16), fp8, int8, fp4, int4");
  cmd->add_option("--act", opt->activations,
                  "Activation (GEMM) format; default: the weights' (fp16 for int4)");
  cmd->add_option("--kv", opt->kv, "KV-cache format (default fp16)");
  cmd->add_option("--compare", opt->compare,
                  "More chips, comma-separated: a side-by-side table, ratios to the first");
  cmd->add_option("--spec", opt->spec, "A chip spec file not in the database");
  cmd->add_option("--calib", opt->calib,
                  "Override a calibration constant, name=value (repeatable; --list-calib)");
  cmd->add_flag("--list-calib", opt->list_calib,
                "List the calibration constants with their sources");
  cmd->add_flag("--calibration", opt->calibration,
                "Run the calibration set against published measurements");
  cmd->add_flag("--reference", opt->reference,
                "Each chip's reference-workload ratio to the H100 SXM");
  cmd->callback(
      [&ctx, &exit_code, opt] { exit_code = ctx.prepare() ? run(ctx, *opt) : ctx.finish(); });
}

}  // namespace exctl::cli
