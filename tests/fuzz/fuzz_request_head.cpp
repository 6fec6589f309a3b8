// Whatever a client sends as a request head and chunked body must parse or fail cleanly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/request_head.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sr::host::RequestHead head;
  sr::host::HeadLimits limits;
  limits.max_head_bytes = 4096;
  auto result = sr::host::ParseRequestHead(input, limits, head);
  if (result.status == sr::host::ParseStatus::kComplete) {
    if (result.consumed > input.size()) __builtin_trap();
    // Whatever follows the head is fed to the chunked decoder in two pieces.
    std::string_view rest = input.substr(result.consumed);
    sr::host::ChunkedDecoder decoder;
    std::string body;
    size_t consumed = 0;
    auto first = decoder.Feed(rest.substr(0, rest.size() / 2), consumed, body, 1 << 16);
    if (consumed > rest.size() / 2) __builtin_trap();
    if (first == sr::host::ChunkedDecoder::Result::kNeedMore) {
      decoder.Feed(rest.substr(consumed), consumed, body, 1 << 16);
    }
    if (body.size() > (1 << 16)) __builtin_trap();
  }
  return 0;
}
