// The hand-written ceiling for `exctl check --specs FILE --format csv`: one program that reads
// the catalogue, decides us-2023-10 (3A090.a, .b and Note 2, three-valued as exctl does,
// with exact decimal comparisons) and writes one `id,verdict` row per chip. No rule
// language, no diagnostics, no other regime: what the product is measured against.
//   peer_hand_e2e CATALOGUE.csv OUT.csv [--floor]
// --floor only reads the file and splits it into lines and cells: the I/O floor.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

enum Tri : int8_t { no = 0, yes = 1, unknown = 2 };
Tri tri_and(Tri a, Tri b) {
  return a == no || b == no ? no : (a == yes && b == yes ? yes : unknown);
}
Tri tri_or(Tri a, Tri b) {
  return a == yes || b == yes ? yes : (a == no && b == no ? no : unknown);
}
Tri tri_not(Tri a) {
  return a == unknown ? unknown : (a == yes ? no : yes);
}

// A decimal as mantissa x 10^-scale; `known` false for an empty cell.
struct Decimal {
  int64_t mantissa = 0;
  int scale = 0;
  bool known = false;
};

Decimal parse_decimal(std::string_view s) {
  Decimal d;
  if (s.empty()) return d;
  for (char c : s) {
    if (c == '.') {
      d.scale = 1;
      continue;
    }
    d.mantissa = d.mantissa * 10 + (c - '0');
    if (d.scale) ++d.scale;
  }
  if (d.scale) --d.scale;
  d.known = true;
  return d;
}

constexpr int64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};

// x >= t, t given as t_mantissa x 10^-t_scale.
Tri ge(const Decimal& x, int64_t t_mantissa, int t_scale) {
  if (!x.known) return unknown;
  __extension__ typedef __int128 i128;
  return i128(x.mantissa) * kPow10[t_scale] >= i128(t_mantissa) * kPow10[x.scale] ? yes : no;
}
Tri lt(const Decimal& x, int64_t m, int s) {
  return tri_not(ge(x, m, s));
}

const char* decide(const Decimal& tpp, const Decimal& pd, Tri datacenter) {
  Tri a = tri_or(ge(tpp, 4800, 0), tri_and(ge(tpp, 1600, 0), ge(pd, 592, 2)));
  Tri b1 =
      tri_and(tri_and(ge(tpp, 2400, 0), lt(tpp, 4800, 0)), tri_and(ge(pd, 16, 1), lt(pd, 592, 2)));
  Tri b2 = tri_and(ge(tpp, 1600, 0), tri_and(ge(pd, 32, 1), lt(pd, 592, 2)));
  Tri control = tri_or(a, tri_and(tri_not(a), tri_or(b1, b2)));
  if (control == no) return "not_controlled";
  if (control == unknown) return "indeterminate";
  Tri note2 = tri_and(tri_not(datacenter), lt(tpp, 4800, 0));
  return note2 == yes ? "excluded" : note2 == no ? "controlled" : "indeterminate";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: peer_hand_e2e CATALOGUE.csv OUT.csv [--floor]\n");
    return 2;
  }
  bool floor = argc > 3 && std::strcmp(argv[3], "--floor") == 0;
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) return 2;
  std::string data;
  char chunk[1 << 16];
  for (ssize_t n; (n = read(fd, chunk, sizeof chunk)) > 0;)
    data.append(chunk, static_cast<size_t>(n));
  close(fd);
  FILE* out = std::fopen(argv[2], "w");
  if (!out) return 2;
  std::string buffer;
  size_t pos = data.find('\n') + 1;  // the header: id,tpp,performance_density,datacenter
  size_t cells = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    std::string_view line(data.data() + pos, end - pos);
    pos = end + 1;
    std::string_view cell[4];
    size_t c = 0, start = 0;
    for (size_t i = 0; i <= line.size() && c < 4; ++i) {
      if (i == line.size() || line[i] == ',') {
        cell[c++] = line.substr(start, i - start);
        start = i + 1;
      }
    }
    cells += c;
    if (floor) continue;
    Tri dc = cell[3].empty() ? unknown : (cell[3] == "true" ? yes : no);
    buffer.append(cell[0]);
    buffer += ',';
    buffer.append(decide(parse_decimal(cell[1]), parse_decimal(cell[2]), dc));
    buffer += '\n';
    if (buffer.size() > (1 << 16)) {
      std::fwrite(buffer.data(), 1, buffer.size(), out);
      buffer.clear();
    }
  }
  std::fwrite(buffer.data(), 1, buffer.size(), out);
  std::fclose(out);
  if (floor) std::printf("%zu cells\n", cells);
  return 0;
}
