#include "engine/roofline/precision.hpp"

#include <fmt/format.h>

namespace exctl::roofline {

std::string_view format_key(NumberFormat f) {
  switch (f) {
    case NumberFormat::fp16:
      return "fp16";
    case NumberFormat::fp8:
      return "fp8";
    case NumberFormat::int8:
      return "int8";
    case NumberFormat::fp4:
      return "fp4";
    case NumberFormat::int4:
      return "int4";
  }
  return "fp16";
}

std::optional<NumberFormat> format_from_key(std::string_view key) {
  if (key == "bf16") return NumberFormat::fp16;
  for (NumberFormat f : kAllFormats) {
    if (format_key(f) == key) return f;
  }
  return std::nullopt;
}

double format_bits(NumberFormat f) {
  switch (f) {
    case NumberFormat::fp16:
      return 16;
    case NumberFormat::fp8:
      return 8;
    case NumberFormat::int8:
      return 8;
    case NumberFormat::fp4:
      return 4.5;
    case NumberFormat::int4:
      return 4.25;
  }
  return 16;
}

int nominal_bits(NumberFormat f) {
  switch (f) {
    case NumberFormat::fp16:
      return 16;
    case NumberFormat::fp8:
    case NumberFormat::int8:
      return 8;
    case NumberFormat::fp4:
    case NumberFormat::int4:
      return 4;
  }
  return 16;
}

Precision chip_precision(NumberFormat f) {
  switch (f) {
    case NumberFormat::fp16:
      return Precision::fp16;
    case NumberFormat::fp8:
      return Precision::fp8;
    case NumberFormat::int8:
      return Precision::int8;
    case NumberFormat::fp4:
      return Precision::fp4;
    case NumberFormat::int4:
      return Precision::int4;
  }
  return Precision::fp16;
}

NumberFormat default_activations(NumberFormat weights) {
  return weights == NumberFormat::int4 ? NumberFormat::fp16 : weights;
}

namespace {
bool is_float(NumberFormat f) {
  return f != NumberFormat::int8 && f != NumberFormat::int4;
}
}  // namespace

GemmFormat gemm_format(const Precisions& p) {
  int w = nominal_bits(p.weights), a = nominal_bits(p.activations);
  if (p.activations == NumberFormat::int4) {
    return {std::nullopt,
            "int4 activations are not supported; use int4 weights with fp16 or int8 activations"};
  }
  if (a < w) {
    return {std::nullopt,
            fmt::format("activations ({}) narrower than weights ({}) do not run as one GEMM",
                        format_key(p.activations), format_key(p.weights))};
  }
  if (a == w && is_float(p.activations) != is_float(p.weights)) {
    return {std::nullopt, fmt::format("{} weights with {} activations do not run as one GEMM",
                                      format_key(p.weights), format_key(p.activations))};
  }
  return {p.activations, ""};
}

NumberFormat attention_format(const Precisions& p) {
  bool fp8_kv = p.kv == NumberFormat::fp8;
  bool fp8_act = p.activations == NumberFormat::fp8 || p.activations == NumberFormat::fp4;
  return fp8_kv && fp8_act ? NumberFormat::fp8 : NumberFormat::fp16;
}

}  // namespace exctl::roofline
