#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sr::host {

// "public", "api-key", "session:admin", "session:operator|api-key".
struct GuardTerm {
  std::string name;
  std::string argument;
};

struct GuardExpression {
  std::string text;              // as written, for --check and errors
  std::vector<GuardTerm> terms;  // empty: public
  bool is_public() const { return terms.empty(); }
};

// nullopt when malformed; `error` says why.
std::optional<GuardExpression> ParseGuardExpression(std::string_view text, std::string& error);

}  // namespace sr::host
