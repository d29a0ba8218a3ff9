// `exctl serve`: the same command line handed to `exctl-serve`, the executable beside this
// one that links the HTTP server; this process becomes it (the same pid, signals, output).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/commands.hpp"

namespace exctl::cli {

int run_serve(const serve::ServeOptions&, Context& ctx) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::string server = (self.parent_path() / "exctl-serve").string();
  if (!ec) ::execv(server.c_str(), ctx.argv);
  ctx.session.sink.error("E0909",
                         fmt::format("cannot start the server '{}': {}", server,
                                     ec ? ec.message() : std::string(std::strerror(errno))));
  return ctx.finish();
}

}  // namespace exctl::cli
