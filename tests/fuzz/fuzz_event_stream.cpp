// Event framing and Last-Event-ID: no payload can break the framing or inject fields.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "streams/sse_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sr::host::ParseLastEventId(input);
  size_t split = input.size() / 3;
  auto frame = sr::host::MakeEventFrame(7, input.substr(0, split), input.substr(split));
  std::string_view text = frame->raw();
  // Exactly one event: the only blank line is the terminator.
  size_t blank = text.find("\n\n");
  if (blank == std::string_view::npos || blank + 2 != text.size()) __builtin_trap();
  if (text.find('\r') != std::string_view::npos) __builtin_trap();
  auto comment = sr::host::MakeCommentFrame(input);
  if (comment->raw().find("\n\n") + 2 != comment->raw().size()) __builtin_trap();
  return 0;
}
