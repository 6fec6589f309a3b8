#include "upload_request.h"

#include <rapidjson/document.h>

#include <charconv>

#include "names.h"

namespace sr::file_distribution {

namespace {

tl::unexpected<Error> Invalid(std::string message) {
  return MakeError(ErrorKind::kInvalidArgument, std::move(message));
}

}  // namespace

Result<NewUpload> ParseNewUpload(std::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) {
    return Invalid(R"(the body must be a JSON object {"version", "size", "sha256"})");
  }
  NewUpload upload;
  auto version = document.FindMember("version");
  if (version == document.MemberEnd() || !version->value.IsString()) {
    return Invalid("version is required (a string)");
  }
  upload.version.assign(version->value.GetString(), version->value.GetStringLength());
  if (!IsValidVersion(upload.version)) {
    return Invalid("version must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
  }
  auto size = document.FindMember("size");
  if (size == document.MemberEnd() || !size->value.IsUint64() || size->value.GetUint64() == 0) {
    return Invalid("size is required (a positive number of bytes)");
  }
  upload.size = size->value.GetUint64();
  auto sha256 = document.FindMember("sha256");
  std::optional<std::string> normalized;
  if (sha256 != document.MemberEnd() && sha256->value.IsString()) {
    normalized = NormalizeSha256(
        std::string_view(sha256->value.GetString(), sha256->value.GetStringLength()));
  }
  if (!normalized) return Invalid("sha256 is required (64 hexadecimal characters)");
  upload.sha256 = *normalized;
  return upload;
}

Result<std::uint64_t> ParseOffset(std::optional<std::string_view> text) {
  if (!text || text->empty()) return Invalid("the offset query parameter is required");
  std::uint64_t offset = 0;
  const char* end = text->data() + text->size();
  auto [stop, error] = std::from_chars(text->data(), end, offset);
  if (error != std::errc() || stop != end) return Invalid("offset must be a number of bytes");
  return offset;
}

}  // namespace sr::file_distribution
