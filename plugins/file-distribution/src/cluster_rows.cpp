#include "cluster_rows.h"

#include <cstdio>
#include <cstdlib>

#include "build_record_json.h"
#include "names.h"

namespace sr::file_distribution {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(Writer& writer, const char* key, std::string_view value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

tl::unexpected<Error> Damaged(std::string_view what, const std::string& why) {
  return MakeError(
      ErrorKind::kInternal,
      std::string("damaged ").append(what).append(" row in the kv-store: ").append(why));
}

}  // namespace

std::string ClusterBuildJson(const ClusterBuild& build) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("id");
  writer.Uint64(build.id);
  WriteBuildRecordMembers(writer, build.build);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

Result<ClusterBuild> ParseClusterBuild(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) {
    return Damaged("build", "not a JSON object");
  }
  auto id = document.FindMember("id");
  if (id == document.MemberEnd() || !id->value.IsUint64() || id->value.GetUint64() == 0) {
    return Damaged("build", "no id");
  }
  Result<BuildRecord> record = ReadBuildRecord(document);
  if (!record.has_value()) return Damaged("build", record.error().message);
  return ClusterBuild{id->value.GetUint64(), std::move(record.value())};
}

std::string CurrentPointerJson(const CurrentPointer& current) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  WriteString(writer, "version", current.version);
  writer.Key("previous");
  if (current.previous) {
    writer.String(current.previous->c_str(),
                  static_cast<rapidjson::SizeType>(current.previous->size()));
  } else {
    writer.Null();
  }
  WriteString(writer, "activated_by", current.activated_by);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

Result<CurrentPointer> ParseCurrentPointer(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) {
    return Damaged("current build", "not a JSON object");
  }
  auto version = document.FindMember("version");
  if (version == document.MemberEnd() || !version->value.IsString() ||
      !IsValidVersion(version->value.GetString())) {
    return Damaged("current build", "no valid version");
  }
  CurrentPointer current{version->value.GetString(), std::nullopt, ""};
  auto previous = document.FindMember("previous");
  if (previous != document.MemberEnd() && previous->value.IsString()) {
    current.previous = previous->value.GetString();
  }
  auto by = document.FindMember("activated_by");
  if (by != document.MemberEnd() && by->value.IsString()) {
    current.activated_by = by->value.GetString();
  }
  return current;
}

std::string PendingKey(std::uint64_t build_id) {
  char key[24];
  std::snprintf(key, sizeof(key), "%020llu", static_cast<unsigned long long>(build_id));
  return key;
}

std::string PendingChunksJson(const PendingChunks& pending) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("size");
  writer.Uint64(pending.size);
  writer.Key("since");
  writer.Int64(pending.since);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

Result<PendingChunks> ParsePendingChunks(std::string_view key, std::string_view json) {
  PendingChunks pending;
  const std::string text(key);
  char* end = nullptr;
  pending.id = std::strtoull(text.c_str(), &end, 10);
  if (text.size() != 20 || end != text.c_str() + text.size()) {
    return Damaged("pending chunks", "a key that is not a build id");
  }
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("size") ||
      !document["size"].IsUint64() || !document.HasMember("since") ||
      !document["since"].IsInt64()) {
    return Damaged("pending chunks", "no size or since");
  }
  pending.size = document["size"].GetUint64();
  pending.since = document["since"].GetInt64();
  return pending;
}

std::string ChunkKey(std::uint64_t build_id, std::uint64_t index) {
  char key[32];
  std::snprintf(key, sizeof(key), "%020llu/%010llu", static_cast<unsigned long long>(build_id),
                static_cast<unsigned long long>(index));
  return key;
}

std::uint64_t ChunkCount(std::uint64_t size) { return (size + kChunkBytes - 1) / kChunkBytes; }

}  // namespace sr::file_distribution
