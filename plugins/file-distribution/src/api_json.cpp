#include "api_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "upload_store.h"

namespace sr::file_distribution {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void Field(Writer& writer, const char* key, std::string_view text) {
  writer.Key(key);
  String(writer, text);
}

void Field(Writer& writer, const char* key, std::uint64_t number) {
  writer.Key(key);
  writer.Uint64(number);
}

void OptionalField(Writer& writer, const char* key, const std::optional<std::string>& text) {
  writer.Key(key);
  if (text) {
    String(writer, *text);
  } else {
    writer.Null();
  }
}

void BuildFields(Writer& writer, const BuildRecord& build) {
  Field(writer, "version", build.version);
  Field(writer, "size", build.size);
  Field(writer, "sha256", build.sha256);
  Field(writer, "uploaded_by", build.uploaded_by);
  Field(writer, "uploaded_at", build.uploaded_at);
}

std::string Text(const rapidjson::StringBuffer& buffer) {
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

std::string BuildJson(const BuildRecord& build, bool current) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  BuildFields(writer, build);
  writer.Key("current");
  writer.Bool(current);
  writer.EndObject();
  return Text(buffer);
}

std::string CommitJson(const BuildRecord& build, bool current, std::string_view message,
                       std::string_view activate_path) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  BuildFields(writer, build);
  writer.Key("current");
  writer.Bool(current);
  Field(writer, "message", message);
  if (!current) Field(writer, "activate", activate_path);
  writer.EndObject();
  return Text(buffer);
}

std::string BuildListJson(const std::vector<BuildRecord>& builds,
                          const std::optional<std::string>& current) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  OptionalField(writer, "current", current);
  writer.Key("builds");
  writer.StartArray();
  for (const BuildRecord& build : builds) {
    writer.StartObject();
    BuildFields(writer, build);
    writer.Key("current");
    writer.Bool(current && *current == build.version);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return Text(buffer);
}

std::string ManifestJson(const BuildRecord& build) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Field(writer, "version", build.version);
  Field(writer, "size", build.size);
  Field(writer, "sha256", build.sha256);
  Field(writer, "uploaded_at", build.uploaded_at);
  writer.EndObject();
  return Text(buffer);
}

std::string UploadJson(const UploadProgress& upload, std::uint64_t chunk_size) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Field(writer, "upload_id", upload.upload_id);
  Field(writer, "version", upload.version);
  Field(writer, "size", upload.size);
  Field(writer, "sha256", upload.sha256);
  Field(writer, "received", upload.received);
  Field(writer, "chunk_size", chunk_size);
  writer.EndObject();
  return Text(buffer);
}

std::string ReceivedJson(std::uint64_t received) {
  return "{\"received\":" + std::to_string(received) + "}";
}

std::string OffsetConflictJson(std::string_view message, std::uint64_t received) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Field(writer, "error", message);
  Field(writer, "received", received);
  writer.EndObject();
  return Text(buffer);
}

std::string UploadedEventJson(const BuildRecord& build) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  BuildFields(writer, build);
  writer.EndObject();
  return Text(buffer);
}

std::string ActivatedEventJson(const BuildRecord& build, const std::optional<std::string>& previous,
                               std::string_view activated_by) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Field(writer, "version", build.version);
  Field(writer, "sha256", build.sha256);
  Field(writer, "size", build.size);
  OptionalField(writer, "previous", previous);
  Field(writer, "activated_by", activated_by);
  writer.EndObject();
  return Text(buffer);
}

std::string AuditJson(std::string_view actor, std::string_view action, std::string_view target,
                      std::string_view ip, std::string_view detail) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Field(writer, "actor", actor);
  Field(writer, "action", action);
  Field(writer, "target", target);
  Field(writer, "ip", ip);
  Field(writer, "detail", detail);
  writer.EndObject();
  return Text(buffer);
}

}  // namespace sr::file_distribution
