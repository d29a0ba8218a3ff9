// exctl check: chips x regimes x destination -> decisions, with --explain.
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "engine/app/check.hpp"
#include "engine/app/robust.hpp"
#include "engine/base/json.hpp"
#include "engine/report/robust_report.hpp"

namespace exctl::cli {
namespace {

struct CheckOptions {
  app::CheckRequest request;
  bool explain = false;
  bool matrix = false;
};

// A catalogue: one decision per line, printed as it is decided. With --explain each line
// goes through decide() and carries its trace; else through the compiled form, in batches.
int run_catalogue(Context& ctx, app::CheckRequest request, bool explain) {
  if (explain) {
    auto failures = app::check_catalogue(ctx.session, std::move(request), [&](const auto& rows) {
      for (const auto& r : rows)
        std::cout << dump_json(report::decision_json(r)) << "\n";
    });
    return ctx.finish(failures && *failures > 0);
  }
  auto format = ctx.format == report::Format::csv ? report::Format::csv : report::Format::json;
  report::DecisionLines lines(format, false);
  std::string out;
  bool any = false;  // the CSV header comes with the first row, so a catalogue of none prints none
  constexpr size_t kFlushAt = size_t{1} << 16;
  auto failures = app::check_catalogue_compiled(
      ctx.session, std::move(request),
      [&](std::string_view chip, const eval::Decision& d, bool kept) {
        if (!any) out += lines.header();
        any = true;
        lines.append(out, chip, d, kept);
        if (out.size() >= kFlushAt) {
          std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
          out.clear();
        }
      });
  std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
  return ctx.finish(failures && *failures > 0);
}

// --robust: each decision under every reading and every value in the spec's ranges.
int run_robust(Context& ctx, const CheckOptions& opt, app::CheckRun& run) {
  auto verdicts = app::robust_check(run, ctx.session.options);
  std::string date = sema::date_text(run.check->date());
  if (opt.matrix) {
    std::cout << report::render(report::decision_matrix(run.rows, &verdicts), ctx.format);
    if (ctx.format == report::Format::text)
      std::cout << report::matrix_footer(date)
                << report::robust_footer(ctx.session.options.describe());
  } else if (ctx.format == report::Format::json) {
    auto arr = nlohmann::ordered_json::array();
    for (size_t i = 0; i < run.rows.size(); ++i) {
      auto j = report::decision_json(run.rows[i]);
      report::add_robust_json(j, verdicts[i]);
      arr.push_back(std::move(j));
    }
    std::cout << dump_json(arr, 2) << "\n";
  } else {
    std::cout << report::render(report::robust_table(run.rows, verdicts), ctx.format);
    if (ctx.format == report::Format::text)
      std::cout << report::robust_footer(ctx.session.options.describe())
                << report::robust_details(run.rows, verdicts);
  }
  return ctx.finish(run.failures > 0);
}

int run_check(Context& ctx, CheckOptions& opt) {
  if (!opt.request.specs.empty()) return run_catalogue(ctx, opt.request, opt.explain);
  opt.request.inference = opt.explain && !opt.matrix && ctx.format == report::Format::text;
  auto run = app::check_chips(ctx.session, opt.request);
  if (!run || run->rows.empty()) return ctx.finish();  // every subject failed (E0421)
  if (opt.request.robust) return run_robust(ctx, opt, *run);
  const app::Check& check = *run->check;
  std::string date = sema::date_text(check.date());
  if (opt.matrix) {
    std::cout << report::render(report::decision_matrix(run->rows), ctx.format);
    if (ctx.format == report::Format::text) std::cout << report::matrix_footer(date);
  } else if (ctx.format == report::Format::json) {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& r : run->rows)
      arr.push_back(report::decision_json(r));
    std::cout << dump_json(arr, 2) << "\n";
  } else if (opt.explain && ctx.format == report::Format::text) {
    for (size_t i = 0; i < run->rows.size(); ++i) {
      const auto& s = run->subjects[run->subject_of_row[i]];
      report::ExplainContext ec{&*s.chip, &s.values, ctx.session.options.describe(), date,
                                s.inference};
      std::cout << (i ? "\n" : "") << report::explain_text(run->rows[i], ec);
    }
  } else {
    std::cout << report::render(report::decision_table(run->rows), ctx.format);
    if (ctx.format == report::Format::text) {
      const auto& req = check.request();
      const auto& groups = check.book().groups;
      std::cout << report::query_footer(date, req.to.text, groups.country_name(req.to.text),
                                        req.hq.text, groups.country_name(req.hq.text))
                << report::current_footer(check.current_notes());
    }
  }
  return ctx.finish(run->failures > 0);
}

}  // namespace

void register_check(CLI::App& app, Context& ctx, int& exit_code) {
  auto opt = std::make_shared<CheckOptions>();
  auto* check = app.add_subcommand(
      "check", "Is a chip controlled under a regime, for a destination, and why");
  check->add_option("chips", opt->request.chips, "Chip ids, names or aliases");
  check->add_option("--regime", opt->request.regimes,
                    "Regime id, or 'current' (repeatable; default: every shipped regime)");
  auto* to =
      check->add_option("--to", opt->request.to.text, "Destination country (ISO 3166-1 alpha-2)");
  auto* hq = check->add_option("--hq", opt->request.hq.text,
                               "The buyer's headquarters country (ISO 3166-1 alpha-2)");
  auto* date = check->add_option("--date", opt->request.date.text,
                                 "Date of the export, YYYY-MM-DD (default: today)");
  check->add_option("--exporter", opt->request.exporter,
                    "Who exports (e.g. NVIDIA): 'current' applies is-informed letters only to "
                    "the exporters they name");
  check->add_flag("--explain", opt->explain,
                  "Print the rationale: every clause, the values used, the margins");
  check->add_flag("--matrix", opt->matrix, "One row per chip, one column per regime");
  check->add_flag("--all", opt->request.all, "Every chip in the database");
  check->add_flag("--robust", opt->request.robust,
                  "Decide under every reading of the ambiguous notes (--interpret's options) and "
                  "every value in the spec's ranges: robust, or what the outcome hinges on");
  check->add_option("--spec", opt->request.spec, "A chip spec file not in the database");
  check->add_option(
      "--specs", opt->request.specs,
      "A catalogue (.csv with a header of field names, or .jsonl), streamed; one JSON line (or "
      "CSV row) per chip and regime, with its trace only under --explain");
  check->add_option("--fail-on", opt->request.fail_on,
                    "Exit 1 when any verdict is controlled or indeterminate");
  check->callback([&ctx, &exit_code, opt, to, hq, date] {
    opt->request.to.given = to->count() > 0;
    opt->request.hq.given = hq->count() > 0;
    opt->request.date.given = date->count() > 0;
    exit_code = ctx.prepare() ? run_check(ctx, *opt) : ctx.finish();
  });
}

}  // namespace exctl::cli
