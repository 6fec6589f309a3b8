#include "download_plan.h"

#include "entity_tag.h"

namespace sr::file_distribution {

DownloadPlan PlanDownload(const DownloadConditions& conditions, std::uint64_t size,
                          std::string_view etag) {
  DownloadPlan plan;
  if (conditions.if_none_match && IfNoneMatchMatches(*conditions.if_none_match, etag)) {
    plan.status = 304;
    return plan;
  }
  plan.body = ByteRange{0, size};
  if (!conditions.range) return plan;
  if (conditions.if_range && !IfRangeMatches(*conditions.if_range, etag)) return plan;
  RangeRequest request = ParseRange(*conditions.range, size);
  switch (request.kind) {
    case RangeRequest::Kind::kWhole:
      break;
    case RangeRequest::Kind::kSatisfiable:
      plan.status = 206;
      plan.body = request.range;
      plan.content_range = ContentRange(request.range, size);
      break;
    case RangeRequest::Kind::kUnsatisfiable:
      plan.status = 416;
      plan.body = ByteRange{};
      plan.content_range = UnsatisfiedContentRange(size);
      break;
  }
  return plan;
}

}  // namespace sr::file_distribution
