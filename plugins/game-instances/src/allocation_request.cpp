#include "allocation_request.h"

#include <rapidjson/document.h>

namespace sr::game_instances {

std::variant<AllocationRequest, std::string> ParseAllocationRequest(std::string_view body) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) {
    return std::string("the body must be a JSON object like {\"region\": \"eu\"}");
  }
  AllocationRequest request;
  for (const auto& member : document.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    if (name == "region") {
      if (!value.IsString() || value.GetStringLength() == 0 || value.GetStringLength() > 64) {
        return std::string("region: must be a non-empty string of at most 64 bytes");
      }
      request.region.assign(value.GetString(), value.GetStringLength());
    } else if (name == "placement") {
      std::string_view text =
          value.IsString() ? std::string_view(value.GetString(), value.GetStringLength()) : "";
      if (text == "packed") {
        request.placement = Placement::kPacked;
      } else if (text == "spread") {
        request.placement = Placement::kSpread;
      } else {
        return std::string("placement: must be \"packed\" or \"spread\"");
      }
    } else if (name == "max_attempts") {
      if (!value.IsInt() || value.GetInt() < 1 || value.GetInt() > kMaxAttemptsLimit) {
        return "max_attempts: must be an integer from 1 to " + std::to_string(kMaxAttemptsLimit);
      }
      request.max_attempts = value.GetInt();
    } else {
      return "unknown field '" + std::string(name) + "' (region, placement, max_attempts)";
    }
  }
  if (request.region.empty()) return std::string("region: required");
  return request;
}

}  // namespace sr::game_instances
