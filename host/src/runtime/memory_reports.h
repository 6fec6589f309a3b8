#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sr::host {

// The plugins that report their memory (ABI 1.3, on_plugin_memory), while they run. Knows no
// ABI type: a reporter is a function the plugin layer builds around the plugin's hook.
class MemoryReports {
 public:
  using Item = std::function<void(std::string_view item, std::uint64_t bytes)>;
  using Reporter = std::function<void(const Item& item)>;
  using Visit =
      std::function<void(std::string_view plugin, std::string_view item, std::uint64_t bytes)>;

  // After the plugin started. Reports come in the order plugins were added.
  void Add(std::string plugin, Reporter reporter);
  // Before the plugin stops; waits for a report of it in progress.
  void Remove(std::string_view plugin);
  // Calls `visit` with every item of every running plugin.
  void Read(const Visit& visit) const;

 private:
  struct Entry {
    std::string plugin;
    Reporter reporter;
  };
  // Held while reporting, so that Remove cannot return while a plugin's hook still runs.
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace sr::host
