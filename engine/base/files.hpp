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
