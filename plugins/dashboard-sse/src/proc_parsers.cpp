#include "proc_parsers.h"

#include <charconv>
#include <vector>

namespace sr::dashboard {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view NextLine(std::string_view& text) {
  std::size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

std::string_view NextField(std::string_view& line) {
  while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
  std::size_t end = 0;
  while (end < line.size() && !IsSpace(line[end])) ++end;
  std::string_view field = line.substr(0, end);
  line.remove_prefix(end);
  return field;
}

std::optional<std::uint64_t> ToUint(std::string_view field) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (error != std::errc() || end != field.data() + field.size() || field.empty()) {
    return std::nullopt;
  }
  return value;
}

// Unsigned fields of `line` after its first (name) field, at most `max`.
std::optional<std::vector<std::uint64_t>> Numbers(std::string_view line, std::size_t max) {
  std::vector<std::uint64_t> numbers;
  while (numbers.size() < max) {
    std::string_view field = NextField(line);
    if (field.empty()) break;
    auto value = ToUint(field);
    if (!value) return std::nullopt;
    numbers.push_back(*value);
  }
  return numbers;
}

}  // namespace

std::optional<CpuTimes> ParseProcStat(std::string_view text) {
  while (!text.empty()) {
    std::string_view line = NextLine(text);
    std::string_view rest = line;
    if (NextField(rest) != "cpu") continue;
    auto numbers = Numbers(rest, 8);  // guest times are already counted in user and nice
    if (!numbers || numbers->size() < 4) return std::nullopt;
    CpuTimes times;
    for (std::uint64_t value : *numbers) times.total += value;
    times.idle = (*numbers)[3] + (numbers->size() > 4 ? (*numbers)[4] : 0);
    return times;
  }
  return std::nullopt;
}

std::optional<double> CpuBusyPercent(const CpuTimes& before, const CpuTimes& after) {
  if (after.total <= before.total || after.idle < before.idle) return std::nullopt;
  std::uint64_t total = after.total - before.total;
  std::uint64_t idle = after.idle - before.idle;
  if (idle > total) return std::nullopt;
  return 100.0 * static_cast<double>(total - idle) / static_cast<double>(total);
}

std::optional<MemInfo> ParseMemInfo(std::string_view text) {
  std::optional<std::uint64_t> total_kib;
  std::optional<std::uint64_t> available_kib;
  while (!text.empty() && !(total_kib && available_kib)) {
    std::string_view line = NextLine(text);
    std::string_view rest = line;
    std::string_view name = NextField(rest);
    if (name == "MemTotal:") {
      total_kib = ToUint(NextField(rest));
    } else if (name == "MemAvailable:") {
      available_kib = ToUint(NextField(rest));
    }
  }
  if (!total_kib || !available_kib) return std::nullopt;
  return MemInfo{*total_kib * 1024, *available_kib * 1024};
}

std::optional<NetCounters> ParseNetDev(std::string_view text) {
  NetCounters counters;
  bool any = false;
  while (!text.empty()) {
    std::string_view line = NextLine(text);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // the two header lines
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && IsSpace(name.front())) name.remove_prefix(1);
    // rx: bytes packets errs drop fifo frame compressed multicast; then tx: bytes ...
    auto numbers = Numbers(line.substr(colon + 1), 9);
    if (!numbers || numbers->size() < 9) return std::nullopt;
    any = true;
    if (name == "lo") continue;
    counters.rx_bytes += (*numbers)[0];
    counters.tx_bytes += (*numbers)[8];
  }
  if (!any) return std::nullopt;
  return counters;
}

std::optional<std::uint64_t> ParseProcessCpuTicks(std::string_view text) {
  std::size_t close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(close + 1);
  // After the command: state (field 3), ..., utime (14), stime (15).
  for (int field = 3; field < 14; ++field) {
    if (NextField(rest).empty()) return std::nullopt;
  }
  auto utime = ToUint(NextField(rest));
  auto stime = ToUint(NextField(rest));
  if (!utime || !stime) return std::nullopt;
  return *utime + *stime;
}

}  // namespace sr::dashboard
