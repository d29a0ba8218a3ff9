// exctl: export-control compliance checks for AI accelerators.
#include <cctype>
#include <exception>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "engine/base/json.hpp"

namespace {

// Whether the command line asks for JSON (`--format json` or `--format=json`), read from the
// arguments themselves: an error before or during parsing has no parsed options to go by.
bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--format=json" ||
        (a == "--format" && i + 1 < argc && std::string_view(argv[i + 1]) == "json"))
      return true;
  }
  return false;
}

// An error no subcommand caught, shown like every other diagnostic: JSON under --format json.
void top_level_error(int argc, char** argv, exctl::Diagnostic d) {
  exctl::DiagnosticSink sink;
  sink.report(std::move(d));
  if (wants_json(argc, argv))
    std::cerr << exctl::dump_json(exctl::to_json(sink), 2) << "\n";
  else
    std::cerr << exctl::render_text(sink);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace exctl;
  using namespace exctl::cli;
  Context ctx;
  ctx.argv = argv;
  int exit_code = kExitOk;
  CLI::App app{"exctl: is this chip exportable, under which rule, to where, and why"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--db", ctx.session.db_path,
                 "Chip database file (default: $EXCTL_DB, else the built-in one)");
  app.add_option("--format", ctx.format_name, "Output format: text, json, csv or md");
  app.add_option("--rules", ctx.session.rule_files,
                 "A rule file (e.g. a draft) to load beside the shipped regimes (repeatable)");
  app.add_option("--interpret", ctx.session.interpret,
                 "Interpretation option for an ambiguous rule, e.g. tf32_bits=32 (repeatable; see "
                 "docs/metrics.md)");
  try {
    register_check(app, ctx, exit_code);
    register_regimes(app, ctx, exit_code);
    register_diff(app, ctx, exit_code);
    register_sweep(app, ctx, exit_code);
    register_draft(app, ctx, exit_code);
    register_envelope(app, ctx, exit_code);
    register_loophole(app, ctx, exit_code);
    register_fleet(app, ctx, exit_code);
    register_chips(app, ctx, exit_code);
    register_models(app, ctx, exit_code);
    register_roofline(app, ctx, exit_code);
    register_plot(app, ctx, exit_code);
    register_report(app, ctx, exit_code);
    register_serve(app, ctx, exit_code);
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (!message.empty())
      message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    top_level_error(argc, argv,
                    {Severity::error, "E0100", message, {}, {"run 'exctl --help' for usage"}});
    return kExitBadInput;
  } catch (const std::exception& e) {
    top_level_error(
        argc, argv,
        {Severity::error, "E0001", fmt::format("internal error: {}", e.what()), {}, {}});
    return kExitInternal;
  }
  return exit_code;
}
