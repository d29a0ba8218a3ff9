// Reading the files exctl is given: one file into a SourceFile, and the *.toml files of a
// list of files and directories. Problems are diagnostics under the caller's code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/base/source.hpp"

namespace exctl {

// Reads a file into a SourceFile; on failure reports `code` ("cannot read <noun> 'path': why")
// and returns nullptr.
SourcePtr read_source(const std::string& path, std::string_view noun, std::string_view code,
                      DiagnosticSink& sink);

// The *.toml files of the given files and directories, each directory's sorted; a
// directory without any is reported as `code`.
std::vector<std::string> toml_files(const std::vector<std::string>& paths, std::string_view noun,
                                    std::string_view code, DiagnosticSink& sink);

}  // namespace exctl

namespace exctl {

// Writes `content` to `path` whole or not at all: into a temporary file in the same
// directory, then renamed over `path`, so a failure (no such directory, no permission, a
// full disk) leaves no partial file. On failure reports `code` ("cannot write 'path': why")
// and returns false.
bool write_file_atomic(const std::string& path, std::string_view content, std::string_view code,
                       DiagnosticSink& sink);

}  // namespace exctl
