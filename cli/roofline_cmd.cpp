// exctl roofline CHIP --model M [--batch ...] [--compare CHIP,...] [--calibration | --reference |
// --list-calib]
#include <algorithm>
#include <charconv>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/model_source.hpp"
#include "engine/report/roofline_report.hpp"
#include "engine/roofline/calibration_set.hpp"
#include "engine/roofline/reference.hpp"

namespace exctl::cli {
namespace {

using namespace roofline;

struct Options {
  std::string chip, spec, compare, model;
  std::string batch = "1";
  // Parsed here, not by CLI11, which clamps a number beyond int64 silently.
  std::string input = "1024", output = "256", tp = "1";
  std::string weights = "fp16", activations, kv = "fp16";
  std::vector<std::string> calib;
  bool list_calib = false, calibration = false, reference = false;
};

std::vector<std::pair<std::string, uint32_t>> split_commas(const std::string& text) {
  std::vector<std::pair<std::string, uint32_t>> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    items.emplace_back(text.substr(start, end - start), static_cast<uint32_t>(start));
    start = end + 1;
  }
  return items;
}

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "8", "1,8,64", "1..256" (powers of two in between, and both ends), "max" (the largest
// batch that fits, per chip). nullopt stands for max.
std::optional<std::vector<std::optional<int64_t>>> parse_batches(const std::string& text,
                                                                 DiagnosticSink& sink) {
  std::vector<std::optional<int64_t>> out;
  bool ok = true;
  for (const auto& [item, at] : split_commas(text)) {
    auto fail = [&](const std::string& message) {
      argument_error(sink, "E0505", message, "--batch", text, at,
                     at + static_cast<uint32_t>(std::max<size_t>(item.size(), 1)));
      ok = false;
    };
    if (item == "max") {
      out.push_back(std::nullopt);
      continue;
    }
    size_t dots = item.find("..");
    if (dots == std::string::npos) {
      auto v = parse_int(item);
      if (!v || *v < 1 || *v > kMaxBatch)
        fail(fmt::format("a batch is a whole number in 1..{}, '..' range or 'max'", kMaxBatch));
      else
        out.push_back(*v);
      continue;
    }
    auto lo = parse_int(std::string_view(item).substr(0, dots)),
         hi = parse_int(std::string_view(item).substr(dots + 2));
    if (!lo || !hi || *lo < 1 || *hi > kMaxBatch || *lo > *hi) {
      fail(fmt::format("a batch range is LOW..HIGH with 1 <= LOW <= HIGH <= {}", kMaxBatch));
      continue;
    }
    out.push_back(*lo);
    for (int64_t p = 1; p < *hi; p *= 2) {
      if (p > *lo) out.push_back(p);
    }
    if (*hi > *lo) out.push_back(*hi);
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<NumberFormat> format_option(Context& ctx, const std::string& option,
                                          const std::string& value) {
  if (auto f = format_from_key(value)) return f;
  ctx.sink.error(
      "E0503",
      fmt::format("{} '{}' is not a number format; use fp16 (or bf16), fp8, int8, fp4 or int4",
                  option, value));
  return std::nullopt;
}

struct Setup {
  Precisions precisions;
  Calibration calib;
  bool default_calib = true;
};

std::optional<Setup> setup(Context& ctx, const Options& opt) {
  Setup s;
  auto w = format_option(ctx, "--weights", opt.weights);
  auto kv = format_option(ctx, "--kv", opt.kv);
  std::optional<NumberFormat> a;
  if (w)
    a = opt.activations.empty() ? default_activations(*w)
                                : format_option(ctx, "--act", opt.activations);
  for (const auto& c : opt.calib) {
    if (std::string problem = set_calibration(s.calib, c); !problem.empty())
      ctx.sink.error("E0513", "--calib: " + problem);
  }
  s.default_calib = s.calib == Calibration{};
  if (!w || !a || !kv || ctx.sink.has_errors()) return std::nullopt;
  s.precisions = {*w, *a, *kv};
  return s;
}

// The chips a command is about: CHIP, then --compare's, then --spec's.
std::optional<std::vector<Chip>> chip_arguments(Context& ctx, const Options& opt) {
  std::vector<std::string> names;
  if (!opt.chip.empty()) names.push_back(opt.chip);
  if (!opt.compare.empty()) {
    for (const auto& [item, at] : split_commas(opt.compare)) {
      if (item.empty()) {
        argument_error(ctx.sink, "E0514", "--compare takes chip names separated by commas",
                       "--compare", opt.compare, at, at + 1);
      } else {
        names.push_back(item);
      }
    }
  }
  if (names.empty() && opt.spec.empty()) {
    ctx.sink.error(
        "E0514",
        "name a chip (an id, name or alias), give --compare CHIP,CHIP or --spec FILE.toml");
  }
  if (ctx.sink.has_errors()) return std::nullopt;
  std::vector<Chip> out;
  if (!names.empty()) {
    auto chips = ctx.load_chips();
    if (!chips) return std::nullopt;
    for (const auto& n : names) {
      if (const Chip* c = resolve_chip(*chips, n, ctx.sink)) out.push_back(*c);
    }
  }
  if (!opt.spec.empty()) {
    if (auto c = ctx.load_spec(opt.spec)) out.push_back(std::move(*c));
  }
  if (ctx.sink.has_errors()) return std::nullopt;
  return out;
}

int run_list_calib(Context& ctx, const Options& opt) {
  auto s = setup(ctx, opt);
  if (!s) return ctx.finish();
  std::cout << report::render(report::calibration_constants_table(s->calib), ctx.format);
  return ctx.finish();
}

int run_calibration(Context& ctx, const Options& opt) {
  auto s = setup(ctx, opt);
  if (!s) return ctx.finish();
  auto chips = ctx.load_chips();
  auto models = load_models(ctx);
  if (!chips || !models) return ctx.finish();
  std::vector<CalibrationResult> results;
  for (const auto& point : calibration_set()) {
    const Chip* chip = resolve_chip(*chips, std::string(point.chip_id), ctx.sink);
    const Model* model = find_model(*models, std::string(point.model_id), ctx.sink);
    if (!chip || !model) continue;
    results.push_back(run_calibration_point(point, hardware_of(*chip), shape_of(*model), s->calib));
  }
  if (ctx.sink.has_errors()) return ctx.finish();
  std::cout << report::render(report::calibration_set_table(results), ctx.format);
  if (ctx.format == report::Format::text) std::cout << report::calibration_summary(results) << "\n";
  return ctx.finish();
}

int run_reference(Context& ctx, const Options& opt) {
  auto s = setup(ctx, opt);
  if (!s) return ctx.finish();
  auto chips = chip_arguments(ctx, opt);
  if (!chips) return ctx.finish();
  auto all = ctx.load_chips();
  auto models = load_models(ctx);
  if (!all || !models) return ctx.finish();
  const Chip* baseline = resolve_chip(*all, std::string(kReferenceBaselineId), ctx.sink);
  const Model* model = find_model(*models, std::string(kReferenceModelId), ctx.sink);
  if (!baseline || !model) return ctx.finish();
  std::vector<report::ReferenceRow> rows;
  for (const auto& chip : *chips) {
    rows.push_back({chip.id, chip.name, baseline->id, baseline->name,
                    reference_ratio(chip, *baseline, *model, s->calib)});
  }
  std::cout << report::render(report::reference_table(rows), ctx.format);
  if (ctx.format == report::Format::text) {
    std::cout << fmt::format("reference workload: {} (expected values)\n", reference_description());
  }
  return ctx.finish();
}

int run_estimate(Context& ctx, const Options& opt) {
  auto s = setup(ctx, opt);
  auto batches = parse_batches(opt.batch, ctx.sink);
  if (opt.model.empty())
    ctx.sink.error("E0514",
                   "give --model (an id such as llama-3.1-8b; 'exctl models list' shows them)");
  if (!s || !batches || ctx.sink.has_errors()) return ctx.finish();
  auto model = model_argument(ctx, opt.model);
  if (!model) return ctx.finish();

  // A whole number of int64 or a caret on the text; the ranges are check_workload's.
  auto whole = [&](const std::string& option, const std::string& text, const std::string& code,
                   std::string_view what) -> int64_t {
    if (auto v = parse_int(text)) return *v;
    argument_error(ctx.sink, code, fmt::format("{} takes a whole number {}", option, what), option,
                   text, 0, static_cast<uint32_t>(std::max<size_t>(text.size(), 1)));
    return 0;
  };
  Workload base;
  base.input = whole("--input", opt.input, "E0505", fmt::format("of tokens in 1..{}", kMaxTokens));
  base.output =
      whole("--output", opt.output, "E0505", fmt::format("of tokens in 1..{}", kMaxTokens));
  base.tp = whole("--tp", opt.tp, "E0507", fmt::format("of chips in 1..{}", kMaxTensorParallel));
  base.precisions = s->precisions;
  if (ctx.sink.has_errors()) return ctx.finish();
  for (const auto& p : check_workload(base, *model))
    ctx.sink.report({Severity::error, p.code, p.message, {}, p.notes});
  if (ctx.sink.has_errors()) return ctx.finish();
  auto chips = chip_arguments(ctx, opt);
  if (!chips) return ctx.finish();

  ModelShape shape = shape_of(*model);
  std::vector<report::RooflinePoint> points;
  for (const auto& chip : *chips) {
    Hardware hw = hardware_of(chip);
    for (const auto& b : *batches) {
      Workload w = base;
      if (!b) {
        w.batch = 1;
        // As many sequences as fit, within the batch range every estimate accepts.
        w.batch =
            std::clamp<int64_t>(estimate(hw, shape, w, s->calib).capacity.max_batch, 1, kMaxBatch);
      } else {
        w.batch = *b;
      }
      points.push_back(
          {chip.id, chip.name, model->id, w, estimate(hw, shape, w, s->calib), {}, {}});
    }
  }
  bool compare = chips->size() > 1;
  if (compare) {
    size_t per_chip = batches->size();
    for (size_t i = per_chip; i < points.size(); ++i) {
      const Estimate& first = points[i % per_chip].estimate;
      Estimate& e = points[i].estimate;
      if (first.status == Status::ok && e.status == Status::ok) {
        points[i].decode_ratio =
            e.expected.tokens_per_s_per_chip / first.expected.tokens_per_s_per_chip;
        points[i].ttft_ratio = e.expected.ttft_s / first.expected.ttft_s;
      }
    }
    for (size_t i = 0; i < per_chip && i < points.size(); ++i) {
      if (points[i].estimate.status == Status::ok)
        points[i].decode_ratio = points[i].ttft_ratio = 1.0;
    }
  }

  if (points.size() == 1) {
    const auto& p = points.front();
    const Estimate& e = p.estimate;
    if (e.status == Status::unavailable) {
      ctx.sink.report(
          {Severity::error,
           "E0508",
           fmt::format("cannot estimate {} on {}: missing {}", model->id, p.chip_id,
                       fmt::join(e.missing, ", ")),
           {},
           {fmt::format("'exctl chips show {}' lists what the chip spec gives", p.chip_id)}});
      return ctx.finish();
    }
    if (e.status == Status::does_not_fit) {
      ctx.sink.report({Severity::error,
                       "E0509",
                       fmt::format("{} at batch {} does not fit on {} × {}", model->id,
                                   p.workload.batch, p.workload.tp, p.chip_name),
                       {},
                       report::capacity_notes(p)});
      return ctx.finish();
    }
    switch (ctx.format) {
      case report::Format::json:
        std::cout << dump_json(report::roofline_to_json(p), 2) << "\n";
        break;
      case report::Format::text:
        std::cout << report::roofline_text(p, *model, s->default_calib);
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
  std::cout << report::render(report::roofline_table(points, compare), ctx.format);
  if (ctx.format == report::Format::text) {
    const Workload& w = points.front().workload;
    std::cout << fmt::format(
        "{}: {} in / {} out, tensor parallel {}, weights {}, activations {}, KV {}; expected "
        "values{}, SOL = speed of light\n",
        model->id, w.input, w.output, w.tp, format_key(w.precisions.weights),
        format_key(w.precisions.activations), format_key(w.precisions.kv),
        s->default_calib ? "" : " (with --calib overrides)");
    std::cout << "tok/s/chip: steady decode per chip; FLOP/B: decode arithmetic intensity against "
                 "the chip's ridge "
                 "point\n";
  }
  return ctx.finish();
}

int run(Context& ctx, const Options& opt) {
  int modes = (opt.list_calib ? 1 : 0) + (opt.calibration ? 1 : 0) + (opt.reference ? 1 : 0);
  if (modes > 1) {
    ctx.sink.error("E0514",
                   "--list-calib, --calibration and --reference are separate reports; give one");
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
