// The fake host's view of the HTTP rules. The rules themselves (route matching, guard
// expressions and their arbitration, query and cookie parsing, reason phrases) are the ones
// in sr/http/, which the real host uses too: a plugin sees the same matches, parameters and
// refusals under either. This file only names them for the fake and defines its route entry.
// Header-only C++17; needs only the standard library, sr/abi.h and sr/text.hpp.
#ifndef SR_TESTING_FAKE_HTTP_HPP
#define SR_TESTING_FAKE_HTTP_HPP

#include <sr/abi.h>
#include <sr/http/guard.hpp>
#include <sr/http/request_views.hpp>
#include <sr/http/route_table.hpp>
#include <sr/http/status.hpp>
#include <sr/http/text.hpp>
#include <sr/text.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sr::testing::fake_detail {

using sr::PercentDecode;
using sr::http::EqualsIgnoreCase;
using sr::http::GuardArbiter;
using sr::http::GuardExpression;
using sr::http::IsTokenChar;
using sr::http::Pairs;
using sr::http::ParseGuardExpression;
using sr::http::ReasonPhrase;
using sr::http::Split;
using sr::http::Trim;

// What a route needs once matched; `owner` (the plugin's slot) is opaque to the table.
struct RouteEntry {
  std::string method;
  std::string pattern;
  GuardExpression guard;
  sr_handler_fn handler = nullptr;
  void* ctx = nullptr;
  std::uint32_t flags = 0;
  std::uint64_t max_body_bytes = 0;
  const void* owner = nullptr;
  std::string owner_id;
  std::vector<std::string> param_names;  // filled by RouteTable::Add
};

using RouteTable = sr::http::RouteTable<RouteEntry>;
using RouteMatch = sr::http::RouteMatch<RouteEntry>;

}  // namespace sr::testing::fake_detail

#endif  // SR_TESTING_FAKE_HTTP_HPP
