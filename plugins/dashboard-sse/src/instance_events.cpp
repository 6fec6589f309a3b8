#include "instance_events.h"

#include <rapidjson/document.h>

#include <utility>

#include "json_writer.h"

namespace sr::dashboard {

std::optional<InstanceEventFacts> ParseInstanceEvent(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  auto id = document.FindMember("id");
  if (id == document.MemberEnd() || !id->value.IsString() || id->value.GetStringLength() == 0) {
    return std::nullopt;
  }
  InstanceEventFacts facts;
  facts.id.assign(id->value.GetString(), id->value.GetStringLength());
  auto source = document.FindMember("source");
  if (source != document.MemberEnd() && source->value.IsString()) {
    facts.source.assign(source->value.GetString(), source->value.GetStringLength());
  }
  return facts;
}

InstanceChangeBuffer::InstanceChangeBuffer(std::size_t max_pending)
    : max_pending_(max_pending == 0 ? 1 : max_pending) {}

std::optional<InstanceEventFacts> InstanceChangeBuffer::Put(std::string_view json, bool started) {
  auto facts = ParseInstanceEvent(json);
  if (!facts) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  if (overflowed_) return facts;
  pending_.insert_or_assign(facts->id, std::make_pair(started, std::string(json)));
  if (pending_.size() > max_pending_) {
    pending_.clear();
    overflowed_ = true;
  }
  return facts;
}

std::optional<InstanceEventFacts> InstanceChangeBuffer::AddStarted(std::string_view json) {
  return Put(json, true);
}

std::optional<InstanceEventFacts> InstanceChangeBuffer::AddStopped(std::string_view json) {
  return Put(json, false);
}

std::optional<std::string> InstanceChangeBuffer::Take() {
  std::map<std::string, std::pair<bool, std::string>, std::less<>> taken;
  bool overflowed = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    taken.swap(pending_);
    overflowed = std::exchange(overflowed_, false);
  }
  if (taken.empty() && !overflowed) return std::nullopt;
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  for (bool started : {true, false}) {
    WriteKey(writer, started ? "started" : "stopped");
    writer.StartArray();
    for (const auto& [id, entry] : taken) {
      if (entry.first == started) WriteRaw(writer, entry.second);
    }
    writer.EndArray();
  }
  WriteBool(writer, "overflowed", overflowed);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void AllocationCounters::CountStarted(const InstanceEventFacts& facts) {
  if (facts.source == "adopted") return;
  allocations_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace sr::dashboard
