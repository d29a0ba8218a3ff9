#include "bench/spec_gen.hpp"

#include <array>
#include <cctype>
#include <iterator>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace exctl::bench {
namespace {

// SplitMix64: tiny, and unlike std:: distributions it gives the same numbers on every
// standard library, so the benchmark inputs never change under us.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return range(0, 99) < percent; }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[next() % N];
  }

 private:
  uint64_t state_;
};

struct Vendor {
  std::string_view slug, name, origin;
  std::string_view prefix;  // letters only: "<prefix><number>" then cannot collide across vendors
};

constexpr std::array<Vendor, 12> kVendors = {{
    {"nvidia", "NVIDIA", "US", "GX"},
    {"amd", "AMD", "US", "MX"},
    {"intel", "Intel", "US", "GD"},
    {"google", "Google", "US", "TPU"},
    {"aws", "AWS", "US", "TRN"},
    {"huawei", "Huawei", "CN", "AS"},
    {"cambricon", "Cambricon", "CN", "MLU"},
    {"biren", "Biren", "CN", "BR"},
    {"metax", "MetaX", "CN", "C"},
    {"moorethreads", "Moore Threads", "CN", "MTT"},
    {"hygon", "Hygon", "CN", "K"},
    {"tenstorrent", "Tenstorrent", "CA", "TT"},
}};

constexpr std::array<std::string_view, 6> kVariants = {"SXM", "PCIe", "OAM", "NVL", "Pro", "X"};
constexpr std::array<std::string_view, 3> kConfidences = {"high", "medium", "low"};
constexpr std::array<std::string_view, 6> kMemoryTypes = {"HBM2e", "HBM3",  "HBM3e",
                                                          "GDDR6", "GDDR7", "LPDDR5"};
constexpr std::array<int, 12> kCapacities = {16, 24, 32, 48, 64, 80, 96, 128, 141, 192, 256, 288};
constexpr std::array<std::string_view, 6> kProcesses = {"TSMC N7", "TSMC 4N",  "TSMC N5",
                                                        "TSMC N3", "SMIC N+2", "Samsung 5LPE"};
constexpr std::array<std::string_view, 4> kLinks = {"NVLink 4", "Infinity Fabric", "ICI", "RoCE"};

