#include "runtime/service_registry.h"

namespace sr::host {

bool ServiceRegistry::Provide(const std::string& name, Entry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  return services_.emplace(name, std::move(entry)).second;
}

std::optional<ServiceRegistry::Entry> ServiceRegistry::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = services_.find(name);
  if (it == services_.end()) return std::nullopt;
  return it->second;
}

void ServiceRegistry::RemoveProvider(const std::string& provider) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = services_.begin(); it != services_.end();) {
    it = it->second.provider == provider ? services_.erase(it) : std::next(it);
  }
}

}  // namespace sr::host
