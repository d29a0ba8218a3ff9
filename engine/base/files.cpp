#include "engine/base/files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace exctl {

namespace fs = std::filesystem;

SourcePtr read_source(const std::string& path, std::string_view noun, std::string_view code,
                      DiagnosticSink& sink) {
  // One open, one fstat and (for a regular file) one read of the size fstat gives: specs
  // are small and many, so the system calls are most of the cost.
  auto fail = [&](std::string_view why) {
    sink.error(std::string(code), fmt::format("cannot read {} '{}': {}", noun, path, why));
    return nullptr;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return fail(err == ENOENT || err == ENOTDIR ? "no such file" : std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return fail(std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail("it is a directory");
  }
  // A regular file is read in one call of its size; anything else (a pipe, /proc) until EOF.
  bool regular = S_ISREG(st.st_mode);
  std::string text(regular ? static_cast<size_t>(st.st_size) : size_t{4096}, '\0');
  size_t have = 0;
  for (;;) {
    if (have == text.size()) {
      if (regular) break;
      text.resize(text.size() * 2);
    }
    ssize_t n = ::read(fd, text.data() + have, text.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return fail(std::strerror(err));
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(have);
  return std::make_shared<SourceFile>(path, std::move(text));
}

std::vector<std::string> toml_files(const std::vector<std::string>& paths, std::string_view noun,
                                    std::string_view code, DiagnosticSink& sink) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".toml")
          found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty())
        sink.error(std::string(code), fmt::format("directory '{}' holds no .toml {}s", path, noun));
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  return files;
}

}  // namespace exctl

namespace exctl {

bool write_file_atomic(const std::string& path, std::string_view content, std::string_view code,
                       DiagnosticSink& sink) {
  auto fail = [&](std::string_view why) {
    sink.error(std::string(code), fmt::format("cannot write '{}': {}", path, why));
    return false;
  };
  if (path.empty()) return fail("empty path");
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fail("it is a directory");
  fs::path target(path);
  fs::path dir = target.parent_path();
  std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    int err = errno;
    return fail(err == ENOENT || err == ENOTDIR ? "no such directory" : std::strerror(err));
  }
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmpl.c_str());
      return fail(std::strerror(err));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  // mkstemp creates 0600; an output file gets the usual permissions.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    return fail(std::strerror(err));
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    return fail(std::strerror(err));
  }
  return true;
}

}  // namespace exctl
