#include "entity_tag.h"

namespace sr::file_distribution {

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The opaque part of `etag` (quotes included), without a "W/" prefix.
std::string_view Opaque(std::string_view etag) {
  if (etag.substr(0, 2) == "W/") etag.remove_prefix(2);
  return etag;
}

}  // namespace

std::string StrongEtag(std::string_view sha256_hex) {
  std::string tag = "\"sha256-";
  tag += sha256_hex;
  tag += '"';
  return tag;
}

bool IfNoneMatchMatches(std::string_view header, std::string_view etag) {
  std::string_view wanted = Opaque(etag);
  std::string_view rest = header;
  while (true) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == ',')) {
      rest.remove_prefix(1);
    }
    if (rest.empty()) return false;
    if (rest.front() == '*') return true;
    if (rest.substr(0, 2) == "W/") rest.remove_prefix(2);
    if (rest.empty() || rest.front() != '"') return false;  // malformed: no further tags
    std::size_t close = rest.find('"', 1);
    if (close == std::string_view::npos) return false;
    if (rest.substr(0, close + 1) == wanted) return true;
    rest.remove_prefix(close + 1);
  }
}

bool IfRangeMatches(std::string_view header, std::string_view etag) {
  header = Trim(header);
  return !header.empty() && header.front() == '"' && header == etag;
}

}  // namespace sr::file_distribution
