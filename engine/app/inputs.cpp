#include "engine/app/inputs.hpp"

#include <cctype>
#include <chrono>

#include <fmt/format.h>

namespace exctl::app {

std::optional<sema::DateKey> date_argument(const Given& date, DiagnosticSink& sink) {
  if (date.given && date.text.empty()) {
    sink.error("E0112",
               "--date is empty; give a date like 2025-06-30, or leave --date out for today");
    return std::nullopt;
  }
  if (date.text.empty()) {
    auto today = std::chrono::year_month_day(
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
    return static_cast<int>(today.year()) * 10000 +
           static_cast<int>(static_cast<unsigned>(today.month())) * 100 +
           static_cast<int>(static_cast<unsigned>(today.day()));
  }
  auto d = sema::parse_date(date.text);
  if (!d) sink.error("E0112", fmt::format("--date '{}' is not a date like 2025-06-30", date.text));
  return d;
}

bool country_argument(const std::string& flag, Given& code, const sema::Rulebook& book,
                      DiagnosticSink& sink) {
  std::string& cc = code.text;
  if (code.given && cc.empty()) {
    sink.error("E0113", fmt::format("{} is empty; give an ISO 3166-1 alpha-2 country code such as "
                                    "CN or DE, or leave {} out",
                                    flag, flag));
    return false;
  }
  if (cc.empty()) return true;
  for (auto& c : cc)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (is_named_region(cc, book)) return true;
  if (cc.find('-') != std::string::npos) {
    std::vector<std::string> regions;
    for (const auto& [name, country] : book.groups.names()) {
      if (name.find('-') != std::string::npos) regions.push_back(name);
    }
    sink.report({Severity::error,
                 "E0113",
                 fmt::format("{} {} is not a region the country groups name", flag, cc),
                 {},
                 {fmt::format("regions: {}", fmt::join(regions, ", "))}});
    return false;
  }
  if (cc.size() != 2 || !std::isalpha(static_cast<unsigned char>(cc[0])) ||
      !std::isalpha(static_cast<unsigned char>(cc[1]))) {
    sink.error("E0113",
               fmt::format("{} takes an ISO 3166-1 alpha-2 country code such as CN or DE, not '{}'",
                           flag, cc));
    return false;
  }
  if (!is_iso_country(cc)) {
    sink.error("E0113",
               fmt::format("{} {} is not an assigned ISO 3166-1 alpha-2 country code", flag, cc));
    return false;
  }
  if (!book.groups.is_country(cc)) {
    sink.warning("W0113",
                 fmt::format("{} {} is in none of the country groups the rules name", flag, cc));
  }
  return true;
}

bool is_named_region(std::string_view code, const sema::Rulebook& book) {
  return code.size() > 3 && code[2] == '-' && is_iso_country(code.substr(0, 2)) &&
         book.groups.is_country(std::string(code));
}

bool is_iso_country(std::string_view code) {
  // The officially assigned ISO 3166-1 alpha-2 codes.
  static constexpr std::string_view kCodes =
      "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
      "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
      "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
      "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
      "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
      "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
      "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
      "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
      "VN VU WF WS YE YT ZA ZM ZW";
  if (code.size() != 2 || !std::isupper(static_cast<unsigned char>(code[0])) ||
      !std::isupper(static_cast<unsigned char>(code[1])))
    return false;
  for (size_t i = 0; i + 1 < kCodes.size(); i += 3) {
    if (kCodes.substr(i, 2) == code) return true;
  }
  return false;
}

std::vector<std::pair<std::string, uint32_t>> split_commas(const std::string& text) {
  std::vector<std::pair<std::string, uint32_t>> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    items.emplace_back(text.substr(start, end - start), static_cast<uint32_t>(start));
    start = end + 1;
  }
  return items;
}

void argument_error(DiagnosticSink& sink, const std::string& code, const std::string& message,
                    const std::string& what, const std::string& text, uint32_t begin,
                    uint32_t end) {
  auto file = std::make_shared<SourceFile>(what, text);
  sink.error(code, message, Span{file, begin, end});
}

}  // namespace exctl::app
