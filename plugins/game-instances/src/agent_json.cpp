#include "agent_json.h"

#include <rapidjson/document.h>

namespace sr::game_instances {

namespace {

std::optional<AgentInstance> FromValue(const rapidjson::Value& value) {
  if (!value.IsObject()) return std::nullopt;
  auto id = value.FindMember("id");
  auto port = value.FindMember("port");
  if (id == value.MemberEnd() || port == value.MemberEnd()) return std::nullopt;
  AgentInstance instance;
  if (id->value.IsString() && id->value.GetStringLength() > 0) {
    instance.id.assign(id->value.GetString(), id->value.GetStringLength());
  } else if (id->value.IsUint64()) {  // agents that number their instances
    instance.id = std::to_string(id->value.GetUint64());
  } else {
    return std::nullopt;
  }
  if (!port->value.IsUint() || port->value.GetUint() == 0 || port->value.GetUint() > 65535) {
    return std::nullopt;
  }
  instance.port = static_cast<std::uint16_t>(port->value.GetUint());
  auto start = value.FindMember("start_time");
  if (start != value.MemberEnd() && start->value.IsString()) {
    instance.start_time.assign(start->value.GetString(), start->value.GetStringLength());
  }
  return instance;
}

}  // namespace

std::optional<AgentInstance> ParseAgentSpawn(std::string_view body) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError()) return std::nullopt;
  return FromValue(document);
}

std::optional<std::vector<AgentInstance>> ParseAgentInstances(std::string_view body) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  auto list = document.FindMember("instances");
  if (list == document.MemberEnd() || !list->value.IsArray()) return std::nullopt;
  std::vector<AgentInstance> out;
  out.reserve(list->value.Size());
  for (const auto& entry : list->value.GetArray()) {
    if (auto instance = FromValue(entry)) out.push_back(std::move(*instance));
  }
  return out;
}

std::string AgentErrorMessage(std::string_view body) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (!document.HasParseError() && document.IsObject()) {
    auto error = document.FindMember("error");
    if (error != document.MemberEnd() && error->value.IsString()) {
      return std::string(error->value.GetString(), error->value.GetStringLength());
    }
  }
  constexpr std::size_t kExcerpt = 200;
  return body.empty() ? "an empty answer" : std::string(body.substr(0, kExcerpt));
}

}  // namespace sr::game_instances
