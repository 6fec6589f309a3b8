#include "http/guard_expression.h"

#include "util/strings.h"

namespace sr::host {

namespace {
bool IsGuardNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
}  // namespace

std::optional<GuardExpression> ParseGuardExpression(std::string_view text, std::string& error) {
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

}  // namespace sr::host
