#include "fleet_traffic.h"

#include <chrono>
#include <sstream>

#include "fleet_api.h"
#include "http_client.h"

namespace sr::test::cluster {

namespace {

std::string Statuses(const std::map<int, std::uint64_t>& statuses) {
  std::ostringstream out;
  for (const auto& [status, count] : statuses) out << " " << status << "x" << count;
  return out.str();
}

}  // namespace

std::set<std::uint64_t> TrafficRecord::MustExist() const {
  std::set<std::uint64_t> ids;
  for (std::uint64_t id : registered) {
    if (deleted.count(id) == 0 && delete_unknown.count(id) == 0) ids.insert(id);
  }
  return ids;
}

std::string TrafficRecord::Summary() const {
  std::ostringstream out;
  out << registered.size() << " registrations acknowledged, " << deleted.size()
      << " deletions acknowledged; registrations" << Statuses(registration_statuses)
      << "; heartbeats" << Statuses(heartbeat_statuses) << "; deletions"
      << Statuses(delete_statuses);
  return out.str();
}

FleetTraffic::FleetTraffic(std::vector<std::uint16_t> ports, int threads_per_master) {
  records_.resize(ports.size() * static_cast<std::size_t>(threads_per_master));
  std::size_t index = 0;
  for (std::uint16_t port : ports) {
    for (int t = 0; t < threads_per_master; ++t, ++index) {
      // Spawner ports differ per thread so that every registration is a distinct agent.
      int spawner_port_base = 10000 + static_cast<int>(index) * 1000;
      threads_.emplace_back(
          [this, port, spawner_port_base, index] { Run(port, spawner_port_base, records_[index]); });
    }
  }
}

FleetTraffic::~FleetTraffic() { Stop(); }

TrafficRecord FleetTraffic::Stop() {
  stop_ = true;
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  TrafficRecord all;
  for (const TrafficRecord& record : records_) {
    all.registered.insert(record.registered.begin(), record.registered.end());
    all.deleted.insert(record.deleted.begin(), record.deleted.end());
    all.delete_unknown.insert(record.delete_unknown.begin(), record.delete_unknown.end());
    all.registrations_unacknowledged += record.registrations_unacknowledged;
    for (const auto& [status, count] : record.registration_statuses) {
      all.registration_statuses[status] += count;
    }
    for (const auto& [status, count] : record.heartbeat_statuses) {
      all.heartbeat_statuses[status] += count;
    }
    for (const auto& [status, count] : record.delete_statuses) all.delete_statuses[status] += count;
  }
  return all;
}

void FleetTraffic::Run(std::uint16_t port, int spawner_port_base, TrafficRecord& record) {
  HttpClient client(port);
  client.set_timeout(std::chrono::seconds(5));
  std::vector<std::uint64_t> mine;  // registered through this thread, not deleted
  std::uint64_t round = 0;
  while (!stop_) {
    ++round;
    int status = 0;
    std::optional<std::uint64_t> id =
        Register(client, spawner_port_base + static_cast<int>(round % 1000), &status);
    ++record.registration_statuses[status];
    if (id) {
      record.registered.insert(*id);
      mine.push_back(*id);
      ++acknowledged_;
    } else if (status == 0 || status >= 500) {
      ++record.registrations_unacknowledged;
    }
    if (!mine.empty()) {
      ++record.heartbeat_statuses[Heartbeat(client, mine[round % mine.size()],
                                            static_cast<int>(round % 10))];
    }
    if (round % 8 == 0 && !mine.empty()) {
      std::uint64_t victim = mine.front();
      int deleted = Delete(client, victim);
      ++record.delete_statuses[deleted];
      if (deleted == 200) {
        record.deleted.insert(victim);
        mine.erase(mine.begin());
      } else if (deleted == 0 || deleted >= 500) {
        // Unanswered, or refused while the database is away: asked again later, and until
        // then the spawner may or may not exist.
        record.delete_unknown.insert(victim);
      } else {
        // 404 after an unanswered attempt that did go through (any other case shows in the
        // statuses); asking again would not change the answer.
        record.delete_unknown.insert(victim);
        mine.erase(mine.begin());
      }
    }
    // A refused connection (the master is dead or not yet back) is retried, not spun on.
    if (status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace sr::test::cluster
