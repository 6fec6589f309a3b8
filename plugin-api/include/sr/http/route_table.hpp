// Route patterns and the routing table: "/api/spawners/{id}", "/assets/{path*}". Header-only
// C++17. The host and sr::testing::FakeHost both route with this table, so a plugin sees the
// same matches, parameters, 404/405 answers and refusals under either.
#ifndef SR_HTTP_ROUTE_TABLE_HPP
#define SR_HTTP_ROUTE_TABLE_HPP

#include <sr/http/request_views.hpp>
#include <sr/http/text.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sr::http {

enum class SegmentKind { kLiteral, kParam, kRest };

struct Segment {
  SegmentKind kind;
  std::string text;  // literal text or parameter name
};

inline bool IsParamName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Splits a pattern into segments; empty string on success, else the problem.
inline std::string ParsePattern(std::string_view pattern, std::vector<Segment>& out) {
  if (pattern.empty() || pattern.front() != '/') return "a pattern must start with '/'";
  if (pattern == "/") return {};
  std::set<std::string, std::less<>> names;
  auto parts = Split(pattern.substr(1), '/');
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part.empty()) return "empty segment in pattern";
    if (part.front() == '{') {
      if (part.back() != '}') return "unclosed '{' in pattern";
      std::string_view name = part.substr(1, part.size() - 2);
      SegmentKind kind = SegmentKind::kParam;
      if (!name.empty() && name.back() == '*') {
        if (i + 1 != parts.size()) return "a {name*} segment must be the last one";
        name.remove_suffix(1);
        kind = SegmentKind::kRest;
      }
      if (!IsParamName(name)) return "malformed parameter name in pattern";
      if (!names.emplace(name).second) return "parameter used twice in pattern";
      out.push_back(Segment{kind, std::string(name)});
    } else {
      if (part.find_first_of("{}") != std::string_view::npos) return "stray brace in pattern";
      if (part == "." || part == "..") return "dot segment in pattern";
      out.push_back(Segment{SegmentKind::kLiteral, std::string(part)});
    }
  }
  return {};
}

inline std::string ValidatePattern(std::string_view pattern) {
  std::vector<Segment> segments;
  return ParsePattern(pattern, segments);
}

template <typename Route>
struct RouteMatch {
  std::shared_ptr<const Route> route;  // null when no route
  Pairs params;                        // decoded, in pattern order
  int status = 200;                    // 404 or 405 when no route
  std::string allow;                   // for 405
};

// A trie over path segments where literals win over `{param}`, and `{param}` wins over a
// trailing `{rest*}`. Matching backtracks on the method, so "POST /a/x" may match "/a/{id}"
// when the literal "/a/x" only has GET; HEAD falls back to GET.
//
// `Route` needs `std::string method, pattern, owner_id` (empty owner_id: the host itself)
// and `std::vector<std::string> param_names`, which Add fills in path order.
template <typename Route>
class RouteTable {
 public:
  RouteTable() : root_(std::make_unique<Node>()) {}
  RouteTable(const RouteTable& other) : root_(other.root_->Clone()), routes_(other.routes_) {}
  RouteTable& operator=(const RouteTable&) = delete;

  // Empty string on success; otherwise why the route was refused (a conflict names both
  // owners and contains "claimed by both").
  std::string Add(Route route) {
    std::vector<Segment> segments;
    std::string problem = ParsePattern(route.pattern, segments);
    if (!problem.empty()) return problem + ": " + route.pattern;
    route.param_names.clear();
    for (const auto& segment : segments) {
      if (segment.kind != SegmentKind::kLiteral) route.param_names.push_back(segment.text);
    }
    bool rest = false;
    Node* node = Descend(segments, rest);
    auto& slot = rest ? node->rest_routes : node->routes;
    auto existing = slot.find(route.method);
    if (existing != slot.end()) {
      return route.method + " " + route.pattern + " is claimed by both " +
             OwnerName(*existing->second) + " (as " + existing->second->pattern + ") and " +
             OwnerName(route);
    }
    auto stored = std::make_shared<const Route>(std::move(route));
    slot.emplace(stored->method, stored);
    routes_.push_back(stored);
    return {};
  }

  // Drops the routes `remove` selects (a plugin that is unloaded) and rebuilds the trie.
  template <typename Predicate>
  void RemoveIf(Predicate remove) {
    auto kept = std::move(routes_);
    routes_.clear();
    root_ = std::make_unique<Node>();
    for (const auto& route : kept) {
      if (!remove(*route)) Insert(route);
    }
  }

