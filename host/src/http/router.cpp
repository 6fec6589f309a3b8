#include "http/router.h"

#include <algorithm>
#include <set>

#include "util/strings.h"

namespace sr::host {

struct RouteTable::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::map<std::string, std::shared_ptr<Route>, std::less<>> rest_routes;  // by method
  std::map<std::string, std::shared_ptr<Route>, std::less<>> routes;       // by method

  std::unique_ptr<Node> Clone() const {
    auto copy = std::make_unique<Node>();
    for (const auto& [name, child] : literals) copy->literals.emplace(name, child->Clone());
    if (param) copy->param = param->Clone();
    copy->rest_routes = rest_routes;
    copy->routes = routes;
    return copy;
  }
};

namespace {

enum class SegmentKind { kLiteral, kParam, kRest };

struct Segment {
  SegmentKind kind;
  std::string text;  // literal text or parameter name
};

bool IsParamName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string ParsePattern(std::string_view pattern, std::vector<Segment>& out) {
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

std::string OwnerName(const Route& route) {
  return route.owner_id.empty() ? "the host" : "plugin '" + route.owner_id + "'";
}

}  // namespace

std::string ValidatePattern(std::string_view pattern) {
  std::vector<Segment> segments;
  return ParsePattern(pattern, segments);
}

RouteTable::RouteTable() : root_(std::make_unique<Node>()) {}
RouteTable::~RouteTable() = default;
RouteTable::RouteTable(const RouteTable& other)
    : root_(other.root_->Clone()), routes_(other.routes_) {}

std::string RouteTable::Add(Route route) {
  std::vector<Segment> segments;
  std::string problem = ParsePattern(route.pattern, segments);
  if (!problem.empty()) return problem + ": " + route.pattern;
  Node* node = root_.get();
  route.param_names.clear();
  bool rest = false;
  for (const auto& segment : segments) {
    switch (segment.kind) {
      case SegmentKind::kLiteral: {
        auto& child = node->literals[segment.text];
        if (!child) child = std::make_unique<Node>();
        node = child.get();
        break;
      }
      case SegmentKind::kParam:
        if (!node->param) node->param = std::make_unique<Node>();
        node = node->param.get();
        route.param_names.push_back(segment.text);
        break;
      case SegmentKind::kRest:
        route.param_names.push_back(segment.text);
        rest = true;
        break;
    }
  }
  auto& slot = rest ? node->rest_routes : node->routes;
  auto existing = slot.find(route.method);
  if (existing != slot.end()) {
    return route.method + " " + route.pattern + " is claimed by both " +
           OwnerName(*existing->second) + " (as " + existing->second->pattern + ") and " +
           OwnerName(route);
  }
  auto stored = std::make_shared<Route>(std::move(route));
  slot.emplace(stored->method, stored);
  routes_.push_back(stored);
  return {};
}

namespace {

struct Walker {
  std::string_view method;
  const std::vector<std::string>& segments;  // decoded
  std::vector<std::string> values;
  std::set<std::string> allowed;  // methods of routes whose path matched

  template <typename NodeT>
  const Route* Visit(const NodeT& node, size_t index) {
    if (index == segments.size()) {
      if (const Route* route = Pick(node.routes)) return route;
    } else {
      auto literal = node.literals.find(segments[index]);
      if (literal != node.literals.end()) {
        if (const Route* route = Visit(*literal->second, index + 1)) return route;
      }
      if (node.param && !segments[index].empty()) {
        values.push_back(segments[index]);
        if (const Route* route = Visit(*node.param, index + 1)) return route;
        values.pop_back();
      }
    }
    if (!node.rest_routes.empty()) {
      std::string rest;
      for (size_t i = index; i < segments.size(); ++i) {
        if (i > index) rest += '/';
        rest += segments[i];
      }
      values.push_back(rest);
      if (const Route* route = Pick(node.rest_routes)) return route;
      values.pop_back();
    }
    return nullptr;
  }

  template <typename Map>
  const Route* Pick(const Map& routes) {
    if (routes.empty()) return nullptr;
    auto exact = routes.find(method);
    if (exact != routes.end()) return exact->second.get();
    if (method == "HEAD") {
      auto get = routes.find(std::string_view("GET"));
      if (get != routes.end()) return get->second.get();
    }
    for (const auto& [name, route] : routes) allowed.insert(name);
    return nullptr;
  }
};

}  // namespace

RouteMatch RouteTable::Match(std::string_view method, std::string_view raw_path) const {
  RouteMatch match;
  std::vector<std::string> segments;
  if (raw_path.size() > 1) {
    for (std::string_view raw : Split(raw_path.substr(1), '/')) {
      auto decoded = PercentDecode(raw, false);
      segments.push_back(decoded ? std::move(*decoded) : std::string(raw));
    }
  }
  Walker walker{method, segments, {}, {}};
  const Route* route = walker.Visit(*root_, 0);
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
  match.route = route;
  for (size_t i = 0; i < route->param_names.size() && i < walker.values.size(); ++i) {
    match.params.emplace_back(route->param_names[i], walker.values[i]);
  }
  return match;
}

std::vector<const Route*> RouteTable::All() const {
  std::vector<const Route*> all;
  for (const auto& route : routes_) all.push_back(route.get());
  std::sort(all.begin(), all.end(), [](const Route* a, const Route* b) {
    return a->pattern != b->pattern ? a->pattern < b->pattern : a->method < b->method;
  });
  return all;
}

}  // namespace sr::host
