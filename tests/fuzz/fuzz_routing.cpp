// Route matching, route patterns and guard expressions from untrusted text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/exchange.h"
#include "http/guard_expression.h"
#include "http/router.h"
#include "util/strings.h"

namespace {

bool Handler(sr::host::Exchange&) { return true; }

const sr::host::RouteTable& Table() {
  static const sr::host::RouteTable table = [] {
    sr::host::RouteTable built;
    std::string error;
    for (const char* pattern :
         {"/health", "/api/spawners", "/api/spawners/{id}", "/api/spawners/{id}/heartbeat",
          "/api/spawners/download", "/api/spawners/download/manifest", "/assets/{path*}",
          "/api/users/{id}/password"}) {
      for (const char* method : {"GET", "POST", "DELETE"}) {
        sr::host::Route route;
        route.method = method;
        route.pattern = pattern;
        route.guard = *sr::host::ParseGuardExpression("public", error);
        route.handler = Handler;
        built.Add(std::move(route));
      }
    }
    return built;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find(' ');
  std::string_view method = input.substr(0, std::min(split, input.size()));
  std::string_view path = split == std::string_view::npos ? "/" : input.substr(split + 1);
  auto match = Table().Match(method, path);
  if (match.route == nullptr && match.status != 404 && match.status != 405) __builtin_trap();

  std::string error;
  sr::host::ParseGuardExpression(input, error);
  sr::host::ValidatePattern(input);

  // Query strings and cookies as a request would carry them.
  sr::host::Exchange exchange;
  exchange.head.query = std::string(input);
  exchange.head.headers.push_back({"Cookie", std::string(input)});
  exchange.PrepareRequestViews();
  std::string json;
  sr::host::AppendJsonEscaped(json, input);
  return 0;
}
