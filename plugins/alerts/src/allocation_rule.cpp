#include "allocation_rule.h"

#include "json_object.h"
#include "text_format.h"

namespace sr::alerts {

void AllocationRule::OnFailure(AllocationFailure failure, std::int64_t now_ms) {
  if (!first_ms_) first_ms_ = now_ms;
  ++count_;
  ++by_region_[failure.region];
  if (listed_.size() < kMaxListed) listed_.push_back(std::move(failure));
}

Signals AllocationRule::Evaluate(std::int64_t now_ms) {
  if (!first_ms_ || now_ms - *first_ms_ < window_.count()) return {};
  std::vector<std::string> regions_text;
  JsonObject regions;
  for (const auto& [region, count] : by_region_) {
    regions.Uint(region, count);
    regions_text.push_back((region.empty() ? std::string("any region") : region) + " " +
                           std::to_string(count));
  }
  std::vector<std::string> failures;
  for (const AllocationFailure& f : listed_) {
    failures.push_back(
        JsonObject().Str("region", f.region).Str("error", f.error).Int("status", f.status).Done());
  }
  Signal notice;
  notice.kind = Signal::Kind::kNotice;
  notice.key = notice.name = "allocation_failed";
  notice.severity = Severity::kWarning;
  notice.summary = Count(count_, "allocation", "allocations") +
                   " failed: " + JoinSome(regions_text, 10) +
                   (listed_.empty() ? std::string() : " (first: " + listed_.front().error + ")");
  notice.details = JsonObject()
                       .Uint("count", count_)
                       .Raw("regions", regions.Done())
                       .Raw("failures", JsonArray(failures))
                       .Done();
  listed_.clear();
  by_region_.clear();
  count_ = 0;
  first_ms_.reset();
  return {std::move(notice)};
}

}  // namespace sr::alerts
