#include "json_text.h"

#include <charconv>

namespace sr::spawner_registry {

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

std::size_t UnsignedSize(std::uint64_t value) {
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
