#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sr::host {

// Named, versioned service vtables published by plugins.
class ServiceRegistry {
 public:
  struct Entry {
    std::string provider;
    std::uint32_t version = 0;
    const void* vtable = nullptr;
  };

  // False if the name is already taken (the current provider is left in place).
  bool Provide(const std::string& name, Entry entry);
  std::optional<Entry> Find(const std::string& name) const;
  void RemoveProvider(const std::string& provider);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> services_;
};

}  // namespace sr::host
