// exctl: export-control compliance checks for AI accelerators.
#include <cctype>
#include <exception>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/context.hpp"

int main(int argc, char** argv) {
  using namespace exctl::cli;
  Context ctx;
  int exit_code = kExitOk;
  CLI::App app{"exctl: is this chip exportable, under which rule, to where, and why"};
  app.set_version_flag("--version", "exctl 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--db", ctx.db_path, "Chip database file (default: $EXCTL_DB, else the built-in one)");
  app.add_option("--format", ctx.format_name, "Output format: text, json, csv or md");
  app.add_option("--rules", ctx.rule_files, "A rule file (e.g. a draft) to load beside the shipped regimes (repeatable)");
  app.add_option("--interpret", ctx.interpret,
                 "Interpretation option for an ambiguous rule, e.g. tf32_bits=32 (repeatable; see docs/metrics.md)");
  try {
    register_check(app, ctx, exit_code);
    register_regimes(app, ctx, exit_code);
    register_chips(app, ctx, exit_code);
    register_models(app, ctx, exit_code);
    register_roofline(app, ctx, exit_code);
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    std::cerr << "error[E0100]: " << message << "\n  note: run 'exctl --help' for usage\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return exit_code;
}
