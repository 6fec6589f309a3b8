// What a download or upload request can carry: Range, If-None-Match, If-Range, the upload
// creation body and the chunk offset.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "byte_range.h"
#include "entity_tag.h"
#include "upload_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sr::file_distribution;
  std::uint64_t file_size = 0;
  if (size >= 8) {
    std::memcpy(&file_size, data, 8);
    file_size %= (1ull << 40);
    data += 8;
    size -= 8;
  }
  std::string_view input(reinterpret_cast<const char*>(data), size);
  RangeRequest range = ParseRange(input, file_size);
  if (range.kind == RangeRequest::Kind::kSatisfiable) {
    // A served range is never empty and never leaves the file.
    if (range.range.length == 0 || range.range.offset >= file_size ||
        range.range.length > file_size - range.range.offset) {
      __builtin_trap();
    }
    (void)ContentRange(range.range, file_size);
  }
  std::string etag = StrongEtag("0123456789abcdef");
  (void)IfNoneMatchMatches(input, etag);
  (void)IfRangeMatches(input, etag);
  auto upload = ParseNewUpload(input);
  (void)upload.has_value();
  auto offset = ParseOffset(input);
  (void)offset.has_value();
  return 0;
}
