#include "session_event.h"

#include <rapidjson/document.h>

namespace sr::dashboard {

std::optional<std::string> EndedSessionId(std::string_view payload) {
  rapidjson::Document document;
  document.Parse(payload.data(), payload.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  auto session = document.FindMember("session");
  if (session == document.MemberEnd() || !session->value.IsString()) return std::nullopt;
  std::string sid(session->value.GetString(), session->value.GetStringLength());
  if (sid.empty()) return std::nullopt;
  return sid;
}

}  // namespace sr::dashboard
