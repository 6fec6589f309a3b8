#include "build_index.h"

#include <algorithm>

#include "build_record_json.h"

namespace sr::file_distribution {

namespace {

constexpr int kFormat = 1;

tl::unexpected<Error> Malformed(const std::string& why) {
  return MakeError(ErrorKind::kInternal, "the build index is damaged: " + why);
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
    Result<BuildRecord> record = ReadBuildRecord(value);
    if (!record.has_value()) return Malformed(record.error().message);
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
    WriteBuildRecordMembers(writer, record);
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
