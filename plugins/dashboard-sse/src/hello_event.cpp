#include "hello_event.h"

#include "json_writer.h"

namespace sr::dashboard {

std::string HelloJson(const HelloFacts& facts) {
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteUint(writer, "epoch", facts.epoch);
  WriteKey(writer, "spawners");
  writer.StartObject();
  WriteUint(writer, "version", facts.spawners_version);
  WriteBool(writer, "available", facts.registry_available);
  writer.EndObject();
  WriteInt(writer, "stats_interval_ms", facts.stats_interval_ms);
  WriteInt(writer, "spawners_interval_ms", facts.spawners_interval_ms);
  WriteInt(writer, "server_time", facts.server_time_ms);
  WriteString(writer, "user", facts.user);
  WriteString(writer, "role", facts.role);
  WriteKey(writer, "stats");
  if (facts.latest_stats) {
    WriteRaw(writer, *facts.latest_stats);
  } else {
    writer.Null();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace sr::dashboard
