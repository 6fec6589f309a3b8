// The list of kept builds, oldest first, and its JSON form on disk (builds/index.json):
//   {"format": 1, "builds": [{"version", "size", "sha256", "uploaded_by", "uploaded_at"}]}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "build_record.h"
#include "result.h"

namespace sr::file_distribution {

class BuildIndex {
 public:
  BuildIndex() = default;
  explicit BuildIndex(std::vector<BuildRecord> builds) : builds_(std::move(builds)) {}

  // Refuses malformed JSON, unknown formats, invalid names and duplicate versions.
  static Result<BuildIndex> Parse(std::string_view json);
  std::string Serialize() const;

  const std::vector<BuildRecord>& builds() const { return builds_; }
  const BuildRecord* Find(std::string_view version) const;
  // A build with this content, if any.
  const BuildRecord* FindContent(std::string_view sha256, std::uint64_t size) const;
  // Appends a build as the newest; false if its version is taken.
  bool Add(BuildRecord record);
  void Remove(std::string_view version);
  // Drops the oldest builds beyond `keep`, except those in `protect` (the one being served, a
  // build just stored without being made current), and returns the versions removed.
  std::vector<std::string> Prune(std::size_t keep, const std::vector<std::string>& protect);

 private:
  std::vector<BuildRecord> builds_;
};

}  // namespace sr::file_distribution
