#include "spawner_state.h"

#include <cstddef>

#include <rapidjson/allocators.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "spawner_delta.h"

namespace sr::dashboard {

namespace {

// Reads the top-level members a spawner event carries and skips everything nested (the
// removal's "spawner" object). RapidJSON's strings live only for the callback, so the key
// and the status are copied (both fit std::string's inline buffer in practice).
class EventHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, EventHandler> {
 public:
  bool StartObject() {
    ++depth_;
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    return true;
  }
  bool StartArray() {
    ++depth_;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return true;
  }
  bool Key(const char* text, rapidjson::SizeType length, bool) {
    key_copy_.assign(depth_ == 1 ? std::string_view(text, length) : std::string_view());
    key_ = key_copy_;
    return true;
  }
  bool Uint(unsigned value) { return Uint64(value); }
  bool Int(int value) { return value >= 0 ? Uint64(static_cast<std::uint64_t>(value)) : true; }
  bool Int64(std::int64_t value) {
    return value >= 0 ? Uint64(static_cast<std::uint64_t>(value)) : true;
  }
  bool Uint64(std::uint64_t value) {
    if (key_ == "id") {
      id = value;
    } else if (key_ == "revision") {
      revision = value;
    } else if (key_ == "max_instances") {
      state.max_instances = static_cast<std::uint32_t>(value);
    } else if (key_ == "current_instances") {
      state.current_instances = static_cast<std::uint32_t>(value);
    }
    key_ = {};
    return true;
  }
  bool String(const char* text, rapidjson::SizeType length, bool) {
    std::string_view value(text, length);
    if (key_ == "status") {
      status.assign(value);
    } else if (key_ == "health") {
      state.suspect = value == "suspect";
    } else if (key_ == "last_seen") {
      last_seen = ParseRfc3339Utc(value);
    }
    key_ = {};
    return true;
  }
  bool Default() {
    key_ = {};
    return true;
  }

  std::optional<std::uint64_t> id;
  std::optional<std::uint64_t> revision;
  std::optional<std::int64_t> last_seen;
  std::string status;
  SpawnerState state;

 private:
  int depth_ = 0;
  std::string_view key_;
  std::string key_copy_;
};

bool Read(std::string_view payload, EventHandler& handler) {
  rapidjson::MemoryStream stream(payload.data(), payload.size());
  // Every spawner's change arrives here: the reader's stack (strings are copied there) comes
  // from this buffer instead of two heap allocations an event.
  alignas(std::max_align_t) char stack_buffer[1024];
  rapidjson::MemoryPoolAllocator<> stack_pool(stack_buffer, sizeof stack_buffer);
  rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>>
      reader(&stack_pool, 256);
  return !reader.Parse(stream, handler).IsError();
}

}  // namespace

std::optional<SpawnerState> ParseSpawnerEvent(std::string_view payload,
                                              std::string& status_storage) {
  EventHandler handler;
  if (!Read(payload, handler) || !handler.id || !handler.revision || !handler.last_seen) {
    return std::nullopt;
  }
  SpawnerState state = handler.state;
  state.id = *handler.id;
  state.revision = *handler.revision;
  state.last_seen_ms = *handler.last_seen;
  status_storage = std::move(handler.status);
  state.status = status_storage;
  return state;
}

std::optional<SpawnerRemoval> ParseRemovalEvent(std::string_view payload) {
  EventHandler handler;
  if (!Read(payload, handler) || !handler.id) return std::nullopt;
  return SpawnerRemoval{*handler.id, handler.revision.value_or(0)};
}

}  // namespace sr::dashboard
