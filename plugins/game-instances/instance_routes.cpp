#include "instance_routes.h"

#include <charconv>
#include <sr/text.hpp>

#include "allocation_request.h"

namespace sr::game_instances {

namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kOperator = "api-key:operator|session:operator";

std::string Wrapped(const Instance& instance) {
  return "{\"instance\":" + InstanceJson(instance) + "}";
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::uint64_t> ParseUint(std::string_view text) {
  std::uint64_t value = 0;
  auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

void InstanceRoutes::Add() {
  host_.Route(
      "POST", "/api/allocations", kOperator,
      [this](sr::Request& q, sr::Response& r) { Allocate(q, r); },
      sr::RouteOptions{.max_body_bytes = 4096});
  host_.Route("GET", "/api/instances", "api-key|session:viewer",
              [this](sr::Request& q, sr::Response& r) { List(q, r); });
  host_.Route("GET", "/api/instances/{id}", "api-key|session:viewer",
              [this](sr::Request& q, sr::Response& r) { GetOne(q, r); });
  host_.Route("DELETE", "/api/instances/{id}", kOperator,
              [this](sr::Request& q, sr::Response& r) { Delete(q, r); });
  host_.Route("GET", "/api/regions", "api-key:operator|session:viewer",
              [this](sr::Request& q, sr::Response& r) { Regions(q, r); });
}

InstanceRoutes::Reader InstanceRoutes::ReaderOf(const sr::Request& request) const {
  std::string_view auth = request.Attribute("auth").value_or("");
  std::string_view role = request.Attribute("role").value_or("");
  Reader reader;
  if (auth == "spawner-token") {
    // Id 0 is no spawner's: an unreadable attribute reads nothing.
    reader.only_spawner = ParseUint(request.Attribute("spawner_id").value_or("")).value_or(0);
  } else if (auth == "api-key" && role != "operator" && role != "admin") {
    reader.allowed = false;  // the fleet's shared spawner key
  }
  return reader;
}

void InstanceRoutes::Allocate(sr::Request& request, sr::Response& response) {
  auto parsed = ParseAllocationRequest(request.Body());
  if (auto* message = std::get_if<std::string>(&parsed)) return response.Error(400, *message);
  auto deferred = host_.Defer(request, response);
  std::string retry_after = std::to_string(options_.retry_after.count());
  allocator_.Allocate(std::get<AllocationRequest>(parsed),
                      [deferred, retry_after](AllocationOutcome outcome) {
                        sr::Response& out = deferred->response();
                        if (outcome.instance) {
                          out.Send(201, Wrapped(*outcome.instance), kJson);
                        } else {
                          if (outcome.status == 503) out.AddHeader("Retry-After", retry_after);
                          out.Error(outcome.status, outcome.error);
                        }
                        deferred->Complete();
                      });
}

void InstanceRoutes::List(sr::Request& request, sr::Response& response) {
  Reader reader = ReaderOf(request);
  if (!reader.allowed) {
    return response.Error(403,
                          "a shared spawner key cannot read instances: use an operator key, a "
                          "signed-in session or the spawner's own token");
  }
  Fleet::Filter filter;
  if (auto region = request.QueryParam("region")) filter.region = std::string(*region);
  if (auto text = request.QueryParam("spawner_id")) {
    auto id = ParseUint(*text);
    if (!id) return response.Error(400, "spawner_id: must be a spawner id (a whole number)");
    filter.spawner_id = *id;
  }
  if (auto status = request.QueryParam("status")) {
    if (*status != kRunning && *status != kStopped && *status != kGone) {
      return response.Error(400, "status: must be running, stopped or gone");
    }
    filter.status = std::string(*status);
  }
  if (reader.only_spawner) {
    if (filter.spawner_id && *filter.spawner_id != *reader.only_spawner) {
      return response.Error(403, "a spawner's token reads only its own instances");
    }
    filter.spawner_id = reader.only_spawner;
  }
  std::vector<Instance> instances = fleet_.List(filter);
  std::string body = "[";
  body.reserve(instances.size() * 320 + 2);
  for (std::size_t i = 0; i < instances.size(); ++i) {
    if (i > 0) body += ',';
    AppendInstanceJson(body, instances[i]);
  }
  body += ']';
  response.Send(200, body, kJson);
}

std::optional<Instance> InstanceRoutes::PathInstance(sr::Request& request, sr::Response& response) {
  std::string_view id = request.PathParam("id").value_or("");
  std::optional<std::uint64_t> number = ParseInstanceId(id);
  std::optional<Instance> instance;
  if (number) instance = fleet_.Get(*number);
  if (!instance) response.Error(404, "no instance '" + std::string(id) + "'");
  return instance;
}

void InstanceRoutes::GetOne(sr::Request& request, sr::Response& response) {
  Reader reader = ReaderOf(request);
  if (!reader.allowed) {
    return response.Error(403, "a shared spawner key cannot read instances");
  }
  std::optional<Instance> instance = PathInstance(request, response);
  if (!instance) return;
  if (reader.only_spawner && *reader.only_spawner != instance->spawner_id) {
    return response.Error(403, "a spawner's token reads only its own instances");
  }
  response.Send(200, InstanceJson(*instance), kJson);
}

void InstanceRoutes::Delete(sr::Request& request, sr::Response& response) {
  std::optional<Instance> instance = PathInstance(request, response);
  if (!instance) return;
  if (!instance->running()) {
    return response.Error(409,
                          "instance " + instance->id() + " is " + instance->status + " already");
  }
  auto deferred = host_.Defer(request, response);
  AgentCall call{"DELETE", instance->host, 0, "/instance/", {}};
  // The agent listens where its spawner registered, not on the instance's game port.
  std::optional<Fleet::Poll> agent = fleet_.BeginPoll(instance->spawner_id, NowMs());
  if (!agent) {
    deferred->response().Error(502, "spawner " + std::to_string(instance->spawner_id) +
                                        " of instance " + instance->id() +
                                        " is no longer registered");
    return deferred->Complete();
  }
  call.host = agent->host;
  call.port = agent->port;
  call.path += instance->agent_instance_id;  // the agent's own id, as it gave it
  std::uint64_t number = instance->number;
  std::string id = instance->id();
  bool started = agents_.Start(std::move(call), [this, deferred, number, id](AgentResult result) {
    sr::Response& out = deferred->response();
    if (result.ok()) {
      if (std::optional<Instance> stopped = fleet_.MarkStopped(number, NowMs())) {
        journal_.Ended({*stopped}, "deleted");
        out.Send(200, Wrapped(*stopped), kJson);
      } else {  // a poll found it gone meanwhile
        out.Send(200, Wrapped(*fleet_.Get(number)), kJson);
      }
    } else if (result.kind == AgentResult::Kind::kResponse) {
      out.Error(502, "the agent refused to stop " + id + " (" + std::to_string(result.status) +
                         "): " + AgentErrorMessage(result.body));
    } else {
      out.Error(result.kind == AgentResult::Kind::kTimeout ? 504 : 502,
                "the agent of " + id + " did not answer: " + result.message);
    }
    deferred->Complete();
  });
  if (!started) {
    deferred->response().Error(503, "too many agent calls are in flight; try again");
    deferred->Complete();
  }
}

void InstanceRoutes::Regions(sr::Request&, sr::Response& response) {
  std::string body = "[";
  bool first = true;
  for (const auto& row : fleet_.Regions(NowMs())) {
    if (!first) body += ',';
    first = false;
    body += "{\"region\":";
    sr::AppendJsonString(body, row.region);
    body += ",\"spawners\":" + std::to_string(row.spawners) +
            ",\"healthy\":" + std::to_string(row.healthy) +
            ",\"capacity\":" + std::to_string(row.capacity) +
            ",\"used\":" + std::to_string(row.used) +
            ",\"reserved\":" + std::to_string(row.reserved) +
            ",\"free\":" + std::to_string(row.free) + "}";
  }
  body += ']';
  response.Send(200, body, kJson);
}

}  // namespace sr::game_instances
