#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "util/unique_fd.h"

namespace sr::host {
class SocketChannel;
}

namespace sr::host {

// Bytes waiting to be written to one socket: memory segments (owned or shared with other
// connections) and file ranges that go out with sendfile(2) without touching user memory.
class OutputQueue {
 public:
  void Append(std::string bytes);
  // `owner` keeps `data` alive; shared by every connection that sends the same bytes.
  void AppendShared(std::shared_ptr<const void> owner, const char* data, size_t size);
  void AppendFile(UniqueFd file, std::uint64_t offset, std::uint64_t length);

  bool empty() const { return segments_.empty(); }
  // Bytes held in memory (files excluded): the measure of a slow reader's backlog.
  size_t memory_bytes() const { return memory_bytes_; }

  enum class WriteResult { kDone, kBlocked, kError };
  // Writes as much as the channel takes. `written` accumulates bytes sent.
  WriteResult WriteTo(SocketChannel& channel, std::uint64_t& written);

 private:
  // Drops `bytes` from the front of the queue after a write.
  void Consume(size_t bytes);

  struct Segment {
    std::shared_ptr<const void> owner;
    const char* data = nullptr;
    size_t size = 0;
    size_t offset = 0;
    UniqueFd file;
    std::uint64_t file_offset = 0;
    std::uint64_t file_remaining = 0;
    bool is_file() const { return file.valid(); }
  };

  std::deque<Segment> segments_;
  size_t memory_bytes_ = 0;
};

}  // namespace sr::host