  // Walks the raw path in place, decoding only segments that hold an escape: matching the
  // usual request allocates nothing but its parameters.
  RouteMatch<Route> Match(std::string_view method, std::string_view raw_path) const {
    RouteMatch<Route> match;
    Walker walker{method, match.params, {}};
    bool no_segments = raw_path.size() <= 1;  // "/" (and "") has none
    std::shared_ptr<const Route> route =
        walker.Visit(*root_, no_segments ? std::string_view() : raw_path.substr(1), no_segments);
    if (route == nullptr) {
      if (walker.allowed.empty()) {
        match.status = 404;
      } else {
        match.status = 405;
        if (walker.allowed.count("GET") > 0) walker.allowed.insert("HEAD");
        for (const auto& name : walker.allowed) {
          if (!match.allow.empty()) match.allow += ", ";
          match.allow += name;
        }
      }
      return match;
    }
    // The walker left the values in path order with empty names; the route knows the names.
    match.params.resize(std::min(match.params.size(), route->param_names.size()));
    for (size_t i = 0; i < match.params.size(); ++i) match.params[i].first = route->param_names[i];
    match.route = std::move(route);
    return match;
  }

  // Every route, sorted by pattern then method.
  std::vector<const Route*> All() const {
    std::vector<const Route*> all;
    for (const auto& route : routes_) all.push_back(route.get());
    std::sort(all.begin(), all.end(), [](const Route* a, const Route* b) {
      return a->pattern != b->pattern ? a->pattern < b->pattern : a->method < b->method;
    });
    return all;
  }
  size_t size() const { return routes_.size(); }

 private:
  using Slot = std::map<std::string, std::shared_ptr<const Route>, std::less<>>;  // by method

  struct Node {
    std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
    std::unique_ptr<Node> param;
    Slot rest_routes;
    Slot routes;

    std::unique_ptr<Node> Clone() const {
      auto copy = std::make_unique<Node>();
      for (const auto& [name, child] : literals) copy->literals.emplace(name, child->Clone());
      if (param) copy->param = param->Clone();
      copy->rest_routes = rest_routes;
      copy->routes = routes;
      return copy;
    }
  };

  struct Walker {
    std::string_view method;
    Pairs& values;                  // decoded parameter values, names filled in by Match
    std::set<std::string> allowed;  // methods of routes whose path matched

    // `rest`: the raw path after the segments consumed so far; `done` once none is left
    // ("/a/" still has one, empty, after "a").
    std::shared_ptr<const Route> Visit(const Node& node, std::string_view rest, bool done) {
      if (done) {
        if (auto route = Pick(node.routes)) return route;
      } else {
        size_t slash = rest.find('/');
        bool last = slash == std::string_view::npos;
        std::string_view next = last ? std::string_view() : rest.substr(slash + 1);
        std::string scratch;
        std::string_view segment = DecodePathSegment(rest.substr(0, slash), scratch);
        auto literal = node.literals.find(segment);
        if (literal != node.literals.end()) {
          if (auto route = Visit(*literal->second, next, last)) return route;
        }
        if (node.param && !segment.empty()) {
          values.emplace_back(std::string(), std::string(segment));
          if (auto route = Visit(*node.param, next, last)) return route;
          values.pop_back();
        }
      }
      if (!node.rest_routes.empty()) {
        std::string joined;
        if (!done) {
          std::string scratch;
          bool first = true;
          ForEachPart(rest, '/', [&](std::string_view raw) {
            if (!first) joined += '/';
            first = false;
            joined += DecodePathSegment(raw, scratch);
          });
        }
        values.emplace_back(std::string(), std::move(joined));
        if (auto route = Pick(node.rest_routes)) return route;
        values.pop_back();
      }
      return nullptr;
    }

    std::shared_ptr<const Route> Pick(const Slot& routes) {
      if (routes.empty()) return nullptr;
      auto exact = routes.find(method);
      if (exact != routes.end()) return exact->second;
      if (method == "HEAD") {
        auto get = routes.find(std::string_view("GET"));
        if (get != routes.end()) return get->second;
      }
      for (const auto& entry : routes) allowed.insert(entry.first);
      return nullptr;
    }
  };

  static std::string OwnerName(const Route& route) {
    return route.owner_id.empty() ? "the host" : "plugin '" + route.owner_id + "'";
  }

  // The node a pattern's routes live in, created as needed; `rest` when it ends in {name*}.
  Node* Descend(const std::vector<Segment>& segments, bool& rest) {
    Node* node = root_.get();
    for (const auto& segment : segments) {
      if (segment.kind == SegmentKind::kLiteral) {
        auto& child = node->literals[segment.text];
        if (!child) child = std::make_unique<Node>();
        node = child.get();
      } else if (segment.kind == SegmentKind::kParam) {
        if (!node->param) node->param = std::make_unique<Node>();
        node = node->param.get();
      } else {
        rest = true;
      }
    }
    return node;
  }

  // Re-inserts a route already accepted by Add (its pattern parses; no conflict is possible).
  void Insert(const std::shared_ptr<const Route>& route) {
    std::vector<Segment> segments;
    ParsePattern(route->pattern, segments);
    bool rest = false;
    Node* node = Descend(segments, rest);
    (rest ? node->rest_routes : node->routes).emplace(route->method, route);
    routes_.push_back(route);
  }

  std::unique_ptr<Node> root_;
  std::vector<std::shared_ptr<const Route>> routes_;
};

}  // namespace sr::http

#endif  // SR_HTTP_ROUTE_TABLE_HPP
