#include "byte_range.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace sr::file_distribution {

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

// Decimal digits only; saturates at the maximum, which is beyond every file anyway.
std::optional<std::uint64_t> ParseDigits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    auto digit = static_cast<std::uint64_t>(c - '0');
    value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
  }
  return value;
}

RangeRequest Whole() { return RangeRequest{}; }
RangeRequest Unsatisfiable() { return RangeRequest{RangeRequest::Kind::kUnsatisfiable, {}}; }
RangeRequest Satisfiable(std::uint64_t offset, std::uint64_t length) {
  return RangeRequest{RangeRequest::Kind::kSatisfiable, ByteRange{offset, length}};
}

RangeRequest ParseSpec(std::string_view spec, std::uint64_t size) {
  std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return Whole();
  std::string_view first_text = spec.substr(0, dash);
  std::string_view last_text = spec.substr(dash + 1);
  if (first_text.empty()) {  // "-n": the last n bytes
    auto suffix = ParseDigits(last_text);
    if (!suffix) return Whole();
    if (*suffix == 0 || size == 0) return Unsatisfiable();
    std::uint64_t length = std::min(*suffix, size);
    return Satisfiable(size - length, length);
  }
  auto first = ParseDigits(first_text);
  if (!first) return Whole();
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    auto parsed_last = ParseDigits(last_text);
    if (!parsed_last || *parsed_last < *first) return Whole();
    last = std::min(last, *parsed_last);
  }
  if (*first >= size) return Unsatisfiable();
  return Satisfiable(*first, last - *first + 1);
}

}  // namespace

RangeRequest ParseRange(std::string_view header, std::uint64_t size) {
  header = Trim(header);
  std::size_t equals = header.find('=');
  if (equals == std::string_view::npos ||
      !EqualsIgnoreCase(Trim(header.substr(0, equals)), "bytes")) {
    return Whole();
  }
  std::string_view set = header.substr(equals + 1);
  std::string_view spec;
  int specs = 0;
  while (!set.empty()) {
    std::size_t comma = set.find(',');
    std::string_view item = Trim(set.substr(0, comma));
    set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
    if (item.empty()) continue;  // the list syntax allows empty elements
    spec = item;
    ++specs;
  }
  // Several ranges would need multipart/byteranges; the whole file is an allowed answer.
  if (specs != 1) return Whole();
  return ParseSpec(spec, size);
}

std::string ContentRange(const ByteRange& range, std::uint64_t size) {
  return "bytes " + std::to_string(range.offset) + "-" +
         std::to_string(range.offset + range.length - 1) + "/" + std::to_string(size);
}

std::string UnsatisfiedContentRange(std::uint64_t size) {
  return "bytes */" + std::to_string(size);
}

}  // namespace sr::file_distribution
