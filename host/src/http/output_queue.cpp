#include "http/output_queue.h"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <cerrno>

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

void OutputQueue::AppendShared(std::shared_ptr<const void> owner, const char* data,
                               size_t size) {
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

OutputQueue::WriteResult OutputQueue::WriteTo(int socket_fd, std::uint64_t& written) {
  while (!segments_.empty()) {
    Segment& front = segments_.front();
    if (front.is_file()) {
      auto offset = static_cast<off_t>(front.file_offset);
      size_t chunk = static_cast<size_t>(std::min<std::uint64_t>(front.file_remaining,
                                                                  kSendfileChunk));
      ssize_t sent = ::sendfile(socket_fd, front.file.get(), &offset, chunk);
      if (sent < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return WriteResult::kBlocked;
        if (errno == EINTR) continue;
        return WriteResult::kError;
      }
      if (sent == 0) return WriteResult::kError;  // the file shrank under us
      written += static_cast<std::uint64_t>(sent);
      front.file_offset += static_cast<std::uint64_t>(sent);
      front.file_remaining -= static_cast<std::uint64_t>(sent);
      if (front.file_remaining == 0) segments_.pop_front();
      continue;
    }
    // Gather consecutive memory segments into one writev.
    iovec vectors[kMaxIovecs];
    int count = 0;
    for (auto it = segments_.begin(); it != segments_.end() && count < kMaxIovecs; ++it) {
      if (it->is_file()) break;
      vectors[count].iov_base = const_cast<char*>(it->data + it->offset);
      vectors[count].iov_len = it->size - it->offset;
      ++count;
    }
    msghdr message{};
    message.msg_iov = vectors;
    message.msg_iovlen = static_cast<size_t>(count);
    ssize_t sent = ::sendmsg(socket_fd, &message, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return WriteResult::kBlocked;
      if (errno == EINTR) continue;
      return WriteResult::kError;
    }
    written += static_cast<std::uint64_t>(sent);
    auto remaining = static_cast<size_t>(sent);
    while (remaining > 0 && !segments_.empty()) {
      Segment& segment = segments_.front();
      size_t left = segment.size - segment.offset;
      if (remaining >= left) {
        remaining -= left;
        memory_bytes_ -= left;
        segments_.pop_front();
      } else {
        segment.offset += remaining;
        memory_bytes_ -= remaining;
        remaining = 0;
      }
    }
  }
  return WriteResult::kDone;
}

}  // namespace sr::host
