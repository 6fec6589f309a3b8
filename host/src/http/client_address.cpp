#include "http/client_address.h"

#include <vector>

#include "util/strings.h"

namespace sr::host {

namespace {

bool IsForwardedFor(std::string_view name) {
  constexpr std::string_view kName = "x-forwarded-for";
  if (name.size() != kName.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kName[i]) return false;
  }
  return true;
}

}  // namespace

std::string ResolveClientIp(const std::string& peer_ip, const RequestHead& head,
                            const sr::net::CidrSet& trusted_proxies) {
  if (trusted_proxies.empty() || !trusted_proxies.Contains(std::string_view(peer_ip))) {
    return peer_ip;
  }
  // Entries of every X-Forwarded-For header, left to right.
  std::vector<std::string_view> entries;
  for (const HeaderField& field : head.headers) {
    if (!IsForwardedFor(field.name)) continue;
    std::string_view value = field.value;
    size_t start = 0;
    while (true) {
      size_t comma = value.find(',', start);
      entries.push_back(Trim(value.substr(
          start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  if (entries.empty()) return peer_ip;
  for (size_t i = entries.size(); i-- > 0;) {
    std::optional<sr::net::IpAddress> address = sr::net::ParseIp(entries[i]);
    if (!address) return peer_ip;  // malformed: nothing further left can be trusted
    if (!trusted_proxies.Contains(*address) || i == 0) return sr::net::FormatIp(*address);
  }
  return peer_ip;
}

}  // namespace sr::host