// Precision keys in the order the shipped specs write them.
constexpr std::array<std::string_view, 9> kPrecisions = {"fp64", "fp32", "tf32", "fp16", "fp8",
                                                         "int8", "fp6",  "fp4",  "int4"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A decimal from tenths, written as the specs do: an integer when whole, else "1978.9".
std::string decimal(int64_t tenths) {
  if (tenths % 10 == 0) return fmt::format("{}", tenths / 10);
  return fmt::format("{}.{}", tenths / 10, tenths % 10);
}

class SpecWriter {
 public:
  template <typename... Args>
  void line(fmt::format_string<Args...> f, Args&&... args) {
    fmt::format_to(std::back_inserter(out_), f, std::forward<Args>(args)...);
    out_ += '\n';
  }
  // source/confidence/notes/estimated of one group; `estimable` are keys it may name.
  void provenance(Rng& rng, size_t index, std::string_view group,
                  const std::vector<std::string_view>& estimable) {
    line("source = \"Synthetic datasheet {} rev {}, {} section\"", index, rng.range(1, 9), group);
    line("confidence = \"{}\"", rng.pick(kConfidences));
    if (rng.chance(30)) {
      line(
          "notes = \"Figures for the {} group are taken from a vendor briefing; a later "
          "datasheet may revise them.\"",
          group);
    }
    if (!estimable.empty() && rng.chance(20)) {
      line("estimated = [\"{}\"]", estimable[rng.next() % estimable.size()]);
    }
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Dense throughput per precision, in tenths, derived from an FP16 figure the way real
// datasheets relate them (FP8 doubles FP16, TF32 halves it, and so on).
std::vector<std::pair<std::string_view, int64_t>> throughput(Rng& rng) {
  int64_t fp16 = rng.range(500, 25000);
  const std::array<int64_t, 9> figures = {fp16 / rng.range(8, 30),
                                          fp16 / rng.range(8, 16),
                                          fp16 / 2,
                                          fp16,
                                          fp16 * 2,
                                          fp16 * 2,
                                          fp16 * 2,
                                          fp16 * 4,
                                          fp16 * 4};
  std::vector<std::pair<std::string_view, int64_t>> out;
  for (size_t p = 0; p < kPrecisions.size(); ++p) {
    // FP16 always; the other precisions vary so that TPP picks different bases.
    if (kPrecisions[p] == "fp16" || rng.chance(p >= 6 ? 25 : 65)) {
      out.emplace_back(kPrecisions[p], std::max<int64_t>(figures[p], 1));
    }
  }
  return out;
}

void write_unit(SpecWriter& w, Rng& rng,
                const std::vector<std::pair<std::string_view, int64_t>>& figures) {
  std::vector<std::string_view> sparse_candidates;
  for (const auto& [key, tenths] : figures) {
    w.line("{} = {}", key, decimal(tenths));
    if (key == "fp8" || key == "fp4") sparse_candidates.push_back(key);
  }
  if (!sparse_candidates.empty() && rng.chance(15)) {
    w.line("sparse = [\"{}\"]", sparse_candidates[rng.next() % sparse_candidates.size()]);
  }
}

}  // namespace

GeneratedSpec generate_spec(size_t index, uint64_t seed) {
  // Seeded per index so a spec never depends on how many were generated before it.
  Rng rng(seed ^ (static_cast<uint64_t>(index) * 0xd1342543de82ef95));
  const Vendor& vendor = rng.pick(kVendors);
  const std::string_view variant = rng.pick(kVariants);
  const std::string model = fmt::format("{}{}", vendor.prefix, 1000 + index);
  const int capacity = rng.pick(kCapacities);

  GeneratedSpec spec;
  spec.id = fmt::format("{}-{}-{}", vendor.slug, lower(model), lower(variant));
  SpecWriter w;
  w.line("id = \"{}\"", spec.id);
  w.line("vendor = \"{}\"", vendor.name);
  w.line("name = \"{} {} {}GB\"", model, variant, capacity);
  const std::array<std::string, 3> aliases = {model, fmt::format("{} {}", model, variant),
                                              fmt::format("{}-{}", vendor.prefix, 1000 + index)};
  const auto alias_count = static_cast<size_t>(rng.range(1, 3));
  std::string alias_list;
  for (size_t i = 0; i < alias_count; ++i) {
    alias_list += fmt::format("{}\"{}\"", i ? ", " : "", aliases[i]);
  }
  w.line("aliases = [{}]", alias_list);
  w.line("year = {}", rng.range(2016, 2026));
  if (int64_t dc = rng.range(0, 9); dc < 8)
    w.line("datacenter = true");
  else if (dc == 8)
    w.line("datacenter = false");
  w.line("origin = \"{}\"", vendor.origin);
  if (int64_t st = rng.range(0, 99); st >= 97)
    w.line("status = \"reported\"");
  else if (st >= 90)
    w.line("status = \"announced\"");
  if (rng.chance(30)) {
    w.line("notes = \"Synthetic chip for benchmarks; {} variant with {} GB.\"", variant, capacity);
  }
  w.line("source = \"Synthetic vendor page {}\"", index);
  w.line("confidence = \"{}\"", rng.pick(kConfidences));

  w.line("\n[compute]");
  if (rng.chance(10)) {
    // Several processing units (TN2 1.d): provenance here, figures per unit.
    w.provenance(rng, index, "compute", {});
    for (std::string_view unit : {"Tensor core", "Vector core"}) {
      w.line("\n[[compute.unit]]");
      w.line("name = \"{}\"", unit);
      write_unit(w, rng, throughput(rng));
    }
  } else {
    auto figures = throughput(rng);
    std::vector<std::string_view> keys;
    for (const auto& f : figures)
      keys.push_back(f.first);
    w.provenance(rng, index, "compute", keys);
    write_unit(w, rng, figures);
  }

  const std::string_view memory_type = rng.pick(kMemoryTypes);
  w.line("\n[memory]");
  w.provenance(rng, index, "memory", {"capacity_gb", "bandwidth_gbps"});
  w.line("type = \"{}\"", memory_type);
  w.line("capacity_gb = {}", capacity);
  w.line("bandwidth_gbps = {}", decimal(rng.range(3000, 80000)));

  w.line("\n[interconnect]");
  w.provenance(rng, index, "interconnect", {"chip_to_chip_gbps"});
  if (rng.chance(80)) {
    w.line("chip_to_chip_gbps = {}", rng.range(1, 18) * 100);
    w.line("chip_to_chip_name = \"{}\"", rng.pick(kLinks));
  }
  const int64_t gen = rng.range(4, 6);
  w.line("host_link_gbps = {}", int64_t{64} << (gen - 4));
  w.line("host_link_name = \"PCIe Gen{} x16\"", gen);

  w.line("\n[silicon]");
  w.provenance(rng, index, "silicon", {"transistors_billion"});
  w.line("transistors_billion = {}", decimal(rng.range(100, 2100)));
  const int64_t die_kinds = rng.range(1, 3);
  for (int64_t d = 0; d < die_kinds; ++d) {
    static constexpr std::array<std::string_view, 3> kRoles = {"compute", "io", "cache"};
    static constexpr std::array<std::string_view, 3> kSuffixes = {"C", "IOD", "MCD"};
    w.line("\n[[silicon.die]]");
    w.line("name = \"{}-{}\"", model, kSuffixes[static_cast<size_t>(d)]);
    w.line("role = \"{}\"", kRoles[static_cast<size_t>(d)]);
    w.line("count = {}", int64_t{1} << rng.range(0, 3));
    const bool has_area = rng.chance(90);
    if (has_area) w.line("area_mm2 = {}", decimal(rng.range(300, 8500)));
    if (d > 0 && rng.chance(15)) {
      // Older I/O dies on a planar node: the io_dies option then matters.
      w.line("process = \"TSMC N28\"");
      w.line("planar = true");
    } else {
      w.line("process = \"{}\"", rng.pick(kProcesses));
    }
    if (has_area && rng.chance(20)) w.line("estimated = [\"area_mm2\"]");
  }

  w.line("\n[power]");
  w.provenance(rng, index, "power", {"tdp_w"});
  w.line("tdp_w = {}", rng.range(70, 1400));

  if (memory_type.starts_with("HBM") && rng.chance(60)) {
    w.line("\n[hbm]");
    w.provenance(rng, index, "hbm", {"stacks", "stack_footprint_mm2"});
    w.line("stacks = {}", rng.range(4, 12));
    if (rng.chance(50)) w.line("stack_footprint_mm2 = {}", decimal(rng.range(900, 1300)));
  }
  spec.text = w.take();
  return spec;
}

}  // namespace exctl::bench
