// What to answer a download request, from its conditional and range headers alone
// (RFC 9110 §13.2.2 order: If-None-Match first, then Range with If-Range).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "byte_range.h"

namespace sr::file_distribution {

struct DownloadConditions {
  std::optional<std::string_view> range;
  std::optional<std::string_view> if_none_match;
  std::optional<std::string_view> if_range;
};

struct DownloadPlan {
  int status = 200;           // 200, 206, 304 or 416
  ByteRange body;             // for 200 and 206: the bytes to send
  std::string content_range;  // for 206 and 416
};

DownloadPlan PlanDownload(const DownloadConditions& conditions, std::uint64_t size,
                          std::string_view etag);

}  // namespace sr::file_distribution
