#include "instance.h"

#include <rapidjson/document.h>

#include <charconv>
#include <sr/rfc3339.hpp>
#include <sr/text.hpp>

namespace sr::game_instances {

namespace {

void Member(std::string& out, std::string_view name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  sr::AppendJsonString(out, value);
}

std::string Address(const Instance& instance) {
  // An IPv6 address needs brackets before its port.
  bool ipv6 = instance.host.find(':') != std::string::npos;
  std::string host = ipv6 ? "[" + instance.host + "]" : instance.host;
  return host + ":" + std::to_string(instance.port);
}

std::string_view StringOf(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

}  // namespace

void AppendInstanceJson(std::string& out, const Instance& instance, std::string_view reason) {
  out += "{\"id\":";
  sr::AppendJsonString(out, instance.id());
  out += ",\"spawner_id\":" + std::to_string(instance.spawner_id);
  Member(out, "agent_instance_id", instance.agent_instance_id);
  Member(out, "region", instance.region);
  Member(out, "host", instance.host);
  out += ",\"port\":" + std::to_string(instance.port);
  Member(out, "address", Address(instance));
  Member(out, "status", instance.status);
  Member(out, "started_at", instance.started_at);
  Member(out, "source", instance.source);
  out += ",\"recorded_ms\":" + std::to_string(instance.recorded_ms);
  if (instance.ended_ms != 0) Member(out, "ended_at", sr::Rfc3339Millis(instance.ended_ms));
  if (instance.ended_ms != 0) out += ",\"ended_ms\":" + std::to_string(instance.ended_ms);
  if (!reason.empty()) Member(out, "reason", reason);
  out += '}';
}

std::string InstanceJson(const Instance& instance, std::string_view reason) {
  std::string out;
  out.reserve(320);
  AppendInstanceJson(out, instance, reason);
  return out;
}

std::optional<std::uint64_t> ParseInstanceId(std::string_view id) {
  if (id.size() < 3 || id.substr(0, 2) != "i-") return std::nullopt;
  std::uint64_t number = 0;
  const char* end = id.data() + id.size();
  auto parsed = std::from_chars(id.data() + 2, end, number);
  if (parsed.ec != std::errc() || parsed.ptr != end || number == 0) return std::nullopt;
  return number;
}

std::optional<Instance> InstanceFromJson(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  Instance instance;
  auto number = ParseInstanceId(StringOf(document, "id"));
  auto spawner = document.FindMember("spawner_id");
  auto port = document.FindMember("port");
  if (!number || spawner == document.MemberEnd() || !spawner->value.IsUint64() ||
      port == document.MemberEnd() || !port->value.IsUint() || port->value.GetUint() > 65535) {
    return std::nullopt;
  }
  instance.number = *number;
  instance.spawner_id = spawner->value.GetUint64();
  instance.port = static_cast<std::uint16_t>(port->value.GetUint());
  instance.agent_instance_id = std::string(StringOf(document, "agent_instance_id"));
  instance.region = std::string(StringOf(document, "region"));
  instance.host = std::string(StringOf(document, "host"));
  instance.status = std::string(StringOf(document, "status"));
  instance.started_at = std::string(StringOf(document, "started_at"));
  instance.source = std::string(StringOf(document, "source"));
  auto recorded = document.FindMember("recorded_ms");
  if (recorded != document.MemberEnd() && recorded->value.IsInt64()) {
    instance.recorded_ms = recorded->value.GetInt64();
  }
  auto ended = document.FindMember("ended_ms");
  if (ended != document.MemberEnd() && ended->value.IsInt64()) {
    instance.ended_ms = ended->value.GetInt64();
  }
  if (instance.status.empty()) return std::nullopt;
  return instance;
}

}  // namespace sr::game_instances
