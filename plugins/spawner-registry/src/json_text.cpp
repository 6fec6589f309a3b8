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

}  // namespace sr::spawner_registry
