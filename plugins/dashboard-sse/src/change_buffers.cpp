#include "change_buffers.h"

#include <rapidjson/document.h>

#include <utility>

#include "json_writer.h"

namespace sr::dashboard {

std::optional<std::uint64_t> ParseObjectId(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  auto id = document.FindMember("id");
  if (id == document.MemberEnd() || !id->value.IsUint64()) return std::nullopt;
  return id->value.GetUint64();
}

SpawnerChangeBuffer::SpawnerChangeBuffer(std::size_t max_pending) : max_pending_(max_pending) {}

void SpawnerChangeBuffer::Put(std::uint64_t id, std::optional<std::string> object) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (overflowed_) return;
  pending_[id] = std::move(object);
  if (pending_.size() > max_pending_) {
    pending_.clear();
    overflowed_ = true;
  }
}

bool SpawnerChangeBuffer::AddRegistered(std::string_view spawner_json) {
  auto id = ParseObjectId(spawner_json);
  if (!id) return false;
  Put(*id, std::string(spawner_json));
  return true;
}

bool SpawnerChangeBuffer::AddRemoved(std::string_view removal_json) {
  auto id = ParseObjectId(removal_json);
  if (!id) return false;
  Put(*id, std::nullopt);
  return true;
}

std::optional<std::string> SpawnerChangeBuffer::Take(std::uint64_t epoch) {
  std::map<std::uint64_t, std::optional<std::string>> taken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    taken.swap(pending_);
    overflowed_ = false;
  }
  if (taken.empty()) return std::nullopt;
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteUint(writer, "epoch", epoch);
  WriteKey(writer, "upserts");
  writer.StartArray();
  for (const auto& [id, object] : taken) {
    if (object) WriteRaw(writer, *object);
  }
  writer.EndArray();
  WriteKey(writer, "removed");
  writer.StartArray();
  for (const auto& [id, object] : taken) {
    if (!object) writer.Uint64(id);
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

ErrorEventBuffer::ErrorEventBuffer(std::size_t max_pending, std::string list_key)
    : max_pending_(max_pending == 0 ? 1 : max_pending), list_key_(std::move(list_key)) {}

bool ErrorEventBuffer::Add(std::string_view error_json) {
  // Any plugin may publish on the topic: only a JSON object is spliced into the event.
  rapidjson::Document document;
  document.Parse(error_json.data(), error_json.size());
  if (document.HasParseError() || !document.IsObject()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.emplace_back(error_json);
  if (pending_.size() > max_pending_) {
    pending_.pop_front();
    ++dropped_;
  }
  return true;
}

std::optional<std::string> ErrorEventBuffer::Take() {
  std::deque<std::string> taken;
  std::uint64_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    taken.swap(pending_);
    dropped = std::exchange(dropped_, 0);
  }
  if (taken.empty()) return std::nullopt;
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteKey(writer, list_key_);
  writer.StartArray();
  for (const std::string& error : taken) WriteRaw(writer, error);
  writer.EndArray();
  WriteUint(writer, "dropped", dropped);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace sr::dashboard
