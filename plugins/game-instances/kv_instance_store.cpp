#include "kv_instance_store.h"

#include <charconv>

namespace sr::game_instances {

namespace {
constexpr std::string_view kNextKey = "next_id";
}

bool KvInstanceStore::IsCounterKey(std::string_view key) { return key == kNextKey; }

KvInstanceStore::KvInstanceStore(const sr_kv_store_v1& service)
    : store_(service), rows_(store_.Open("game-instances")) {}

void KvInstanceStore::Write(const std::vector<Instance>& put, const std::vector<Instance>& erase,
                            std::uint64_t next_number, Done done) {
  // The views of the ops point into these strings until WriteAsync returns.
  std::vector<std::string> keys;
  std::vector<std::string> values;
  keys.reserve(put.size() + erase.size());
  values.reserve(put.size() + 1);
  std::vector<sr::KvStore::Op> ops;
  for (const auto& instance : put) {
    keys.push_back(instance.id());
    values.push_back(InstanceJson(instance));
    ops.push_back(sr::KvStore::Put(rows_, keys.back(), values.back()));
  }
  for (const auto& instance : erase) {
    keys.push_back(instance.id());
    ops.push_back(sr::KvStore::Delete(rows_, keys.back()));
  }
  // A cluster counts with its sequence: a shared next_id row would only be fought over.
  if (!store_.clustered()) {
    values.push_back(std::to_string(next_number));
    ops.push_back(sr::KvStore::Put(rows_, kNextKey, values.back()));
  }
  try {
    store_.WriteAsync(ops, std::move(done));
  } catch (const std::exception& error) {
    done(false, error.what());
  }
}

InstanceStore::Loaded KvInstanceStore::Load(const std::function<void(const std::string&)>& warn) {
  Loaded loaded;
  store_.Scan(rows_, "", "", 0, false, [&](std::string_view key, std::string_view value) {
    if (key == kNextKey) {
      std::uint64_t next = 0;
      std::from_chars(value.data(), value.data() + value.size(), next);
      loaded.next_number = std::max(loaded.next_number, next);
      return true;
    }
    std::optional<Instance> instance = InstanceFromJson(value);
    if (!instance || instance->id() != key) {
      warn("stored instance '" + std::string(key) + "' cannot be read; skipped");
      return true;
    }
    loaded.instances.push_back(std::move(*instance));
    return true;
  });
  return loaded;
}

}  // namespace sr::game_instances
