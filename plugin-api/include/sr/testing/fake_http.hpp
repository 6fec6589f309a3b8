// The HTTP rules of the real host, re-implemented for sr::testing::FakeHost: percent-decoding,
// guard expressions and route matching. They are kept apart from fake_host.hpp so that a
// reader can compare them line by line with host/src/http/ (router.cpp, guard_expression.cpp,
// exchange.cpp): a plugin must see the same matches, parameters and refusals under the fake.
// Header-only C++17; needs only the standard library, sr/abi.h and sr/text.hpp.
#ifndef SR_TESTING_FAKE_HTTP_HPP
#define SR_TESTING_FAKE_HTTP_HPP

#include <sr/abi.h>
#include <sr/text.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sr::testing::fake_detail {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// ---------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

inline std::string_view Trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

inline std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t end = text.find(separator); end != std::string_view::npos;
       end = text.find(separator, start)) {
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

// The host decodes with the same function: nullopt for a truncated or non-hex escape.
using sr::PercentDecode;

// RFC 9110 token characters, which the host requires of response header names.
inline bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// The host's error log falls back to these when a response carries no message of its own.
inline std::string ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return status >= 500 ? "Server Error" : "Client Error";
  }
}

// Query parameters ('+' is a space) in order of appearance; malformed pairs are skipped.
inline Pairs ParseQuery(std::string_view query) {
  Pairs out;
  if (query.empty()) return out;
  for (std::string_view pair : Split(query, '&')) {
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    auto name = PercentDecode(pair.substr(0, equals), true);
    auto value = PercentDecode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
    if (name && value) out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

// Cookies of every Cookie header; quoted values lose their quotes.
inline Pairs ParseCookies(const Pairs& headers) {
  Pairs out;
  for (const auto& [name, header] : headers) {
    if (!EqualsIgnoreCase(name, "Cookie")) continue;
    for (std::string_view item : Split(header, ';')) {
      item = Trim(item);
      size_t equals = item.find('=');
      if (equals == std::string_view::npos || equals == 0) continue;
      std::string_view value = Trim(item.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      out.emplace_back(std::string(Trim(item.substr(0, equals))), std::string(value));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Guard expressions: "public", "api-key", "session:admin", "session:operator|api-key"
// ---------------------------------------------------------------------------------------

struct GuardTerm {
  std::string name;
  std::string argument;  // the text after ':'
};

struct GuardExpression {
  std::string text;
  std::vector<GuardTerm> terms;  // empty: public
  bool is_public() const { return terms.empty(); }
};

inline std::optional<GuardExpression> ParseGuardExpression(std::string_view text,
                                                           std::string& error) {
  GuardExpression expression;
  expression.text = std::string(text);
  if (text.empty()) {
    error = "a route must name its guard (\"public\" for none)";
    return std::nullopt;
  }
  if (text == "public") return expression;
  for (std::string_view alternative : Split(text, '|')) {
    alternative = Trim(alternative);
    size_t colon = alternative.find(':');
    GuardTerm term{std::string(alternative.substr(0, colon)), ""};
    if (colon != std::string_view::npos) term.argument = std::string(alternative.substr(colon + 1));
    bool well_formed =
        !term.name.empty() && term.name != "public" &&
        std::all_of(term.name.begin(), term.name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        });
    if (!well_formed) {
      error = "malformed guard \"" + std::string(text) + "\"";
      return std::nullopt;
    }
    expression.terms.push_back(std::move(term));
  }
  return expression;
}

// ---------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------

// Lower kinds win when two patterns match the same path: literals, then `{name}`, then a
// trailing `{name*}`. The real host walks a trie in that order; comparing these kinds
// segment by segment (a pattern that ends first wins over a `{rest*}` matching nothing)
// visits the candidates in exactly the same order.
enum class SegmentKind { kLiteral = 0, kParam = 1, kRest = 2 };

struct Segment {
  SegmentKind kind;
  std::string text;  // literal text or parameter name
};

// Empty string on success, else the problem (same wording as the host).
inline std::string ParsePattern(std::string_view pattern, std::vector<Segment>& out) {
  if (pattern.empty() || pattern.front() != '/') return "a pattern must start with '/'";
  if (pattern == "/") return {};
  std::set<std::string, std::less<>> names;
  auto parts = Split(pattern.substr(1), '/');
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part.empty()) return "empty segment in pattern";
    if (part.front() != '{') {
      if (part.find_first_of("{}") != std::string_view::npos) return "stray brace in pattern";
      if (part == "." || part == "..") return "dot segment in pattern";
      out.push_back(Segment{SegmentKind::kLiteral, std::string(part)});
      continue;
    }
    if (part.back() != '}') return "unclosed '{' in pattern";
    std::string_view name = part.substr(1, part.size() - 2);
    SegmentKind kind = SegmentKind::kParam;
    if (!name.empty() && name.back() == '*') {
      if (i + 1 != parts.size()) return "a {name*} segment must be the last one";
      name.remove_suffix(1);
      kind = SegmentKind::kRest;
    }
    bool valid =
        !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_';
        });
    if (!valid) return "malformed parameter name in pattern";
    if (!names.emplace(name).second) return "parameter used twice in pattern";
    out.push_back(Segment{kind, std::string(name)});
  }
  return {};
}

// What a route needs once matched; `owner` is opaque to the table.
struct RouteEntry {
  std::string method;
  std::string pattern;
  std::vector<Segment> segments;
  GuardExpression guard;
  sr_handler_fn handler = nullptr;
  void* ctx = nullptr;
  std::uint32_t flags = 0;
  std::uint64_t max_body_bytes = 0;
  const void* owner = nullptr;
  std::string owner_id;
};

struct RouteMatch {
  std::shared_ptr<const RouteEntry> route;
  Pairs params;       // decoded, in pattern order
  int status = 200;   // 404 or 405 when no route
  std::string allow;  // for 405
};

class RouteTable {
 public:
  // Empty on success; otherwise why the route was refused. A conflict names both owners
  // and contains "claimed by both", as the host's message does.
  std::string Add(RouteEntry route) {
    std::string problem = ParsePattern(route.pattern, route.segments);
    if (!problem.empty()) return problem + ": " + route.pattern;
    for (const auto& existing : routes_) {
      if (existing->method == route.method && SameShape(existing->segments, route.segments)) {
        return route.method + " " + route.pattern + " is claimed by both plugin '" +
               existing->owner_id + "' (as " + existing->pattern + ") and plugin '" +
               route.owner_id + "'";
      }
    }
    routes_.push_back(std::make_shared<const RouteEntry>(std::move(route)));
    return {};
  }

  void RemoveOwner(const void* owner) {
    routes_.erase(std::remove_if(routes_.begin(), routes_.end(),
                                 [&](const auto& route) { return route->owner == owner; }),
                  routes_.end());
  }

  const std::vector<std::shared_ptr<const RouteEntry>>& All() const { return routes_; }

  RouteMatch Match(std::string_view method, std::string_view raw_path) const {
    std::vector<std::string> path;
    if (raw_path.size() > 1) {
      for (std::string_view raw : Split(raw_path.substr(1), '/')) {
        auto decoded = PercentDecode(raw, false);
        path.push_back(decoded ? std::move(*decoded) : std::string(raw));
      }
    }
    struct Candidate {
      const std::shared_ptr<const RouteEntry>* route;
      std::vector<std::string> values;
    };
    std::vector<Candidate> candidates;
    for (const auto& route : routes_) {
      Candidate candidate{&route, {}};
      if (MatchPath(route->segments, path, candidate.values)) {
        candidates.push_back(std::move(candidate));
      }
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
      return Kinds((*a.route)->segments) < Kinds((*b.route)->segments);
    });
    // Candidates with equal kinds share one trie node: pick by method there, else go on.
    std::set<std::string> allowed;
    for (size_t begin = 0; begin < candidates.size();) {
      size_t end = begin + 1;
      auto kinds = Kinds((*candidates[begin].route)->segments);
      while (end < candidates.size() && Kinds((*candidates[end].route)->segments) == kinds) ++end;
      const Candidate* chosen = nullptr;
      for (std::string_view wanted : {method, std::string_view(method == "HEAD" ? "GET" : "")}) {
        for (size_t i = begin; i < end && chosen == nullptr && !wanted.empty(); ++i) {
          if ((*candidates[i].route)->method == wanted) chosen = &candidates[i];
        }
      }
      if (chosen != nullptr) {
        RouteMatch match;
        match.route = *chosen->route;
        for (size_t i = 0; i < chosen->values.size(); ++i) {
          match.params.emplace_back(NameOf(*match.route, i), chosen->values[i]);
        }
        return match;
      }
      for (size_t i = begin; i < end; ++i) allowed.insert((*candidates[i].route)->method);
      begin = end;
    }
    RouteMatch match;
    match.status = allowed.empty() ? 404 : 405;
    if (allowed.count("GET") > 0) allowed.insert("HEAD");
    for (const auto& name : allowed) match.allow += (match.allow.empty() ? "" : ", ") + name;
    return match;
  }

 private:
  static std::vector<int> Kinds(const std::vector<Segment>& segments) {
    std::vector<int> kinds;
    for (const auto& segment : segments) kinds.push_back(static_cast<int>(segment.kind));
    return kinds;
  }

  // Parameter names do not matter: "/a/{id}" and "/a/{name}" are one trie node.
  static bool SameShape(const std::vector<Segment>& a, const std::vector<Segment>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].kind != b[i].kind) return false;
      if (a[i].kind == SegmentKind::kLiteral && a[i].text != b[i].text) return false;
    }
    return true;
  }

  static const std::string& NameOf(const RouteEntry& route, size_t value_index) {
    for (const auto& segment : route.segments) {
      if (segment.kind != SegmentKind::kLiteral && value_index-- == 0) return segment.text;
    }
    return route.pattern;  // unreachable: one value per parameter
  }

  static bool MatchPath(const std::vector<Segment>& pattern, const std::vector<std::string>& path,
                        std::vector<std::string>& values) {
    for (size_t i = 0; i < pattern.size(); ++i) {
      const Segment& segment = pattern[i];
      if (segment.kind == SegmentKind::kRest) {
        std::string rest;
        for (size_t j = i; j < path.size(); ++j) rest += (j > i ? "/" : "") + path[j];
        values.push_back(std::move(rest));
        return true;
      }
      if (i >= path.size()) return false;
      if (segment.kind == SegmentKind::kLiteral && segment.text != path[i]) return false;
      if (segment.kind == SegmentKind::kParam) {
        if (path[i].empty()) return false;
        values.push_back(path[i]);
      }
    }
    return pattern.size() == path.size();
  }

  std::vector<std::shared_ptr<const RouteEntry>> routes_;
};

}  // namespace sr::testing::fake_detail

#endif  // SR_TESTING_FAKE_HTTP_HPP
