#include "spawner_json.h"

#include <sr/rfc3339.hpp>
#include <sr/text.hpp>

#include "json_text.h"

namespace sr::spawner_registry {

namespace {

constexpr std::string_view kIdKey = "{\"id\":";
constexpr std::string_view kRegionKey = ",\"region\":";
constexpr std::string_view kHostKey = ",\"host\":";
constexpr std::string_view kPortKey = ",\"port\":";
constexpr std::string_view kMaxKey = ",\"max_instances\":";
constexpr std::string_view kCurrentKey = ",\"current_instances\":";
constexpr std::string_view kStatusKey = ",\"status\":";
constexpr std::string_view kLastSeenKey = ",\"last_seen\":\"";
constexpr std::string_view kHealthy = "\",\"health\":\"healthy\"}";
constexpr std::string_view kSuspect = "\",\"health\":\"suspect\"}";
static_assert(kHealthy.size() == kSuspect.size());

// The object up to and including "max_instances": what never changes.
std::size_t PrefixSize(const SpawnerIdentity& identity) {
  return kIdKey.size() + UnsignedSize(identity.id) + kRegionKey.size() +
         sr::JsonStringSize(identity.region) + kHostKey.size() + sr::JsonStringSize(identity.host) +
         kPortKey.size() + UnsignedSize(identity.port) + kMaxKey.size();
}

void AppendPrefix(std::string& out, const SpawnerIdentity& identity) {
  out += kIdKey;
  AppendUnsigned(out, identity.id);
  out += kRegionKey;
  sr::AppendJsonString(out, identity.region);
  out += kHostKey;
  sr::AppendJsonString(out, identity.host);
  out += kPortKey;
  AppendUnsigned(out, identity.port);
  out += kMaxKey;
}

}  // namespace

std::size_t SpawnerJsonSize(const SpawnerSnapshot& spawner) {
  return PrefixSize(*spawner.identity) + SignedSize(spawner.load.max_instances) +
         kCurrentKey.size() + SignedSize(spawner.load.current_instances) + kStatusKey.size() +
         sr::JsonStringSize(spawner.load.status) + kLastSeenKey.size() + sr::kRfc3339MillisSize +
         kHealthy.size();
}

void AppendSpawnerJson(std::string& out, const SpawnerSnapshot& spawner) {
  AppendPrefix(out, *spawner.identity);
  AppendSigned(out, spawner.load.max_instances);
  out += kCurrentKey;
  AppendSigned(out, spawner.load.current_instances);
  out += kStatusKey;
  sr::AppendJsonString(out, spawner.load.status);
  out += kLastSeenKey;
  sr::AppendRfc3339Millis(out, spawner.last_seen_ms);
  out += spawner.suspect ? kSuspect : kHealthy;
}

std::string SpawnerJson(const SpawnerSnapshot& spawner) {
  std::string out;
  out.reserve(SpawnerJsonSize(spawner));
  AppendSpawnerJson(out, spawner);
  return out;
}

std::string SpawnerListJson(const std::vector<SpawnerSnapshot>& spawners) {
  std::size_t size = spawners.empty() ? 2 : 1 + spawners.size();  // brackets and commas
  for (const auto& spawner : spawners) size += SpawnerJsonSize(spawner);
  std::string out;
  out.reserve(size);
  out += '[';
  bool first = true;
  for (const auto& spawner : spawners) {
    if (!first) out += ',';
    first = false;
    AppendSpawnerJson(out, spawner);
  }
  out += ']';
  return out;
}

std::string SpawnerEventJson(const SpawnerSnapshot& spawner) {
  std::string out = SpawnerJson(spawner);
  out.pop_back();  // the object's closing brace: the revision goes inside it
  out += ",\"revision\":";
  AppendUnsigned(out, spawner.revision);
  out += '}';
  return out;
}

std::string RemovedEventJson(const SpawnerSnapshot& removed, std::string_view reason) {
  std::string out = "{\"id\":";
  AppendUnsigned(out, removed.identity->id);
  out += ",\"reason\":";
  sr::AppendJsonString(out, reason);
  out += ",\"revision\":";
  AppendUnsigned(out, removed.revision);
  out += ",\"spawner\":";
  AppendSpawnerJson(out, removed);
  out += '}';
  return out;
}

}  // namespace sr::spawner_registry
