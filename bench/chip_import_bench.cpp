// Chip import benchmarks (Google Benchmark). Inputs come from bench/spec_gen, generated in
// memory before timing starts, so the figures cover exctl's work and not the generator's.
//
//   chip_import_bench [--benchmark_filter=...]   run the benchmarks
//   chip_import_bench --write-specs DIR N        write specs 0..N-1 as DIR/<id>.toml, for
//                                                the whole-process run in scripts/bench.sh
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/spec_gen.hpp"
#include "chipdb/builtin_db.hpp"
#include "chipdb/database.hpp"
#include "chipdb/import.hpp"
#include "chipdb/spec_toml.hpp"
#include "engine/base/toml_reader.hpp"  // toml++ as exctl compiles it
#include "engine/metrics/metrics.hpp"

namespace exctl::bench {
namespace {

namespace fs = std::filesystem;
using chipdb::Database;

// A private directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "exctl-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Specs 0..n-1 as source files. Generated once and grown on demand: every benchmark
// size is a prefix of the same deterministic set.
std::span<const SourcePtr> sources(size_t n) {
  static std::vector<SourcePtr> cache;
  cache.reserve(n);
  while (cache.size() < n) {
    GeneratedSpec spec = generate_spec(cache.size());
    cache.push_back(std::make_shared<const SourceFile>(spec.id + ".toml", std::move(spec.text)));
  }
  return {cache.data(), n};
}

// Parses and checks `files` as `chips import` does; nullopt (after printing why) if the
// generator produced an invalid spec, which would make every figure meaningless.
std::optional<std::vector<Chip>> parse_all(std::span<const SourcePtr> files) {
  DiagnosticSink sink;
  std::vector<Chip> chips;
  chips.reserve(files.size());
  for (const auto& file : files) {
    if (auto chip = chipdb::parse_chip_spec(file, sink)) chips.push_back(std::move(*chip));
  }
  chipdb::check_chip_set(chips, sink);
  if (!sink.has_errors()) return chips;
  std::cerr << render_text(sink);
  return std::nullopt;
}

const std::vector<Chip>& parsed_chips(size_t n) {
  static std::map<size_t, std::vector<Chip>> cache;
  auto it = cache.find(n);
  if (it == cache.end())
    it = cache.emplace(n, parse_all(sources(n)).value_or(std::vector<Chip>{})).first;
  return it->second;
}

// (a0) toml++ alone on the same texts: no validation, no file reads, no database. With the
// database write (b1'), it is the part of an import that exctl cannot make cheaper while
// it parses specs with toml++, so the two bound how fast an import can be.
void BM_TomlParseOnly(benchmark::State& state) {
  auto n = static_cast<size_t>(state.range(0));
  auto files = sources(n);
  for (auto _ : state) {
    size_t keys = 0;
    for (const auto& file : files) {
      toml::parse_result result = toml::parse(std::string_view(file->text()));
      if (!result) {
        state.SkipWithError("toml++ rejected a generated spec");
        return;
      }
      keys += result.table().size();
    }
    benchmark::DoNotOptimize(keys);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// (a) TOML parsing and validation only: no file reads, no database.
void BM_ParseValidate(benchmark::State& state) {
  auto n = static_cast<size_t>(state.range(0));
  auto files = sources(n);
  for (auto _ : state) {
    auto chips = parse_all(files);
    if (!chips) {
      state.SkipWithError("generated specs do not validate");
      break;
    }
    benchmark::DoNotOptimize(chips->data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// (a2) The same from files on disk through read_chip_specs: adds directory listing and
// file reads, as `chips import DIR` does them.
void BM_ReadChipSpecs(benchmark::State& state) {
  auto n = static_cast<size_t>(state.range(0));
  TempDir dir;
  for (const auto& file : sources(n)) {
    std::ofstream out(dir.path() / file->path(), std::ios::binary);
    out << file->text();
  }
  for (auto _ : state) {
    DiagnosticSink sink;
    auto chips = chipdb::read_chip_specs({dir.path().string()}, sink);
    if (sink.has_errors() || chips.size() != n) {
      state.SkipWithError("generated specs do not validate");
      break;
    }
    benchmark::DoNotOptimize(chips.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// Times `write(db, chips)` into a fresh on-disk database per iteration, over the first
// state.range(0) generated chips, already parsed; the file is removed between iterations.
template <typename Write>
void time_fresh_writes(benchmark::State& state, Write write) {
  auto n = static_cast<size_t>(state.range(0));
  const auto& chips = parsed_chips(n);
  if (chips.size() != n) {
    state.SkipWithError("generated specs do not validate");
    return;
  }
  TempDir dir;
  std::string path = (dir.path() / "fresh.db").string();
  for (auto _ : state) {
    {
      Database db = Database::open(path, Database::Mode::read_write);
      write(db, chips);
    }
    state.PauseTiming();
    fs::remove(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// (b1) Writing already-validated chips into a fresh on-disk database: open (creates the
// schema), import_chips (derives metrics, one transaction), close.
void BM_ImportChips(benchmark::State& state) {
  time_fresh_writes(state, [](Database& db, const std::vector<Chip>& chips) {
    auto result = chipdb::import_chips(db, chips);
    benchmark::DoNotOptimize(result.added);
  });
}

// (b1') The writing half of `chips import` into a new file: open (creates the schema),
// relaxed durability, one transaction of ChipWriter::write calls with metrics, commit.
void BM_WriteNewDatabase(benchmark::State& state) {
  time_fresh_writes(state, [](Database& db, const std::vector<Chip>& chips) {
    db.relax_durability_for_new_file();
    std::vector<chipdb::MetricsRow> metrics = chipdb::derive_metrics(chips, MetricOptions{});
    sqlite::Transaction tx(db.connection());
    chipdb::ChipWriter writer(db, false);
    for (size_t i = 0; i < chips.size(); ++i)
      writer.write(chips[i], metrics[i]);
    tx.commit();
  });
}

// (b2) The whole in-process import: spec texts to a fresh on-disk database. This is
// `exctl chips import --empty` without reading files and without the CLI's extra checks.
void BM_ImportSpecs(benchmark::State& state) {
  auto n = static_cast<size_t>(state.range(0));
  auto files = sources(n);
  TempDir dir;
  std::string path = (dir.path() / "fresh.db").string();
  for (auto _ : state) {
    {
      auto chips = parse_all(files);
      if (!chips) {
        state.SkipWithError("generated specs do not validate");
        break;
      }
      Database db = Database::open(path, Database::Mode::read_write);
      auto result = chipdb::import_chips(db, *chips);
      benchmark::DoNotOptimize(result.added);
    }
    state.PauseTiming();
    fs::remove(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// (b3) `chips import --empty DIR` into a new file without the CLI: files read and parsed on
// worker threads while this thread writes (import_specs_into_new_database).
void BM_ImportNewDatabase(benchmark::State& state) {
  auto n = static_cast<size_t>(state.range(0));
  TempDir dir;
  fs::create_directories(dir.path() / "specs");
  for (const auto& file : sources(n)) {
    std::ofstream out(dir.path() / "specs" / file->path(), std::ios::binary);
    out << file->text();
  }
  std::string path = (dir.path() / "fresh.db").string();
  for (auto _ : state) {
    DiagnosticSink sink;
    auto result =
        chipdb::import_specs_into_new_database(path, {(dir.path() / "specs").string()}, {}, sink);
    if (!result || result->added != n) {
      std::cerr << render_text(sink);
      state.SkipWithError("the import failed");
      break;
    }
    state.PauseTiming();
    fs::remove(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// (c) The metrics of the shipped chips, as `chips list` computes them for every row.
void BM_ComputeMetricsShipped(benchmark::State& state) {
  std::vector<Chip> chips =
      Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_all();
  for (auto _ : state) {
    for (const auto& chip : chips) {
      ChipMetrics m = compute_metrics(chip);
      benchmark::DoNotOptimize(m.tpp.value);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(chips.size()));
}

// The database half of `chips list`: open the embedded image and load every chip.
void BM_LoadBuiltin(benchmark::State& state) {
  int64_t count = 0;
  for (auto _ : state) {
    std::vector<Chip> chips =
        Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_all();
    count = static_cast<int64_t>(chips.size());
    benchmark::DoNotOptimize(chips.data());
  }
  state.SetItemsProcessed(state.iterations() * count);
}

// The 100,000 runs are fixed at one iteration: each takes seconds, and one run is the
// figure the target is about.
BENCHMARK(BM_TomlParseOnly)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TomlParseOnly)->Arg(100'000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseValidate)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseValidate)->Arg(100'000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadChipSpecs)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();
// Real time for the imports: the commit waits for the disk, which CPU time would hide.
BENCHMARK(BM_ImportChips)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ImportChips)
    ->Arg(100'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_WriteNewDatabase)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
// No 100,000 run: it would be (a) plus (b1) again, and bench.sh must finish in minutes.
BENCHMARK(BM_ImportSpecs)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ImportNewDatabase)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ComputeMetricsShipped)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LoadBuiltin)->Unit(benchmark::kMicrosecond);

int write_specs(const std::string& dir, const std::string& count_text) {
  char* end = nullptr;
  unsigned long long count = std::strtoull(count_text.c_str(), &end, 10);
  if (count_text.empty() || *end != '\0') {
    std::cerr << "chip_import_bench: N must be a number, not '" << count_text << "'\n";
    return 2;
  }
  fs::create_directories(dir);
  for (size_t i = 0; i < count; ++i) {
    GeneratedSpec spec = generate_spec(i);
    std::ofstream out(fs::path(dir) / (spec.id + ".toml"), std::ios::binary);
    out << spec.text;
    if (!out) {
      std::cerr << "chip_import_bench: cannot write to '" << dir << "'\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace exctl::bench

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "--write-specs") {
    if (argc != 4) {
      std::cerr << "usage: chip_import_bench --write-specs DIR N\n";
      return 2;
    }
    return exctl::bench::write_specs(argv[2], argv[3]);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
