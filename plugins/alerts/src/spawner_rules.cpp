#include "spawner_rules.h"

#include <map>

#include "json_object.h"
#include "text_format.h"

namespace sr::alerts {

std::string SpawnersJson(const std::vector<SpawnerInfo>& spawners, std::size_t limit) {
  std::vector<std::string> items;
  for (const SpawnerInfo& s : spawners) {
    if (items.size() >= limit) break;
    items.push_back(JsonObject()
                        .Uint("id", s.id)
                        .Str("region", s.region)
                        .Str("host", s.host)
                        .Uint("port", s.port)
                        .Str("last_seen", s.last_seen)
                        .Done());
  }
  return JsonArray(items);
}

std::string RegionCountsJson(const std::vector<SpawnerInfo>& spawners) {
  std::map<std::string, std::uint64_t> counts;
  for (const SpawnerInfo& s : spawners) ++counts[s.region];
  JsonObject object;
  for (const auto& [region, count] : counts) object.Uint(region, count);
  return object.Done();
}

std::string DescribeSpawners(const std::vector<SpawnerInfo>& spawners) {
  std::vector<std::string> names;
  for (const SpawnerInfo& s : spawners) {
    // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on `"#" + string`.
    std::string name = "#";
    name.append(std::to_string(s.id)).append(" ").append(s.host).append(":");
    name.append(std::to_string(s.port)).append(" (");
    name.append(s.region.empty() ? "no region" : s.region).append(")");
    names.push_back(std::move(name));
  }
  return JoinSome(names, 10);
}

Signals SuspectRule::Evaluate(const std::vector<SpawnerInfo>& suspect, std::int64_t now_ms) {
  std::set<std::uint64_t> current;
  std::vector<std::uint64_t> fresh;
  for (const SpawnerInfo& s : suspect) {
    current.insert(s.id);
    if (announced_.count(s.id) == 0) fresh.push_back(s.id);
  }
  // A spawner that recovered leaves the set; if it goes silent again, that is news again.
  for (auto it = announced_.begin(); it != announced_.end();) {
    it = current.count(*it) == 0 ? announced_.erase(it) : std::next(it);
  }

  Signals signals;
  if (fresh.empty()) {
    pending_since_.reset();
    if (current.empty()) {
      Signal resolve;
      resolve.kind = Signal::Kind::kResolve;
      resolve.key = resolve.name = "spawners_suspect";
      resolve.summary = "No spawner is suspect any more";
      resolve.details = JsonObject().Uint("count", 0).Done();
      signals.push_back(std::move(resolve));
    }
    return signals;
  }
  if (!pending_since_) pending_since_ = now_ms;
  if (now_ms - *pending_since_ < window_.count()) return signals;
  pending_since_.reset();

  bool more = !announced_.empty();
  for (std::uint64_t id : fresh) announced_.insert(id);
  std::vector<std::string> fresh_json;
  for (std::uint64_t id : fresh) fresh_json.push_back(std::to_string(id));

  Signal fire;
  fire.kind = Signal::Kind::kFire;
  fire.key = fire.name = "spawners_suspect";
  fire.severity = Severity::kWarning;
  fire.news = true;
  fire.summary = Count(suspect.size(), "spawner is", "spawners are") +
                 " suspect (no heartbeat for longer than suspect_after)" +
                 (more ? ", " + std::to_string(fresh.size()) + " new" : std::string()) + ": " +
                 DescribeSpawners(suspect);
  fire.details = JsonObject()
                     .Uint("count", suspect.size())
                     .Raw("new", JsonArray(fresh_json))
                     .Raw("regions", RegionCountsJson(suspect))
                     .Raw("spawners", SpawnersJson(suspect, 200))
                     .Done();
  signals.push_back(std::move(fire));
  return signals;
}

void ExpiryRule::OnExpired(SpawnerInfo spawner, std::int64_t now_ms) {
  if (!first_ms_) first_ms_ = now_ms;
  ++batch_count_;
  if (batch_.size() < kMaxListed) batch_.push_back(std::move(spawner));
}

Signals ExpiryRule::Evaluate(std::int64_t now_ms) {
  Signals signals;
  if (!first_ms_ || now_ms - *first_ms_ < window_.count()) return signals;
  Signal notice;
  notice.kind = Signal::Kind::kNotice;
  notice.key = notice.name = "spawners_expired";
  notice.severity = Severity::kWarning;
  notice.summary = Count(batch_count_, "spawner", "spawners") +
                   " expired (no heartbeat within the TTL) and " +
                   (batch_count_ == 1 ? "was" : "were") + " removed: " + DescribeSpawners(batch_);
  notice.details = JsonObject()
                       .Uint("count", batch_count_)
                       .Raw("regions", RegionCountsJson(batch_))
                       .Raw("spawners", SpawnersJson(batch_, kMaxListed))
                       .Done();
  signals.push_back(std::move(notice));
  batch_.clear();
  batch_count_ = 0;
  first_ms_.reset();
  return signals;
}

}  // namespace sr::alerts
