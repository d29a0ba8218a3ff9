// exctl report -o FILE.html [--regime R]... [CHIP... | --all | --spec FILE] [--to CC]
// [--date D] [--model M]: one self-contained HTML page. `-o -` writes it to standard output.
#include <iostream>

#include "cli/commands.hpp"
#include "engine/app/plot.hpp"
#include "engine/app/report.hpp"
#include "engine/report/html_report.hpp"

namespace exctl::cli {

void register_report(CLI::App& app, Context& ctx, int& exit_code) {
  struct Options {
    app::ReportRequest request;
    std::string out;
  };
  auto opt = std::make_shared<Options>();
  auto& r = opt->request;
  auto* cmd = app.add_subcommand(
      "report", "One self-contained HTML report: regimes, matrix, charts, verdicts, sources");
  cmd->add_option("chips", r.chips, "Chip ids, names or aliases (default: every chip)");
  cmd->add_option("--regime", r.regimes, "Regime id (repeatable; default: every shipped regime)");
  cmd->add_flag("--all", r.all, "Every chip in the database");
  cmd->add_option("--spec", r.spec, "A chip spec file not in the database");
  auto* to = cmd->add_option("--to", r.to.text, "Destination country: licence verdicts too");
  auto* date = cmd->add_option("--date", r.date.text, "Date of the export (default: today)");
  cmd->add_option("--model", r.model, "Model of the roofline comparison (default llama-3.1-8b)");
  cmd->add_option("-o,--output", opt->out, "The HTML file to write ('-': standard output)")
      ->required();
  cmd->callback([&ctx, &exit_code, opt, to, date] {
    opt->request.to.given = to->count() > 0;
    opt->request.date.given = date->count() > 0;
    opt->request.version = kVersion;
    if (!ctx.prepare()) {
      exit_code = ctx.finish();
      return;
    }
    auto run = app::build_report(ctx.session, opt->request);
    if (run) {
      std::string html = report::html_report(run->view);
      if (opt->out == "-")
        std::cout << html;
      else if (app::write_output(ctx.session, opt->out, html))
        std::cerr << "wrote " << opt->out << "\n";
    }
    exit_code = ctx.finish();
  });
}

}  // namespace exctl::cli
