#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sr/abi.h>
#include <sr/http/route_table.hpp>

#include "http/guard_expression.h"

namespace sr::host {

// One registered route.
struct Route {
  std::string method;
  std::string pattern;
  GuardExpression guard;
  sr_handler_fn handler = nullptr;
  void* ctx = nullptr;
  std::uint32_t flags = 0;
  std::uint64_t max_body_bytes = 0;
  std::string owner_id;                  // empty for the host's own routes
  std::vector<std::string> param_names;  // in path order
};

// The routing rules are the SDK's (sr/http/route_table.hpp), shared with the fake host.
using RouteTable = sr::http::RouteTable<Route>;
using RouteMatch = sr::http::RouteMatch<Route>;
using sr::http::ValidatePattern;

}  // namespace sr::host
