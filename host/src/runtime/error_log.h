#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace sr::host {

// The most recent error responses, bounded in count.
class ErrorLog {
 public:
  struct Entry {
    std::uint64_t sequence = 0;
    std::int64_t timestamp_ms = 0;
    int status = 0;
    std::string method;
    std::string path;
    std::string message;
    std::string client_ip;
  };

  explicit ErrorLog(size_t capacity) : capacity_(capacity) {}

  // Assigns the sequence number and returns the stored entry.
  Entry Record(Entry entry);
  // Entries with sequence > after, oldest or newest first, at most `limit`; `visit` returns
  // false to stop.
  void Read(std::uint64_t after, size_t limit, bool newest_first,
            const std::function<bool(const Entry&)>& visit) const;
  std::uint64_t last_sequence() const;

 private:
  size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<Entry> entries_;
  std::uint64_t next_sequence_ = 1;
};

}  // namespace sr::host
