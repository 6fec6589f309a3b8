#include "directory_reader.h"

#include <rapidjson/document.h>

namespace sr::game_instances {

namespace {

std::string_view View(sr_str text) {
  return text.data == nullptr ? std::string_view() : std::string_view(text.data, text.size);
}

std::string StringOf(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<std::uint64_t> UintOf(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsUint64()) return std::nullopt;
  return it->value.GetUint64();
}

}  // namespace

std::vector<SpawnerView> VisitDirectory(const sr_spawner_directory_v2& directory) {
  std::vector<SpawnerView> out;
  auto visit = [](void* ctx, const sr_spawner_record* record) -> int32_t {
    try {
      SpawnerView view;
      view.id = record->id;
      view.region = std::string(View(record->region));
      view.host = std::string(View(record->host));
      view.port = static_cast<std::uint16_t>(record->port);
      view.max_instances = record->max_instances;
      view.current_instances = record->current_instances;
      view.status = std::string(View(record->status));
      view.suspect = record->suspect != 0;
      view.revision = record->revision;
      static_cast<std::vector<SpawnerView>*>(ctx)->push_back(std::move(view));
      return 1;
    } catch (...) {  // out of memory: nothing may unwind through the provider
      return 0;
    }
  };
  directory.visit(directory.self, visit, &out);
  return out;
}

std::optional<SpawnerView> SpawnerFromEvent(std::string_view payload) {
  rapidjson::Document document;
  document.Parse(payload.data(), payload.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  auto id = UintOf(document, "id");
  auto port = UintOf(document, "port");
  auto max = UintOf(document, "max_instances");
  auto current = UintOf(document, "current_instances");
  auto revision = UintOf(document, "revision");
  if (!id || !port || *port > 65535 || !max || !current || !revision) return std::nullopt;
  SpawnerView view;
  view.id = *id;
  view.port = static_cast<std::uint16_t>(*port);
  view.max_instances = static_cast<std::uint32_t>(*max);
  view.current_instances = static_cast<std::uint32_t>(*current);
  view.revision = *revision;
  view.region = StringOf(document, "region");
  view.host = StringOf(document, "host");
  view.status = StringOf(document, "status");
  view.suspect = StringOf(document, "health") == "suspect";
  return view;
}

std::optional<std::uint64_t> RemovedSpawnerId(std::string_view payload) {
  rapidjson::Document document;
  document.Parse(payload.data(), payload.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  return UintOf(document, "id");
}

std::optional<SpawnedEvent> SpawnedFromEvent(std::string_view payload) {
  rapidjson::Document document;
  document.Parse(payload.data(), payload.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  auto id = UintOf(document, "spawner_id");
  auto status = UintOf(document, "status");
  if (!id || !status) return std::nullopt;
  return SpawnedEvent{*id, static_cast<int>(*status), StringOf(document, "body")};
}

}  // namespace sr::game_instances
