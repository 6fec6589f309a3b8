// What a password must look like before it is hashed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sr::auth {

struct PasswordPolicy {
  std::size_t min_length = 12;   // in characters (UTF-8 code points)
  std::size_t max_bytes = 1024;  // bounds the work argon2 does for one request

  // Why `password` is refused, or nullopt when it is acceptable.
  std::optional<std::string> Problem(std::string_view password) const;
};

// Number of UTF-8 code points; nullopt if `text` is not valid UTF-8.
std::optional<std::size_t> Utf8Length(std::string_view text);

}  // namespace sr::auth
