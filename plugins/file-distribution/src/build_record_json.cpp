#include "build_record_json.h"

#include <optional>
#include <string>

#include "names.h"

namespace sr::file_distribution {

namespace {

std::optional<std::string> StringMember(const rapidjson::Value& object, const char* name) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd() || !member->value.IsString()) return std::nullopt;
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

void WriteString(rapidjson::Writer<rapidjson::StringBuffer>& writer, const char* key,
                 const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

Result<BuildRecord> ReadBuildRecord(const rapidjson::Value& value) {
  if (!value.IsObject()) return MakeError(ErrorKind::kInternal, "a build is not an object");
  BuildRecord record;
  auto version = StringMember(value, "version");
  if (!version || !IsValidVersion(*version)) {
    return MakeError(ErrorKind::kInternal, "a build has no valid version");
  }
  record.version = *version;
  auto size = value.FindMember("size");
  if (size == value.MemberEnd() || !size->value.IsUint64()) {
    return MakeError(ErrorKind::kInternal, std::string("build ") + record.version + " has no size");
  }
  record.size = size->value.GetUint64();
  auto sha = StringMember(value, "sha256");
  auto normalized = sha ? NormalizeSha256(*sha) : std::nullopt;
  if (!normalized) {
    return MakeError(ErrorKind::kInternal,
                     std::string("build ") + record.version + " has no valid sha256");
  }
  record.sha256 = *normalized;
  record.uploaded_by = StringMember(value, "uploaded_by").value_or("");
  record.uploaded_at = StringMember(value, "uploaded_at").value_or("");
  return record;
}

void WriteBuildRecordMembers(rapidjson::Writer<rapidjson::StringBuffer>& writer,
                             const BuildRecord& record) {
  WriteString(writer, "version", record.version);
  writer.Key("size");
  writer.Uint64(record.size);
  WriteString(writer, "sha256", record.sha256);
  WriteString(writer, "uploaded_by", record.uploaded_by);
  WriteString(writer, "uploaded_at", record.uploaded_at);
}

}  // namespace sr::file_distribution
