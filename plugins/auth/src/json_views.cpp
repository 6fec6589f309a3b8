#include "json_views.h"

#include <sr/rfc3339.hpp>

namespace sr::auth {

void WriteUser(JsonWriter& writer, const User& user) {
  writer.StartObject();
  writer.Key("id");
  writer.Uint64(user.id);
  WriteMember(writer, "email", user.email);
  WriteMember(writer, "role", RoleName(user.role));
  writer.Key("disabled");
  writer.Bool(user.disabled);
  WriteMember(writer, "created", sr::Rfc3339Millis(user.created_ms));
  WriteMember(writer, "updated", sr::Rfc3339Millis(user.updated_ms));
  writer.EndObject();
}

std::string UserJson(const User& user) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  WriteUser(writer, user);
  return buffer.GetString();
}

std::string UserListJson(const std::vector<User>& users) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("users");
  writer.StartArray();
  for (const User& user : users) WriteUser(writer, user);
  writer.EndArray();
  writer.EndObject();
  return buffer.GetString();
}

std::string AuditPageJson(const AuditPage& page) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("entries");
  writer.StartArray();
  for (const AuditEntry& entry : page.entries) {
    writer.StartObject();
    writer.Key("sequence");
    writer.Uint64(entry.sequence);
    WriteMember(writer, "time", sr::Rfc3339Millis(entry.time_ms));
    WriteMember(writer, "actor", entry.actor);
    WriteMember(writer, "action", entry.action);
    WriteMember(writer, "target", entry.target);
    WriteMember(writer, "ip", entry.ip);
    WriteMember(writer, "detail", entry.detail);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("next_before");
  if (page.next_before) {
    writer.Uint64(*page.next_before);
  } else {
    writer.Null();
  }
  writer.EndObject();
  return buffer.GetString();
}

}  // namespace sr::auth
