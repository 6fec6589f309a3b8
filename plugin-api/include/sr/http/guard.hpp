// Guard expressions ("public", "api-key", "session:admin", "session:operator|api-key") and
// the arbitration among their alternatives when none allows. Header-only C++17.
#ifndef SR_HTTP_GUARD_HPP
#define SR_HTTP_GUARD_HPP

#include <sr/http/text.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sr::http {

struct GuardTerm {
  std::string name;
  std::string argument;  // the text after ':'
};

struct GuardExpression {
  std::string text;              // as written, for --check and errors
  std::vector<GuardTerm> terms;  // empty: public
  bool is_public() const { return terms.empty(); }
};

inline bool IsGuardNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// nullopt when malformed; `error` says why.
inline std::optional<GuardExpression> ParseGuardExpression(std::string_view text,
                                                           std::string& error) {
  GuardExpression expression;
  expression.text = std::string(text);
  if (text.empty()) {
    error = "a route must name its guard (\"public\" for none)";
    return std::nullopt;
  }
  if (text == "public") return expression;
  for (std::string_view alternative : Split(text, '|')) {
    alternative = Trim(alternative);
    GuardTerm term;
    size_t colon = alternative.find(':');
    term.name = std::string(alternative.substr(0, colon));
    if (colon != std::string_view::npos) term.argument = std::string(alternative.substr(colon + 1));
    if (term.name.empty() || term.name == "public") {
      error = "malformed guard \"" + std::string(text) + "\"";
      return std::nullopt;
    }
    for (char c : term.name) {
      if (!IsGuardNameChar(c)) {
        error = "malformed guard name in \"" + std::string(text) + "\"";
        return std::nullopt;
      }
    }
    expression.terms.push_back(std::move(term));
  }
  return expression;
}

inline constexpr std::string_view kAuthenticationRequired = "authentication required";

inline std::string MissingGuardMessage(std::string_view guard) {
  return "this route needs the '" + std::string(guard) +
         "' guard, which no enabled plugin provides; enable the plugin that provides it";
}

// Decides what a request gets when no alternative of its guard expression allowed it. The
// caller runs the alternatives in order, stops at the first that allows, and reports every
// other one here. `Response` is the caller's response state; it needs `int status` and
// `bool touched` (anything set at all).
template <typename Response>
class GuardArbiter {
 public:
  enum class Outcome {
    kGuardResponse,  // send TakeChosen(): a guard's own refusal (a redirect, a 403, ...)
    kMissingGuard,   // 503 with MissingGuardMessage(missing()): only absent guards were named
    kUnauthorized,   // 401 with kAuthenticationRequired
  };

  // A named guard that no enabled plugin provides; the first one is named in the 503.
  void Missing(std::string_view guard) {
    if (missing_.empty()) missing_ = std::string(guard);
  }

  // A guard that denied (it saw credentials and refused them): the first denial wins, since
  // it is the one that judged the request.
  void Denied(Response response) {
    if (!denied_) denied_ = std::move(response);
  }

  // A guard that abstained (no credentials of its kind). Among these a redirect (to a login
  // page) beats a 401: it is what a browser needs, and a guard only redirects requests that
  // come from one. Otherwise the first abstention is kept.
  void Abstained(Response response) {
    bool redirect = IsRedirect(response.status);
    bool kept_redirect = abstained_ && IsRedirect(abstained_->status);
    if (!abstained_ || (redirect && !kept_redirect)) abstained_ = std::move(response);
  }

  Outcome Conclude() const {
    const std::optional<Response>& chosen = denied_ ? denied_ : abstained_;
    if (chosen && chosen->touched && chosen->status >= 300) return Outcome::kGuardResponse;
    if (!denied_ && !abstained_ && !missing_.empty()) return Outcome::kMissingGuard;
    return Outcome::kUnauthorized;
  }

  // After Conclude() answered kGuardResponse.
  Response TakeChosen() { return std::move(denied_ ? *denied_ : *abstained_); }
  const std::string& missing() const { return missing_; }

 private:
  static bool IsRedirect(int status) { return status >= 300 && status < 400; }

  std::optional<Response> denied_;
  std::optional<Response> abstained_;
  std::string missing_;
};

}  // namespace sr::http

#endif  // SR_HTTP_GUARD_HPP
