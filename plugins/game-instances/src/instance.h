// One game instance as the master tracks it, and its JSON forms: the public object of the
// HTTP API and events, and the stored record (the same object: it is what a restart reads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sr::game_instances {

struct Instance {
  std::uint64_t number = 0;  // the n of the id "i-<n>": unique, never reused
  std::uint64_t spawner_id = 0;
  std::string agent_instance_id;
  std::string region;
  std::string host;
  std::uint16_t port = 0;
  std::string status;            // "running", "stopped" (deleted) or "gone" (left its agent)
  std::string started_at;        // RFC 3339, as the agent reported it (or when recorded)
  std::string source;            // "allocation", "spawn" or "adopted"
  std::int64_t recorded_ms = 0;  // Unix ms when the master learned of it
  std::int64_t ended_ms = 0;     // Unix ms when it became stopped or gone; 0 while running

  std::string id() const { return "i-" + std::to_string(number); }
  bool running() const { return status == "running"; }
};

inline constexpr std::string_view kRunning = "running";
inline constexpr std::string_view kStopped = "stopped";
inline constexpr std::string_view kGone = "gone";

// {"id","spawner_id","agent_instance_id","region","host","port","address","status",
//  "started_at","source"} plus "ended_at" once ended and "reason" when given (events).
std::string InstanceJson(const Instance& instance, std::string_view reason = {});
// Appends InstanceJson(instance) to `out`.
void AppendInstanceJson(std::string& out, const Instance& instance, std::string_view reason = {});
// The stored form back; nullopt for a record that is not one.
std::optional<Instance> InstanceFromJson(std::string_view json);
// "i-<n>" → n; nullopt for anything else.
std::optional<std::uint64_t> ParseInstanceId(std::string_view id);

}  // namespace sr::game_instances
