#include "engine/app/roofline.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "engine/app/inputs.hpp"
#include "engine/app/lookup.hpp"
#include "engine/roofline/reference.hpp"

namespace exctl::app {
namespace {

using namespace roofline;

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
  for (const auto& piece : split_commas(text)) {
    // Named copies: clang 14 cannot capture a structured binding in a lambda.
    const auto& item = piece.first;
    const auto at = piece.second;
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

std::optional<roofline::NumberFormat> format_option(Session& session, const std::string& option,
                                                    const std::string& value) {
  if (auto f = format_from_key(value)) return f;
  session.sink.error(
      "E0503",
      fmt::format("{} '{}' is not a number format; use fp16 (or bf16), fp8, int8, fp4 or int4",
                  option, value));
  return std::nullopt;
}

// The chips a command is about: CHIP, then --compare's, then --spec's.
std::optional<std::vector<Chip>> chip_arguments(Session& session, const RooflineRequest& opt) {
  std::vector<std::string> names;
  if (!opt.chip.empty()) names.push_back(opt.chip);
  if (!opt.compare.empty()) {
    for (const auto& [item, at] : split_commas(opt.compare)) {
      if (item.empty()) {
        argument_error(session.sink, "E0514", "--compare takes chip names separated by commas",
                       "--compare", opt.compare, at, at + 1);
      } else {
        names.push_back(item);
      }
    }
  }
  if (names.empty() && opt.spec.empty()) {
    session.sink.error(
        "E0514",
        "name a chip (an id, name or alias), give --compare CHIP,CHIP or --spec FILE.toml");
  }
  if (session.sink.has_errors()) return std::nullopt;
  std::vector<Chip> out;
  if (!names.empty()) {
    if (auto named = load_named_chips(session, names)) out = std::move(*named);
  }
  if (!opt.spec.empty()) {
    if (auto c = session.load_spec(opt.spec)) out.push_back(std::move(*c));
  }
  if (session.sink.has_errors()) return std::nullopt;
  return out;
}

}  // namespace

std::optional<RooflineSetup> roofline_setup(Session& session, const RooflineRequest& opt) {
  RooflineSetup s;
  auto w = format_option(session, "--weights", opt.weights);
  auto kv = format_option(session, "--kv", opt.kv);
  std::optional<NumberFormat> a;
  if (w)
    a = opt.activations.empty() ? default_activations(*w)
                                : format_option(session, "--act", opt.activations);
  for (const auto& c : opt.calib) {
    if (std::string problem = set_calibration(s.calib, c); !problem.empty())
      session.sink.error("E0513", "--calib: " + problem);
  }
  s.default_calib = s.calib == Calibration{};
  if (!w || !a || !kv || session.sink.has_errors()) return std::nullopt;
  s.precisions = {*w, *a, *kv};
  return s;
}

std::optional<std::vector<CalibrationResult>> run_calibration(Session& session,
                                                              const RooflineRequest& opt) {
  auto s = roofline_setup(session, opt);
  if (!s) return std::nullopt;
  auto chips = session.load_chips();
  auto models = session.load_models();
  if (!chips || !models) return std::nullopt;
  std::vector<CalibrationResult> results;
  for (const auto& point : calibration_set()) {
    const Chip* chip = resolve_chip(*chips, std::string(point.chip_id), session.sink);
    const Model* model = find_model(*models, std::string(point.model_id), session.sink);
    if (!chip || !model) continue;
    results.push_back(run_calibration_point(point, hardware_of(*chip), shape_of(*model), s->calib));
  }
  if (session.sink.has_errors()) return std::nullopt;
  return results;
}

std::optional<std::vector<report::ReferenceRow>> reference_rows(Session& session,
                                                                const RooflineRequest& opt) {
  auto s = roofline_setup(session, opt);
  if (!s) return std::nullopt;
  auto chips = chip_arguments(session, opt);
  if (!chips) return std::nullopt;
  auto all = session.load_chips();
  auto models = session.load_models();
  if (!all || !models) return std::nullopt;
  const Chip* baseline = resolve_chip(*all, std::string(kReferenceBaselineId), session.sink);
  const Model* model = find_model(*models, std::string(kReferenceModelId), session.sink);
  if (!baseline || !model) return std::nullopt;
  std::vector<report::ReferenceRow> rows;
  for (const auto& chip : *chips) {
    rows.push_back({chip.id, chip.name, baseline->id, baseline->name,
                    reference_ratio(chip, *baseline, *model, s->calib)});
  }
  return rows;
}

namespace {

// A whole number of int64, or a caret on the text (0 then); the ranges are check_workload's.
int64_t whole_number(DiagnosticSink& sink, const std::string& option, const std::string& text,
                     const std::string& code, std::string_view what) {
  if (auto v = parse_int(text)) return *v;
  argument_error(sink, code, fmt::format("{} takes a whole number {}", option, what), option, text,
                 0, static_cast<uint32_t>(std::max<size_t>(text.size(), 1)));
  return 0;
}

void require_model(DiagnosticSink& sink, const RooflineRequest& opt) {
  if (opt.model.empty())
    sink.error("E0514",
               "give --model (an id such as llama-3.1-8b; 'exctl models list' shows them)");
}

// --ep, --dp-attention and --serving into `w` (E0516, E0517).
void parallel_arguments(Session& session, const RooflineRequest& opt, Workload& w) {
  w.ep = whole_number(session.sink, "--ep", opt.ep, "E0516",
                      fmt::format("of chips in 1..{}", kMaxTensorParallel));
  w.dp_attention = opt.dp_attention;
  if (opt.serving == "continuous") {
    w.continuous = true;
  } else if (opt.serving != "static") {
    session.sink.error("E0517", fmt::format("--serving '{}' is not a serving mode; use static (one "
                                            "batch start to end) or continuous (in-flight)",
                                            opt.serving));
  }
}

}  // namespace

std::optional<WorkloadSetup> workload_argument(Session& session, const RooflineRequest& opt) {
  auto s = roofline_setup(session, opt);
  require_model(session.sink, opt);
  auto whole = [&](const std::string& option, const std::string& text, const std::string& code,
                   std::string_view what) {
    return whole_number(session.sink, option, text, code, what);
  };
  Workload w;
  w.batch = whole("--batch", opt.batch, "E0505", fmt::format("of sequences in 1..{}", kMaxBatch));
  w.input = whole("--input", opt.input, "E0505", fmt::format("of tokens in 1..{}", kMaxTokens));
  w.output = whole("--output", opt.output, "E0505", fmt::format("of tokens in 1..{}", kMaxTokens));
  w.tp = whole("--tp", opt.tp, "E0507", fmt::format("of chips in 1..{}", kMaxTensorParallel));
  parallel_arguments(session, opt, w);
  if (!s || session.sink.has_errors()) return std::nullopt;
  w.precisions = s->precisions;
  auto model = model_argument(session, opt.model);
  if (!model) return std::nullopt;
  for (const auto& p : check_workload(w, *model))
    session.sink.report({Severity::error, p.code, p.message, {}, p.notes});
  if (session.sink.has_errors()) return std::nullopt;
  return WorkloadSetup{*s, std::move(*model), w};
}

std::optional<RooflineRun> estimate_roofline(Session& session, const RooflineRequest& opt) {
  auto s = roofline_setup(session, opt);
  auto batches = parse_batches(opt.batch, session.sink);
  require_model(session.sink, opt);
  if (!s || !batches || session.sink.has_errors()) return std::nullopt;
  auto model = model_argument(session, opt.model);
  if (!model) return std::nullopt;

  auto whole = [&](const std::string& option, const std::string& text, const std::string& code,
                   std::string_view what) {
    return whole_number(session.sink, option, text, code, what);
  };
  Workload base;
  base.input = whole("--input", opt.input, "E0505", fmt::format("of tokens in 1..{}", kMaxTokens));
  base.output =
      whole("--output", opt.output, "E0505", fmt::format("of tokens in 1..{}", kMaxTokens));
  base.tp = whole("--tp", opt.tp, "E0507", fmt::format("of chips in 1..{}", kMaxTensorParallel));
  parallel_arguments(session, opt, base);
  base.precisions = s->precisions;
  if (session.sink.has_errors()) return std::nullopt;
  for (const auto& p : check_workload(base, *model))
    session.sink.report({Severity::error, p.code, p.message, {}, p.notes});
  if (session.sink.has_errors()) return std::nullopt;
  auto chips = chip_arguments(session, opt);
  if (!chips) return std::nullopt;

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
      session.sink.report(
          {Severity::error,
           "E0508",
           fmt::format("cannot estimate {} on {}: missing {}", model->id, p.chip_id,
                       fmt::join(e.missing, ", ")),
           {},
           {fmt::format("'exctl chips show {}' lists what the chip spec gives", p.chip_id)}});
      return std::nullopt;
    }
    if (e.status == Status::does_not_fit) {
      session.sink.report({Severity::error,
                           "E0509",
                           fmt::format("{} at batch {} does not fit on {} × {}", model->id,
                                       p.workload.batch, p.workload.tp, p.chip_name),
                           {},
                           report::capacity_notes(p)});
      return std::nullopt;
    }
  }
  return RooflineRun{*s, *model, std::move(points), compare};
}

}  // namespace exctl::app
