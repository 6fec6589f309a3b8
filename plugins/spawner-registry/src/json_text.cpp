#include "json_text.h"

#include <charconv>

namespace sr::spawner_registry {

namespace {

// Characters written as \u00XX: controls, and what HTML gives meaning to.
bool NeedsUnicodeEscape(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == '<' || c == '>' || c == '&';
}

}  // namespace

std::size_t JsonStringSize(std::string_view text) {
  std::size_t size = 2;
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t') {
      size += 2;
    } else if (NeedsUnicodeEscape(c)) {
      size += 6;
    } else {
      size += 1;
    }
  }
  return size;
}

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (NeedsUnicodeEscape(c)) {
          out += "\\u00";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void AppendUnsigned(std::string& out, std::uint64_t value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

std::size_t SignedSize(std::int64_t value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return static_cast<std::size_t>(result.ptr - buffer);
}

void AppendSigned(std::string& out, std::int64_t value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

namespace {

// Howard Hinnant's civil_from_days: proleptic Gregorian date of a day count from 1970-01-01.
void CivilFromDays(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;
  day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
}

void AppendDigits(std::string& out, std::uint64_t value, int width) {
  char buffer[8];
  for (int i = width - 1; i >= 0; --i) {
    buffer[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buffer, static_cast<size_t>(width));
}

}  // namespace

void AppendRfc3339Millis(std::string& out, std::int64_t unix_ms) {
  constexpr std::int64_t kMsPerDay = 86400000;
  std::int64_t days = unix_ms / kMsPerDay;
  std::int64_t ms_of_day = unix_ms % kMsPerDay;
  if (ms_of_day < 0) {
    ms_of_day += kMsPerDay;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  CivilFromDays(days, year, month, day);
  if (year < 0) year = 0;  // RFC 3339 has four-digit years only
  if (year > 9999) year = 9999;
  auto ms = static_cast<std::uint64_t>(ms_of_day);
  AppendDigits(out, static_cast<std::uint64_t>(year), 4);
  out += '-';
  AppendDigits(out, month, 2);
  out += '-';
  AppendDigits(out, day, 2);
  out += 'T';
  AppendDigits(out, ms / 3600000, 2);
  out += ':';
  AppendDigits(out, ms / 60000 % 60, 2);
  out += ':';
  AppendDigits(out, ms / 1000 % 60, 2);
  out += '.';
  AppendDigits(out, ms % 1000, 3);
  out += 'Z';
}

}  // namespace sr::spawner_registry
