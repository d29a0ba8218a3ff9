// exctl plot tpp-pd|bandwidth [--regime R]... [CHIP... | --all | --spec F | --specs F]
//   [--to CC] [--date D] -o FILE.svg
// exctl plot roofline CHIP[,CHIP...] --model M [workload options] -o FILE.svg
// exctl plot sweep REGIME --param NAME=FROM..TO[/STEP] [CHIP...] [--to CC] [--date D] -o FILE.svg
// `-o -` writes the SVG to standard output.
#include <iostream>

#include "cli/commands.hpp"
#include "engine/app/plot.hpp"
#include "engine/report/chart.hpp"

namespace exctl::cli {
namespace {

int emit(Context& ctx, const std::string& out, const std::string& svg) {
  if (out == "-")
    std::cout << svg;
  else if (app::write_output(ctx.session, out, svg))
    std::cerr << "wrote " << out << "\n";
  return ctx.finish();
}

struct PlaneOptions {
  app::PlaneRequest request;
  std::string out;
};

void add_plane(CLI::App& plot, Context& ctx, int& exit_code, app::PlaneKind kind,
               const std::string& name, const std::string& help) {
  auto opt = std::make_shared<PlaneOptions>();
  opt->request.kind = kind;
  auto* cmd = plot.add_subcommand(name, help);
  auto& r = opt->request;
  cmd->add_option("chips", r.chips, "Chip ids, names or aliases (default: every chip)");
  cmd->add_option("--regime", r.regimes,
                  kind == app::PlaneKind::tpp_pd
                      ? "Regime id, one panel each (repeatable; default us-2023-10)"
                      : "Regime id, one panel each (repeatable; default us-2026-01-h20)");
  cmd->add_flag("--all", r.all, "Every chip in the database");
  cmd->add_option("--spec", r.spec, "A chip spec file not in the database");
  cmd->add_option("--specs", r.specs, "A catalogue (.csv or .jsonl) instead of the database");
  auto* to = cmd->add_option("--to", r.to.text, "Destination: licence verdicts in the tooltips");
  auto* date = cmd->add_option("--date", r.date.text, "Date of the export (default: today)");
  cmd->add_option("-o,--output", opt->out, "The SVG file to write ('-': standard output)")
      ->required();
  cmd->callback([&ctx, &exit_code, opt, to, date] {
    opt->request.to.given = to->count() > 0;
    opt->request.date.given = date->count() > 0;
    if (!ctx.prepare()) {
      exit_code = ctx.finish();
      return;
    }
    auto chart = app::plane_chart(ctx.session, opt->request);
    exit_code = chart ? emit(ctx, opt->out, report::plane_svg(*chart)) : ctx.finish();
  });
}

struct RooflineOptions {
  app::RooflineRequest request;
  std::string chips, out;
};

void add_roofline(CLI::App& plot, Context& ctx, int& exit_code) {
  auto opt = std::make_shared<RooflineOptions>();
  auto& r = opt->request;
  auto* cmd =
      plot.add_subcommand("roofline",
                          "Attainable throughput against arithmetic intensity, per chip, with the "
                          "workload's prefill and decode points");
  cmd->add_option("chips", opt->chips, "Chips, comma-separated: H100,H20")->required();
  cmd->add_option("--model", r.model, "Model id or name (exctl models list)");
  cmd->add_option("--batch", r.batch, "Concurrent sequences (default 1)");
  cmd->add_option("--input", r.input, "Prompt tokens per sequence (default 1024)");
  cmd->add_option("--output", r.output, "Generated tokens per sequence (default 256)");
  cmd->add_option("--tp", r.tp, "Tensor parallelism over this many chips (default 1)");
  cmd->add_option("--weights", r.weights, "Weight format: fp16 (bf16), fp8, int8, fp4, int4");
  cmd->add_option("--act", r.activations, "Activation format (default: the weights')");
  cmd->add_option("--kv", r.kv, "KV-cache format (default fp16)");
  cmd->add_option("--calib", r.calib, "Override a calibration constant: name=value");
  cmd->add_option("-o", opt->out, "The SVG file to write ('-': standard output)")->required();
  cmd->callback([&ctx, &exit_code, opt] {
    auto comma = opt->chips.find(',');
    opt->request.chip = opt->chips.substr(0, comma);
    opt->request.compare = comma == std::string::npos ? "" : opt->chips.substr(comma + 1);
    if (!ctx.prepare()) {
      exit_code = ctx.finish();
      return;
    }
    auto chart = app::roofline_chart(ctx.session, opt->request);
    exit_code = chart ? emit(ctx, opt->out, report::roofline_svg(*chart)) : ctx.finish();
  });
}

struct SweepOptions {
  app::SweepRequest request;
  std::string out;
};

void add_sweep(CLI::App& plot, Context& ctx, int& exit_code) {
  auto opt = std::make_shared<SweepOptions>();
  auto& r = opt->request;
  auto* cmd = plot.add_subcommand(
      "sweep", "Chips caught as a regime's parameter varies, each chip's breakpoint marked");
  cmd->add_option("regime", r.regime, "The regime whose parameter varies")->required();
  cmd->add_option("chips", r.chips, "Chips to sweep (default: every chip in the database)");
  cmd->add_option("--param", r.params, "NAME=FROM..TO[/STEP], e.g. dram_cap=500GB/s..4TB/s");
  cmd->add_option("--specs", r.specs, "A catalogue (.csv or .jsonl) instead of the database");
  auto* to = cmd->add_option("--to", r.to.text, "Destination: count chips that need a licence");
  auto* hq = cmd->add_option("--hq", r.hq.text, "The buyer's headquarters country");
  auto* date = cmd->add_option("--date", r.date.text, "Date of the export (default: today)");
  cmd->add_option("-o", opt->out, "The SVG file to write ('-': standard output)")->required();
  cmd->callback([&ctx, &exit_code, opt, to, hq, date] {
    opt->request.to.given = to->count() > 0;
    opt->request.hq.given = hq->count() > 0;
    opt->request.date.given = date->count() > 0;
    if (!ctx.prepare()) {
      exit_code = ctx.finish();
      return;
    }
    auto run = app::sweep_chart(ctx.session, opt->request);
    exit_code = run ? emit(ctx, opt->out, report::sweep_svg(run->chart)) : ctx.finish();
  });
}

}  // namespace

void register_plot(CLI::App& app, Context& ctx, int& exit_code) {
  auto* plot = app.add_subcommand("plot", "SVG charts: tpp-pd, bandwidth, roofline, sweep");
  plot->require_subcommand(1);
  add_plane(*plot, ctx, exit_code, app::PlaneKind::tpp_pd, "tpp-pd",
            "Chips on the TPP x performance-density plane, each regime's regions shaded");
  add_plane(*plot, ctx, exit_code, app::PlaneKind::bandwidth, "bandwidth",
            "Chips on the memory x interconnect bandwidth plane, each regime's regions shaded");
  add_roofline(*plot, ctx, exit_code);
  add_sweep(*plot, ctx, exit_code);
}

}  // namespace exctl::cli
