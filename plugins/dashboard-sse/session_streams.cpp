#include "session_streams.h"

namespace sr::dashboard {

void SessionStreams::Add(const std::string& session, sr::Stream stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ended_.count(session) > 0) {
    stream.Close();
    return;
  }
  by_session_[session].push_back(std::move(stream));
  ++count_;
}

std::size_t SessionStreams::EndSession(std::string_view session) {
  std::vector<sr::Stream> streams;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    RememberEnded(std::string(session));
    auto it = by_session_.find(std::string(session));
    if (it == by_session_.end()) return 0;
    streams = std::move(it->second);
    by_session_.erase(it);
    count_ -= streams.size();
  }
  std::size_t closed = 0;
  for (sr::Stream& stream : streams) {
    if (stream.Close()) ++closed;
  }
  return closed;  // the handles are released here
}

std::size_t SessionStreams::Prune() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t forgotten = 0;
  for (auto it = by_session_.begin(); it != by_session_.end();) {
    std::vector<sr::Stream>& streams = it->second;
    std::vector<sr::Stream> live;
    for (sr::Stream& stream : streams) {
      if (stream.Send("", "")) live.push_back(std::move(stream));
    }
    forgotten += streams.size() - live.size();
    if (live.empty()) {
      it = by_session_.erase(it);
    } else {
      streams = std::move(live);
      ++it;
    }
  }
  count_ -= forgotten;
  return forgotten;
}

std::size_t SessionStreams::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return count_;
}

void SessionStreams::RememberEnded(const std::string& session) {
  if (!ended_.insert(session).second) return;
  ended_order_.push_back(session);
  if (ended_order_.size() > kRememberedEnds) {
    ended_.erase(ended_order_.front());
    ended_order_.pop_front();
  }
}

}  // namespace sr::dashboard
