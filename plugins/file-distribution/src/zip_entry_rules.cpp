#include "zip_entry_rules.h"

namespace sr::file_distribution {

namespace {

constexpr std::uint32_t kFileTypeMask = 0170000;
constexpr std::uint32_t kSymbolicLinkType = 0120000;
constexpr std::size_t kMaxQuotedBytes = 200;

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

std::optional<std::string> EntryNameProblem(std::string_view name) {
  if (name.empty()) return "an empty name";
  if (name.find('\0') != std::string_view::npos) return "a NUL byte in its name";
  if (name.find('\\') != std::string_view::npos) return "a backslash in its name";
  if (name.front() == '/') return "an absolute path";
  if (name.size() >= 2 && IsAsciiLetter(name[0]) && name[1] == ':') return "a drive letter";
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t stop = name.find('/', start);
    if (stop == std::string_view::npos) stop = name.size();
    if (name.substr(start, stop - start) == "..") return "a \"..\" path segment";
    start = stop + 1;
  }
  return std::nullopt;
}

bool IsSymbolicLinkEntry(std::uint32_t external_attributes) {
  return ((external_attributes >> 16) & kFileTypeMask) == kSymbolicLinkType;
}

std::string QuotedEntryName(std::string_view name) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string quoted = "\"";
  for (std::size_t i = 0; i < name.size() && i < kMaxQuotedBytes; ++i) {
    auto byte = static_cast<unsigned char>(name[i]);
    if (byte < 0x20 || byte > 0x7e || byte == '"' || byte == '\\') {
      quoted += "\\x";
      quoted += kHex[byte >> 4];
      quoted += kHex[byte & 0xF];
    } else {
      quoted += static_cast<char>(byte);
    }
  }
  quoted += name.size() > kMaxQuotedBytes ? "\"..." : "\"";
  return quoted;
}

}  // namespace sr::file_distribution
