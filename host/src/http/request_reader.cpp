#include "http/request_reader.h"

#include <algorithm>

#include "http/exchange.h"

namespace sr::host {

namespace {
// A buffer that grew past one read's worth gives its memory back once emptied.
constexpr size_t kSpareCapacity = 64 * 1024;
}  // namespace

void RequestReader::Compact() {
  if (offset_ == 0) return;
  input_.erase(0, offset_);
  offset_ = 0;
  if (input_.empty() && input_.capacity() > kSpareCapacity) input_.shrink_to_fit();
}

void RequestReader::Clear() {
  input_.clear();
  offset_ = 0;
}

void RequestReader::BeginBody(std::uint64_t limit) {
  chunked_ = ChunkedDecoder();
  body_limit_ = limit;
}

RequestReader::BodyStatus RequestReader::ReadBody(Exchange& exchange) {
  std::string_view available = unread();
  if (exchange.head.chunked) {
    size_t consumed = 0;
    auto result = chunked_.Feed(available, consumed, exchange.body, body_limit_);
    offset_ += consumed;
    if (result == ChunkedDecoder::Result::kError) return BodyStatus::kError;
    if (result == ChunkedDecoder::Result::kNeedMore) {
      Compact();
      return BodyStatus::kNeedMore;
    }
    return BodyStatus::kComplete;
  }
  std::uint64_t wanted = *exchange.head.content_length - exchange.body.size();
  size_t take = static_cast<size_t>(std::min<std::uint64_t>(wanted, available.size()));
  exchange.body.append(available.substr(0, take));
  offset_ += take;
  if (exchange.body.size() < *exchange.head.content_length) {
    Compact();
    return BodyStatus::kNeedMore;
  }
  return BodyStatus::kComplete;
}

}  // namespace sr::host
