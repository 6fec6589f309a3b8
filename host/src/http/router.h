#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <sr/http/route_table.hpp>

#include "http/guard_expression.h"
#include "metrics/http_metrics.h"

namespace sr::host {

class Exchange;

// Runs a route's handler on its exchange; false when the handler failed (the host then
// answers 500 unless the response was deferred or already an error). Plugin handlers are
// adapted to this by host/src/plugins, which alone knows the ABI.
using RouteHandler = std::function<bool(Exchange&)>;

// One registered route.
struct Route {
  std::string method;
  std::string pattern;
  GuardExpression guard;
  RouteHandler handler;
  bool blocking = false;  // runs on a worker thread, not the connection's I/O thread
  std::uint64_t max_body_bytes = 0;
  std::string owner_id;                  // empty for the host's own routes
  std::vector<std::string> param_names;  // in path order
  // Its request counters and duration histogram (labelled with `pattern`).
  std::shared_ptr<HttpMetrics::RouteSlot> metrics;
};

// The routing rules are the SDK's (sr/http/route_table.hpp), shared with the fake host.
using RouteTable = sr::http::RouteTable<Route>;
using RouteMatch = sr::http::RouteMatch<Route>;
using sr::http::ValidatePattern;

}  // namespace sr::host
