#include "password_policy.h"

namespace sr::auth {

std::optional<std::size_t> Utf8Length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (lead < 0x80) {
      extra = 0;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
    } else {
      return std::nullopt;
    }
    if (i + extra >= text.size()) return std::nullopt;
    for (std::size_t k = 1; k <= extra; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
    }
    i += extra + 1;
    ++count;
  }
  return count;
}

std::optional<std::string> PasswordPolicy::Problem(std::string_view password) const {
  if (password.size() > max_bytes) {
    return "the password is longer than " + std::to_string(max_bytes) + " bytes";
  }
  auto length = Utf8Length(password);
  if (!length) return std::string("the password is not valid UTF-8");
  if (*length < min_length) {
    return "the password needs at least " + std::to_string(min_length) + " characters";
  }
  for (char c : password) {
    if (c == '\0') return std::string("the password contains a NUL character");
  }
  return std::nullopt;
}

}  // namespace sr::auth
