#include "audit_routes.h"

#include <charconv>
#include <string>

#include "json_views.h"

namespace sr::auth {

namespace {

std::optional<std::uint64_t> ParsePositive(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value == 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

HttpReply AuditPageReply(AuthCore& core, std::optional<std::string_view> limit_text,
                         std::optional<std::string_view> before_text) {
  std::size_t limit = kDefaultAuditPageSize;
  if (limit_text) {
    auto parsed = ParsePositive(*limit_text);
    if (!parsed || *parsed > AuditLog::kMaxPageSize) {
      return HttpReply::Error(
          400, "limit must be between 1 and " + std::to_string(AuditLog::kMaxPageSize));
    }
    limit = static_cast<std::size_t>(*parsed);
  }
  std::optional<std::uint64_t> before;
  if (before_text) {
    before = ParsePositive(*before_text);
    if (!before) return HttpReply::Error(400, "before must be a positive sequence number");
  }
  try {
    HttpReply reply = HttpReply::Json(200, AuditPageJson(core.audit().Page(limit, before)));
    reply.With("Cache-Control", "no-store");
    return reply;
  } catch (const StoreError& e) {
    core.Warn(std::string("cannot read the audit log: ") + e.what());
    return HttpReply::Error(503, "the audit log cannot be read right now");
  }
}

}  // namespace sr::auth
