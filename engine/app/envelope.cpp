#include "engine/app/envelope.hpp"

#include <charconv>

#include <fmt/format.h>

#include "chipdb/builtin_envelopes.hpp"
#include "engine/base/files.hpp"

namespace exctl::app {
namespace {

std::string years_text(const std::vector<Envelope>& all) {
  std::vector<std::string> years;
  for (const auto& e : all)
    years.push_back(std::to_string(e.year));
  return fmt::format("{}", fmt::join(years, ", "));
}

std::optional<Envelope> read_file(Session& session, const std::string& path) {
  auto source = read_source(path, "envelope file", "E0707", session.sink);
  if (!source) return std::nullopt;
  return chipdb::parse_envelope(source, session.sink);
}

}  // namespace

std::vector<Envelope> shipped_envelopes(DiagnosticSink& sink) {
  std::vector<Envelope> out;
  for (const auto& f : chipdb::kBuiltinEnvelopeFiles) {
    auto source = std::make_shared<SourceFile>(std::string(f.path), std::string(f.text));
    if (auto e = chipdb::parse_envelope(source, sink)) out.push_back(std::move(*e));
  }
  return out;
}

std::optional<Envelope> envelope_argument(Session& session, const EnvelopeRequest& request,
                                          int64_t default_year) {
  if (!request.file.empty()) {
    if (request.year.given) {
      session.sink.error("E0707", "give --year or --envelope, not both");
      return std::nullopt;
    }
    return read_file(session, request.file);
  }
  int64_t year = default_year;
  if (request.year.given) {
    const std::string& t = request.year.text;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), year);
    if (ec != std::errc() || end != t.data() + t.size() || t.empty()) {
      argument_error(session.sink, "E0707", "--year takes a year such as 2024", "--year", t, 0,
                     static_cast<uint32_t>(std::max<size_t>(t.size(), 1)));
      return std::nullopt;
    }
  }
  auto all = shipped_envelopes(session.sink);
  for (auto& e : all) {
    if (e.year == year) return std::move(e);
  }
  session.sink.report(
      {Severity::error,
       "E0707",
       fmt::format("no shipped envelope for {}", year),
       {},
       {fmt::format("shipped years: {}; or give --envelope FILE.toml (docs/envelope.md)",
                    years_text(all))}});
  return std::nullopt;
}

std::optional<std::vector<Envelope>> show_envelopes(Session& session,
                                                    const EnvelopeRequest& request) {
  if (!request.file.empty() || request.year.given) {
    auto e = envelope_argument(session, request, 0);
    if (!e) return std::nullopt;
    return std::vector<Envelope>{std::move(*e)};
  }
  auto all = shipped_envelopes(session.sink);
  if (session.sink.has_errors()) return std::nullopt;
  return all;
}

draft::DesignSpace envelope_space(const Envelope& e, std::optional<bool> datacenter) {
  draft::DesignSpace s;
  s.label = fmt::format("envelope {}", e.year);
  s.year = e.year;
  s.max_area = e.max_logic_area();
  s.dies = e.max_dies;
  s.area_item = fmt::format("envelope {}: {} x {} mm2 logic dies (reticle)", e.year, e.max_dies,
                            e.reticle_mm2.format(4));
  const EnvelopeNode* node = &e.nodes.front();
  for (const auto& n : e.nodes) {
    if (n.fp16_tflops_per_mm2 > node->fp16_tflops_per_mm2) node = &n;
  }
  auto set = [&](Precision p, const Rational& v) { s.peak_per_mm2[static_cast<size_t>(p)] = v; };
  set(Precision::fp16, node->fp16_tflops_per_mm2);
  if (node->fp8_ratio > Rational(0)) {
    set(Precision::fp8, node->fp16_tflops_per_mm2 * node->fp8_ratio);
    set(Precision::int8, node->fp16_tflops_per_mm2 * node->fp8_ratio);
  }
  if (node->fp4_ratio > Rational(0))
    set(Precision::fp4, node->fp16_tflops_per_mm2 * node->fp4_ratio);
  s.peak_item = fmt::format("envelope {}: {} at {} TFLOPS/mm2 FP16 (FP8 x{}, FP4 x{})", e.year,
                            node->name, node->fp16_tflops_per_mm2.format(4),
                            node->fp8_ratio.format(4), node->fp4_ratio.format(4));
  s.process = node->name;
  for (const auto& m : e.memories) {
    draft::DesignSpace::Memory dm;
    dm.name = m.name;
    dm.hbm = m.hbm;
    dm.bandwidth = m.max_bandwidth();
    dm.capacity = m.max_capacity();
    dm.item = m.hbm ? fmt::format("envelope {}: {}, {} stacks x {} GB/s, {} GB", e.year, m.name,
                                  m.max_stacks, m.stack_bandwidth_gbps.format(4),
                                  m.stack_capacity_gb.format(4))
                    : fmt::format("envelope {}: {}, {} GB/s, {} GB", e.year, m.name,
                                  m.bandwidth_gbps.format(4), m.capacity_gb.format(4));
    s.memories.push_back(std::move(dm));
  }
  s.interconnect = e.chip_to_chip_gbps;
  s.interconnect_item =
      fmt::format("envelope {}: chip-to-chip {} GB/s", e.year, e.chip_to_chip_gbps.format(4));
  s.host_link = e.host_link_gbps;
  s.tdp = e.tdp_w;
  s.transistors_per_mm2 = e.transistors_million_per_mm2 * Rational(1'000'000);
  s.datacenter = datacenter;
  return s;
}

}  // namespace exctl::app
