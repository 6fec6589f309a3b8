#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "streams/stream_group.h"

namespace sr::host {

// Every stream group, by name. Groups live until their plugin is destroyed.
class StreamHub {
 public:
  StreamHub();
  // Null when the name is taken.
  sr_stream_group* Create(const std::string& owner, const std::string& name,
                          const StreamGroupOptions& options);
  void RemoveOwner(const std::string& owner);

 private:
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<sr_stream_group>> groups_;
  std::uint64_t first_event_id_;
};

}  // namespace sr::host
