#pragma once

#include <sr/error_entry.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace sr::host {

// The most recent error responses, bounded in count.
class ErrorLog {
 public:
  using Entry = sr::ErrorEntry;

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
