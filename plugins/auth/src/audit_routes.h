// GET /api/audit?limit=&before=: the audit log, newest first, one page at a time.
#pragma once

#include <optional>
#include <string_view>

#include "auth_core.h"
#include "http_types.h"

namespace sr::auth {

inline constexpr std::size_t kDefaultAuditPageSize = 50;

// Reads the store: call on a worker thread.
HttpReply AuditPageReply(AuthCore& core, std::optional<std::string_view> limit,
                         std::optional<std::string_view> before);

}  // namespace sr::auth
