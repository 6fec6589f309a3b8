// What reaches auth from a client before any credential is checked: the login form body,
// the `next` redirect target, Origin and Referer, and audit events from other plugins.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "audit_log.h"
#include "csrf.h"
#include "redirect_target.h"
#include "text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sr::auth;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)ParseFormBody(input);
  if (auto path = SafeRedirectPath(input)) {
    // A redirect target never leaves the site.
    if (path->empty() || (*path)[0] != '/' || (path->size() > 1 && ((*path)[1] == '/' ||
                                                                   (*path)[1] == '\\'))) {
      __builtin_trap();
    }
  }
  (void)RedirectAfterLogin(input);
  size_t split = input.size() / 2;
  std::string_view first = input.substr(0, split);
  std::string_view second = input.substr(split);
  (void)OriginMatchesHost(first, second);
  (void)RefererMatchesHost(first, second);
  CsrfFacts facts{"POST", first, second, first, second};
  (void)CsrfCheckPasses(facts, second);
  (void)AuditLog::FromEventPayload(input);
  (void)CleanText(input, 64);
  return 0;
}
