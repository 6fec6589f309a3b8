#include "runtime/memory_reports.h"

#include <algorithm>

namespace sr::host {

void MemoryReports::Add(std::string plugin, Reporter reporter) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.push_back(Entry{std::move(plugin), std::move(reporter)});
}

void MemoryReports::Remove(std::string_view plugin) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& entry) { return entry.plugin == plugin; }),
                 entries_.end());
}

void MemoryReports::Read(const Visit& visit) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Entry& entry : entries_) {
    entry.reporter(
        [&](std::string_view item, std::uint64_t bytes) { visit(entry.plugin, item, bytes); });
  }
}

}  // namespace sr::host
