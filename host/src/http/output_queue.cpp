#include "http/output_queue.h"

#include "http/socket_channel.h"

#include <algorithm>

namespace sr::host {

namespace {
constexpr int kMaxIovecs = 64;
constexpr size_t kSendfileChunk = 4 << 20;
}  // namespace

void OutputQueue::Append(std::string bytes) {
  if (bytes.empty()) return;
  auto owned = std::make_shared<const std::string>(std::move(bytes));
  const char* data = owned->data();
  size_t size = owned->size();
  AppendShared(std::move(owned), data, size);
}

void OutputQueue::AppendShared(std::shared_ptr<const void> owner, const char* data, size_t size) {
  if (size == 0) return;
  Segment segment;
  segment.owner = std::move(owner);
  segment.data = data;
  segment.size = size;
  memory_bytes_ += size;
  segments_.push_back(std::move(segment));
}

void OutputQueue::AppendFile(UniqueFd file, std::uint64_t offset, std::uint64_t length) {
  if (length == 0) return;
  Segment segment;
  segment.file = std::move(file);
  segment.file_offset = offset;
  segment.file_remaining = length;
  segments_.push_back(std::move(segment));
}

OutputQueue::WriteResult OutputQueue::WriteTo(SocketChannel& channel, std::uint64_t& written) {
  while (!segments_.empty()) {
    Segment& front = segments_.front();
    SocketChannel::Result result;
    if (front.is_file()) {
      size_t chunk =
          static_cast<size_t>(std::min<std::uint64_t>(front.file_remaining, kSendfileChunk));
      result = channel.SendFile(front.file.get(), front.file_offset, chunk);
    } else {
      // Gather consecutive memory segments into one write.
      iovec vectors[kMaxIovecs];
      int count = 0;
      for (auto it = segments_.begin(); it != segments_.end() && count < kMaxIovecs; ++it) {
        if (it->is_file()) break;
        vectors[count].iov_base = const_cast<char*>(it->data + it->offset);
        vectors[count].iov_len = it->size - it->offset;
        ++count;
      }
      result = channel.Write(vectors, count);
    }
    switch (result.status) {
      case SocketChannel::Status::kOk:
        break;
      case SocketChannel::Status::kWantRead:
      case SocketChannel::Status::kWantWrite:
        return WriteResult::kBlocked;
      case SocketChannel::Status::kClosed:
      case SocketChannel::Status::kError:
        return WriteResult::kError;
    }
    written += result.bytes;
    Consume(result.bytes);
  }
  return WriteResult::kDone;
}

void OutputQueue::Consume(size_t bytes) {
  while (bytes > 0 && !segments_.empty()) {
    Segment& segment = segments_.front();
    if (segment.is_file()) {
      size_t used = static_cast<size_t>(std::min<std::uint64_t>(bytes, segment.file_remaining));
      segment.file_offset += used;
      segment.file_remaining -= used;
      bytes -= used;
      if (segment.file_remaining == 0) segments_.pop_front();
      continue;
    }
    size_t left = segment.size - segment.offset;
    size_t used = std::min(bytes, left);
    segment.offset += used;
    memory_bytes_ -= used;
    bytes -= used;
    if (segment.offset == segment.size) segments_.pop_front();
  }
}

}  // namespace sr::host
