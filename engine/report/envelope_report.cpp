#include "engine/report/envelope_report.hpp"

#include <fmt/format.h>

#include "engine/report/chip_report.hpp"

namespace exctl::report {
namespace {

std::string n(const Rational& v) {
  std::string text = v.format(v.is_integer() ? 0 : 2);
  if (!v.is_integer() && Rational::parse(text) != v) text = v.format(4);
  return text;
}

std::string from(const Provenance& p) {
  return fmt::format("[{}] {}", confidence_name(p.confidence), p.source);
}

nlohmann::ordered_json provenance_json(const Provenance& p) {
  nlohmann::ordered_json j;
  j["source"] = p.source;
  j["confidence"] = confidence_name(p.confidence);
  if (!p.notes.empty()) j["notes"] = p.notes;
  return j;
}

}  // namespace

std::string envelope_text(const std::vector<Envelope>& envelopes) {
  std::string out;
  for (const auto& e : envelopes) {
    if (!out.empty()) out += "\n";
    out += fmt::format("envelope {} ({})\n", e.year, e.origin_file);
    if (!e.notes.empty()) out += fmt::format("  {}\n", e.notes);
    out += fmt::format("  logic         {} x {} mm2 dies = {} mm2; {} million transistors/mm2\n",
                       e.max_dies, n(e.reticle_mm2), n(e.max_logic_area()),
                       n(e.transistors_million_per_mm2));
    out += fmt::format("                {}\n", from(e.die));
    for (const auto& node : e.nodes) {
      out +=
          fmt::format("  node          {}: {} TFLOPS/mm2 FP16 dense, FP8 x{}, FP4 x{}\n", node.name,
                      n(node.fp16_tflops_per_mm2), n(node.fp8_ratio), n(node.fp4_ratio));
      out += fmt::format("                {}\n", from(node.provenance));
    }
    for (const auto& m : e.memories) {
      if (m.hbm)
        out += fmt::format("  memory        {}: {}..{} stacks x {} GB/s, {} GB = {} GB/s, {} GB\n",
                           m.name, m.min_stacks, m.max_stacks, n(m.stack_bandwidth_gbps),
                           n(m.stack_capacity_gb), n(m.max_bandwidth()), n(m.max_capacity()));
      else
        out += fmt::format("  memory        {}: {} GB/s, {} GB\n", m.name, n(m.bandwidth_gbps),
                           n(m.capacity_gb));
      out += fmt::format("                {}\n", from(m.provenance));
    }
    out += fmt::format("  interconnect  chip-to-chip {} GB/s, host link {} GB/s\n",
                       n(e.chip_to_chip_gbps), n(e.host_link_gbps));
    out += fmt::format("                {}\n", from(e.interconnect));
    out += fmt::format("  power         {} W\n", n(e.tdp_w));
    out += fmt::format("                {}\n", from(e.power));
  }
  return out;
}

nlohmann::ordered_json envelope_json(const std::vector<Envelope>& envelopes) {
  nlohmann::ordered_json j;
  j["version"] = 1;
  auto arr = nlohmann::ordered_json::array();
  for (const auto& e : envelopes) {
    nlohmann::ordered_json o;
    o["year"] = e.year;
    o["file"] = e.origin_file;
    o["notes"] = e.notes;
    o["die"] = {{"reticle_mm2", json_number(e.reticle_mm2)},
                {"max_dies", e.max_dies},
                {"max_logic_area_mm2", json_number(e.max_logic_area())},
                {"transistors_million_per_mm2", json_number(e.transistors_million_per_mm2)},
                {"provenance", provenance_json(e.die)}};
    auto nodes = nlohmann::ordered_json::array();
    for (const auto& node : e.nodes)
      nodes.push_back({{"name", node.name},
                       {"fp16_tflops_per_mm2", json_number(node.fp16_tflops_per_mm2)},
                       {"fp8_ratio", json_number(node.fp8_ratio)},
                       {"fp4_ratio", json_number(node.fp4_ratio)},
                       {"provenance", provenance_json(node.provenance)}});
    o["nodes"] = nodes;
    auto mems = nlohmann::ordered_json::array();
    for (const auto& m : e.memories) {
      nlohmann::ordered_json mj;
      mj["name"] = m.name;
      mj["kind"] = m.hbm ? "hbm" : "gddr";
      if (m.hbm) {
        mj["stack_bandwidth_gbps"] = json_number(m.stack_bandwidth_gbps);
        mj["stack_capacity_gb"] = json_number(m.stack_capacity_gb);
        mj["min_stacks"] = m.min_stacks;
        mj["max_stacks"] = m.max_stacks;
      }
      mj["max_bandwidth_gbps"] = json_number(m.max_bandwidth());
      mj["max_capacity_gb"] = json_number(m.max_capacity());
      mj["provenance"] = provenance_json(m.provenance);
      mems.push_back(mj);
    }
    o["memory"] = mems;
    o["interconnect"] = {{"chip_to_chip_gbps", json_number(e.chip_to_chip_gbps)},
                         {"host_link_gbps", json_number(e.host_link_gbps)},
                         {"provenance", provenance_json(e.interconnect)}};
    o["power"] = {{"tdp_w", json_number(e.tdp_w)}, {"provenance", provenance_json(e.power)}};
    arr.push_back(o);
  }
  j["envelopes"] = arr;
  return j;
}

}  // namespace exctl::report
