#include "runtime/error_log.h"

namespace sr::host {

ErrorLog::Entry ErrorLog::Record(Entry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  entry.sequence = next_sequence_++;
  entries_.push_back(entry);
  while (entries_.size() > capacity_) entries_.pop_front();
  return entry;
}

void ErrorLog::Read(std::uint64_t after, size_t limit, bool newest_first,
                    const std::function<bool(const Entry&)>& visit) const {
  std::deque<Entry> selected;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (newest_first) {
      for (auto it = entries_.rbegin(); it != entries_.rend() && selected.size() < limit; ++it) {
        if (it->sequence <= after) break;
        selected.push_back(*it);
      }
    } else {
      for (const auto& entry : entries_) {
        if (selected.size() >= limit) break;
        if (entry.sequence > after) selected.push_back(entry);
      }
    }
  }
  // Visit outside the lock: the visitor may be slow plugin code.
  for (const auto& entry : selected) {
    if (!visit(entry)) return;
  }
}

std::uint64_t ErrorLog::last_sequence() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return next_sequence_ - 1;
}

}  // namespace sr::host
