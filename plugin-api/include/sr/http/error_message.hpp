// What the error log says about an error response that carries no message of its own (no
// response_error): the "error" string of a JSON body {"error": "..."}, else the reason
// phrase. Header-only C++17.
#ifndef SR_HTTP_ERROR_MESSAGE_HPP
#define SR_HTTP_ERROR_MESSAGE_HPP

#include <sr/http/status.hpp>

#include <string>
#include <string_view>

namespace sr::http {

inline std::string ErrorMessageFromBody(std::string_view content_type, std::string_view body,
                                        int status) {
  // Only a JSON body can carry {"error": "..."}; an HTML page is logged by its status.
  bool json = content_type.rfind("application/json", 0) == 0;
  size_t key = json ? body.find("\"error\"") : std::string_view::npos;
  if (key != std::string_view::npos) {
    size_t at = key + 7;
    while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
    if (at < body.size() && body[at] == ':') {
      ++at;
      while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
      if (at < body.size() && body[at] == '"') {
        std::string message;
        for (size_t i = at + 1; i < body.size() && body[i] != '"'; ++i) {
          if (body[i] == '\\' && i + 1 < body.size()) ++i;
          message += body[i];
        }
        if (!message.empty()) return message.substr(0, 512);
      }
    }
  }
  return std::string(ReasonPhrase(status));
}

}  // namespace sr::http

#endif  // SR_HTTP_ERROR_MESSAGE_HPP
