#include "spawner_codec.h"

#include <rapidjson/document.h>

#include <charconv>

#include <sr/text.hpp>

#include "json_text.h"
#include "spawner_token.h"

namespace sr::spawner_registry {

namespace {

constexpr int kKeyDigits = 20;  // every uint64

std::optional<SpawnerId> ParseDecimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  SpawnerId value = 0;
  auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string SpawnerKey(SpawnerId id) {
  std::string key(kKeyDigits, '0');
  for (int i = kKeyDigits - 1; i >= 0 && id > 0; --i) {
    key[static_cast<std::size_t>(i)] = static_cast<char>('0' + id % 10);
    id /= 10;
  }
  return key;
}

std::optional<SpawnerId> ParseSpawnerKey(std::string_view key) {
  if (key.size() != kKeyDigits) return std::nullopt;
  auto id = ParseDecimal(key);
  if (!id || *id == 0) return std::nullopt;
  return id;
}

std::optional<StoredSpawner> DecodeSpawnerRow(std::string_view key, std::string_view value,
                                              std::string& problem) {
  std::optional<SpawnerId> id = ParseSpawnerKey(key);
  if (!id) {
    problem = std::string("a spawner record with the malformed key '").append(key).append("'");
    return std::nullopt;
  }
  std::optional<StoredSpawner> stored = DecodeStoredSpawner(*id, value);
  if (!stored) problem = "the unreadable record of spawner " + std::to_string(*id);
  return stored;
}

std::string EncodeStoredSpawner(const SpawnerSnapshot& spawner) {
  const SpawnerIdentity& identity = *spawner.identity;
  std::string out;
  out.reserve(256 + identity.region.size() + identity.host.size() +
              identity.registered_from.size());
  out += "{\"region\":";
  sr::AppendJsonString(out, identity.region);
  out += ",\"host\":";
  sr::AppendJsonString(out, identity.host);
  out += ",\"port\":";
  AppendUnsigned(out, identity.port);
  out += ",\"max_instances\":";
  AppendSigned(out, spawner.load.max_instances);
  out += ",\"current_instances\":";
  AppendSigned(out, spawner.load.current_instances);
  out += ",\"status\":";
  sr::AppendJsonString(out, spawner.load.status);
  out += ",\"last_seen_ms\":";
  AppendSigned(out, spawner.last_seen_ms);
  if (identity.token_digest) {
    out += ",\"token_digest\":\"";
    out += DigestHex(*identity.token_digest);
    out += '"';
  }
  if (!identity.registered_from.empty()) {
    out += ",\"registered_from\":";
    sr::AppendJsonString(out, identity.registered_from);
  }
  out += '}';
  return out;
}

std::optional<StoredSpawner> DecodeStoredSpawner(SpawnerId id, std::string_view value) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag>(value.data(), value.size());
  if (document.HasParseError() || !document.IsObject()) return std::nullopt;
  auto string_field = [&](const char* name, std::size_t max_bytes, std::string& out) {
    auto it = document.FindMember(name);
    if (it == document.MemberEnd() || !it->value.IsString() ||
        it->value.GetStringLength() > max_bytes) {
      return false;
    }
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto int_field = [&](const char* name, std::int64_t min, std::int64_t max, std::int64_t& out) {
    auto it = document.FindMember(name);
    if (it == document.MemberEnd() || !it->value.IsInt64()) return false;
    out = it->value.GetInt64();
    return out >= min && out <= max;
  };
  StoredSpawner stored;
  stored.id = id;
  std::int64_t port = 0;
  std::int64_t max_instances = 0;
  std::int64_t current_instances = 0;
  bool ok = string_field("region", kMaxRegionBytes, stored.region) &&
            string_field("host", kMaxHostBytes, stored.host) && !stored.host.empty() &&
            string_field("status", kMaxStatusBytes, stored.load.status) &&
            int_field("port", 1, 65535, port) &&
            int_field("max_instances", 0, kMaxInstances, max_instances) &&
            int_field("current_instances", 0, kMaxInstances, current_instances) &&
            int_field("last_seen_ms", INT64_MIN, INT64_MAX, stored.last_seen_ms);
  if (!ok) return std::nullopt;
  if (document.HasMember("token_digest")) {
    std::string hex;
    if (!string_field("token_digest", 64, hex)) return std::nullopt;
    stored.token_digest = ParseDigestHex(hex);
    if (!stored.token_digest) return std::nullopt;
  }
  if (document.HasMember("registered_from") &&
      !string_field("registered_from", kMaxAddressBytes, stored.registered_from)) {
    return std::nullopt;
  }
  stored.port = static_cast<std::uint16_t>(port);
  stored.load.max_instances = static_cast<std::int32_t>(max_instances);
  stored.load.current_instances = static_cast<std::int32_t>(current_instances);
  return stored;
}

std::string EncodeNextId(SpawnerId next_id) { return std::to_string(next_id); }

std::optional<SpawnerId> DecodeNextId(std::string_view value) { return ParseDecimal(value); }

}  // namespace sr::spawner_registry
