#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sr/abi.h>

#include "http/guard_expression.h"

namespace sr::host {

struct PluginContext;

// One registered route.
struct Route {
  std::string method;
  std::string pattern;
  GuardExpression guard;
  sr_handler_fn handler = nullptr;
  void* ctx = nullptr;
  std::uint32_t flags = 0;
  std::uint64_t max_body_bytes = 0;
  PluginContext* owner = nullptr;  // null for the host's own routes
  std::string owner_id;
  std::vector<std::string> param_names;  // in path order
};

struct RouteMatch {
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> params;  // decoded
  int status = 200;                                         // 404 or 405 when no route
  std::string allow;                                        // for 405
};

// The host's own routing table: a trie over path segments where literals win over `{param}`,
// and `{param}` wins over a trailing `{rest*}`. Matching backtracks on the method, so
// "POST /a/x" may match "/a/{id}" when the literal "/a/x" only has GET.
class RouteTable {
 public:
  RouteTable();
  ~RouteTable();
  RouteTable(const RouteTable& other);
  RouteTable& operator=(const RouteTable&) = delete;

  // Empty string on success; otherwise why the route was refused (conflict names the owner).
  std::string Add(Route route);
  RouteMatch Match(std::string_view method, std::string_view raw_path) const;
  std::vector<const Route*> All() const;
  size_t size() const { return routes_.size(); }

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::shared_ptr<Route>> routes_;
};

// Splits a pattern into segments; empty string on success, else the problem.
std::string ValidatePattern(std::string_view pattern);

}  // namespace sr::host
