// The Range request header (RFC 9110 §14), restricted to what a download needs: one range
// of bytes. Anything else (absent, malformed, another unit, several ranges) means "send the
// whole file", which every client accepts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sr::file_distribution {

struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct RangeRequest {
  enum class Kind { kWhole, kSatisfiable, kUnsatisfiable };
  Kind kind = Kind::kWhole;
  ByteRange range;  // for kSatisfiable: non-empty and inside the file
};

// `header` is the Range header's value; `size` the file's size in bytes.
RangeRequest ParseRange(std::string_view header, std::uint64_t size);

// "bytes 0-99/1000" for a 206.
std::string ContentRange(const ByteRange& range, std::uint64_t size);
// "bytes */1000" for a 416.
std::string UnsatisfiedContentRange(std::uint64_t size);

}  // namespace sr::file_distribution
