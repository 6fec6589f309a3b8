#include "build_index.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "names.h"

namespace sr::file_distribution {

namespace {

constexpr int kFormat = 1;

tl::unexpected<Error> Malformed(const std::string& why) {
  return MakeError(ErrorKind::kInternal, "the build index is damaged: " + why);
}

std::optional<std::string> StringMember(const rapidjson::Value& object, const char* name) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd() || !member->value.IsString()) return std::nullopt;
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

Result<BuildRecord> ParseRecord(const rapidjson::Value& value) {
  if (!value.IsObject()) return Malformed("a build is not an object");
  BuildRecord record;
  auto version = StringMember(value, "version");
  if (!version || !IsValidVersion(*version)) return Malformed("a build has no valid version");
  record.version = *version;
  auto size = value.FindMember("size");
  if (size == value.MemberEnd() || !size->value.IsUint64()) {
    return Malformed("build " + record.version + " has no size");
  }
  record.size = size->value.GetUint64();
  auto sha = StringMember(value, "sha256");
  auto normalized = sha ? NormalizeSha256(*sha) : std::nullopt;
  if (!normalized) return Malformed("build " + record.version + " has no valid sha256");
  record.sha256 = *normalized;
  record.uploaded_by = StringMember(value, "uploaded_by").value_or("");
  record.uploaded_at = StringMember(value, "uploaded_at").value_or("");
  return record;
}

}  // namespace

Result<BuildIndex> BuildIndex::Parse(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) return Malformed("not a JSON object");
  auto format = document.FindMember("format");
  if (format == document.MemberEnd() || !format->value.IsInt() ||
      format->value.GetInt() != kFormat) {
    return Malformed("unknown format (expected " + std::to_string(kFormat) + ")");
  }
  auto builds = document.FindMember("builds");
  if (builds == document.MemberEnd() || !builds->value.IsArray()) return Malformed("no builds");
  BuildIndex index;
  for (const auto& value : builds->value.GetArray()) {
    Result<BuildRecord> record = ParseRecord(value);
    if (!record.has_value()) return tl::make_unexpected(record.error());
    if (!index.Add(std::move(record.value()))) return Malformed("a version appears twice");
  }
  return index;
}

std::string BuildIndex::Serialize() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("format");
  writer.Int(kFormat);
  writer.Key("builds");
  writer.StartArray();
  for (const BuildRecord& record : builds_) {
    writer.StartObject();
    writer.Key("version");
    writer.String(record.version.c_str(), static_cast<rapidjson::SizeType>(record.version.size()));
    writer.Key("size");
    writer.Uint64(record.size);
    writer.Key("sha256");
    writer.String(record.sha256.c_str(), static_cast<rapidjson::SizeType>(record.sha256.size()));
    writer.Key("uploaded_by");
    writer.String(record.uploaded_by.c_str(),
                  static_cast<rapidjson::SizeType>(record.uploaded_by.size()));
    writer.Key("uploaded_at");
    writer.String(record.uploaded_at.c_str(),
                  static_cast<rapidjson::SizeType>(record.uploaded_at.size()));
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

const BuildRecord* BuildIndex::Find(std::string_view version) const {
  for (const BuildRecord& record : builds_) {
    if (record.version == version) return &record;
  }
  return nullptr;
}

const BuildRecord* BuildIndex::FindContent(std::string_view sha256, std::uint64_t size) const {
  for (const BuildRecord& record : builds_) {
    if (record.sha256 == sha256 && record.size == size) return &record;
  }
  return nullptr;
}

bool BuildIndex::Add(BuildRecord record) {
  if (Find(record.version) != nullptr) return false;
  builds_.push_back(std::move(record));
  return true;
}

void BuildIndex::Remove(std::string_view version) {
  std::erase_if(builds_, [&](const BuildRecord& record) { return record.version == version; });
}

std::vector<std::string> BuildIndex::Prune(std::size_t keep,
                                           const std::vector<std::string>& protect) {
  std::vector<std::string> removed;
  std::size_t excess = builds_.size() > keep ? builds_.size() - keep : 0;
  for (auto it = builds_.begin(); it != builds_.end() && excess > 0;) {
    if (std::find(protect.begin(), protect.end(), it->version) != protect.end()) {
      ++it;
      continue;
    }
    removed.push_back(it->version);
    it = builds_.erase(it);
    --excess;
  }
  return removed;
}

}  // namespace sr::file_distribution
