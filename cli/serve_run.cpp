// `exctl-serve`: the server itself, run in this process.
#include <iostream>

#include "cli/commands.hpp"

namespace exctl::cli {

int run_serve(const serve::ServeOptions& options, Context& ctx) {
  serve::run(options, ctx.session.sink, std::cout);  // a start failure is in the sink
  return ctx.finish();
}

}  // namespace exctl::cli
