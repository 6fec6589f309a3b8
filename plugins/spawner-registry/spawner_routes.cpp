#include "spawner_routes.h"

#include <sr/text.hpp>

#include "json_text.h"
#include "spawner_json.h"
#include "spawner_request.h"

namespace sr::spawner_registry {

namespace {

constexpr std::string_view kJson = "application/json";
// Keys of every role reach the routes that act on one spawner; the handlers then decide
// which spawner (spawner_access.h). Listing and spawning need an operator.
constexpr std::string_view kSpawnerGuard = "api-key";
constexpr std::string_view kReadOneGuard = "api-key|session:viewer";
constexpr std::string_view kDeleteGuard = "api-key|session:operator";
constexpr std::string_view kListGuard = "api-key:operator|session:viewer";
constexpr std::string_view kSpawnGuard = "api-key:operator|session:operator";

std::string NotFound(SpawnerId id) { return "spawner " + std::to_string(id) + " not found"; }

std::string Actor(const sr::Request& request) {
  return std::string(request.Attribute("user").value_or("anonymous"));
}

// Writes the answer to a registration or deletion.
void WriteOutcome(sr::Response& response, const ChangeOutcome& outcome,
                  std::string_view success_json, int success_status) {
  switch (outcome.result) {
    case ChangeOutcome::Result::kOk:
      response.Json(success_status, success_json);
      break;
    case ChangeOutcome::Result::kNotFound:
      response.Error(404, NotFound(outcome.id));
      break;
    case ChangeOutcome::Result::kUnavailable:
    case ChangeOutcome::Result::kFull:
      response.Error(503, outcome.message);
      break;
  }
}

std::string RegisteredJson(const ChangeOutcome& outcome) {
  std::string json = "{\"id\":";
  AppendUnsigned(json, outcome.id);
  json += ",\"token\":";
  sr::AppendJsonString(json, outcome.token);
  json += '}';
  return json;
}

void WriteSpawnResult(sr::Response& response, const SpawnResult& result, SpawnerId id,
                      const std::string& target, std::chrono::milliseconds timeout) {
  std::string who = "spawner " + std::to_string(id) + " at " + target;
  switch (result.kind) {
    case SpawnResult::Kind::kResponse:
      response.Send(result.status, result.body, result.content_type);
      break;
    case SpawnResult::Kind::kUnreachable:
      response.Error(502, who + " is unreachable: " + result.message);
      break;
    case SpawnResult::Kind::kTimeout:
      response.Error(504,
                     who + " did not answer within " + std::to_string(timeout.count()) + " ms");
      break;
    case SpawnResult::Kind::kTooLarge:
    case SpawnResult::Kind::kFailed:
      response.Error(502, who + " failed: " + result.message);
      break;
    case SpawnResult::Kind::kRefused:
      response.Error(403, result.message);
      break;
  }
}

std::string SpawnOutcomeText(const SpawnResult& result) {
  switch (result.kind) {
    case SpawnResult::Kind::kResponse:
      return "status " + std::to_string(result.status);
    case SpawnResult::Kind::kUnreachable:
      return "unreachable";
    case SpawnResult::Kind::kTimeout:
      return "timed out";
    case SpawnResult::Kind::kTooLarge:
      return "answer too large";
    case SpawnResult::Kind::kFailed:
      return "failed: " + result.message;
    case SpawnResult::Kind::kRefused:
      return "refused: " + result.message;
  }
  return "failed";
}

}  // namespace

SpawnerRoutes::SpawnerRoutes(sr::Host& host, Registry& registry, SpawnClient& spawn_client,
                             Options options)
    : host_(host), registry_(registry), spawn_client_(spawn_client), options_(std::move(options)) {}

void SpawnerRoutes::Add() {
  sr::RouteOptions small{.blocking = false, .max_body_bytes = options_.max_body_bytes};
  // Member routes: the host reaches each handler through one trampoline (no std::function).
  host_.Route<&SpawnerRoutes::Register>("POST", "/api/spawners", kSpawnerGuard, this, small);
  host_.Route<&SpawnerRoutes::Heartbeat>("POST", "/api/spawners/{id}/heartbeat", kSpawnerGuard,
                                         this, small);
  host_.Route<&SpawnerRoutes::List>("GET", "/api/spawners", kListGuard, this, small);
  host_.Route<&SpawnerRoutes::GetOne>("GET", "/api/spawners/{id}", kReadOneGuard, this, small);
  host_.Route<&SpawnerRoutes::Delete>("DELETE", "/api/spawners/{id}", kDeleteGuard, this, small);
  host_.Route<&SpawnerRoutes::Spawn>("POST", "/api/spawners/{id}/spawn", kSpawnGuard, this, small);
}

Caller SpawnerRoutes::CallerOf(const sr::Request& request) const {
  CallerAttributes attributes{request.Attribute("auth"), request.Attribute("role"),
                              request.Attribute("spawner_id")};
  return sr::spawner_registry::CallerOf(attributes, request.ClientIp(),
                                        options_.bind_shared_key_to_address);
}

bool SpawnerRoutes::MayAct(sr::Request& request, sr::Response& response, SpawnerId id) {
  std::optional<Access> access = registry_.Authorize(id, CallerOf(request));
  if (!access) {
    response.Error(404, NotFound(id));
    return false;
  }
  if (Permits(*access)) return true;
  response.Error(403, ForbiddenMessage(*access, id));
  return false;
}

std::optional<SpawnerId> SpawnerRoutes::PathId(sr::Request& request, sr::Response& response) {
  Parsed<SpawnerId> id = ParseSpawnerId(request.PathParam("id").value_or(""));
  if (!id.has_value()) {
    response.Error(400, id.error());
    return std::nullopt;
  }
  return *id;
}

void SpawnerRoutes::Audit(std::string_view action, SpawnerId id, std::string_view actor,
                          std::string_view ip, std::string_view detail) {
  std::string json = "{\"actor\":";
  sr::AppendJsonString(json, actor);
  json += ",\"action\":";
  sr::AppendJsonString(json, action);
  json += ",\"target\":";
  sr::AppendJsonString(json, "spawner " + std::to_string(id));
  json += ",\"ip\":";
  sr::AppendJsonString(json, ip);
  json += ",\"detail\":";
  sr::AppendJsonString(json, detail);
  json += '}';
  // The change is done when its audit record goes out: a lost record is logged, it does not
  // fail the request (and nobody listens once the host shuts down).
  try {
    host_.Publish("audit.record", json);
  } catch (const sr::ShuttingDown&) {
  } catch (const sr::Error& error) {
    host_.Warn(std::string("audit record lost: ") + error.what());
  }
}

void SpawnerRoutes::Register(sr::Request& request, sr::Response& response) {
  if (CallerOf(request).kind == Caller::Kind::kToken) {
    return response.Error(403, TokenCannotRegisterMessage());
  }
  Parsed<Registration> registration = ParseRegistration(request.Body());
  if (!registration.has_value()) return response.Error(400, registration.error());
  std::string registered_from(request.ClientIp());
  if (!options_.targets.MayRegister(registration->host, registered_from)) {
    return response.Error(400, "host: " + RefusedTargetMessage(registration->host) +
                                   " (a spawn to it would be refused)");
  }
  auto write = [](sr::Response& out, const ChangeOutcome& outcome) {
    WriteOutcome(out, outcome, RegisteredJson(outcome), 201);
  };
  if (!registry_.persistent()) {
    // Without a store, `done` runs before Register returns: the response is still ours.
    registry_.Register(std::move(*registration), std::move(registered_from),
                       [&](const ChangeOutcome& outcome) { write(response, outcome); });
    return;
  }
  auto deferred = host_.Defer(request, response);
  auto finish = [deferred, write](const ChangeOutcome& outcome) {
    write(deferred->response(), outcome);
    deferred->Complete();
  };
  if (!registry_.clustered()) {
    registry_.Register(std::move(*registration), std::move(registered_from), finish);
    return;
  }
  // In cluster mode the id is drawn from the database first, a round trip that must not hold
  // an I/O thread.
  try {
    host_.Run("spawner registration",
              [this, registration = std::move(*registration),
               registered_from = std::move(registered_from), finish]() mutable {
                registry_.Register(std::move(registration), std::move(registered_from), finish);
              });
  } catch (const sr::Error& error) {  // shutting down, or no task can be queued
    finish(ChangeOutcome{ChangeOutcome::Result::kUnavailable, 0,
                         std::string("the registration could not start: ").append(error.what())});
  }
}

void SpawnerRoutes::Heartbeat(sr::Request& request, sr::Response& response) {
  std::optional<SpawnerId> id = PathId(request, response);
  if (!id) return;
  Parsed<HeartbeatUpdate> update = ParseHeartbeat(request.Body());
  if (!update.has_value()) return response.Error(400, update.error());
  std::optional<Access> access = registry_.Heartbeat(*id, *update, CallerOf(request));
  if (!access) return response.Error(404, NotFound(*id));
  if (!Permits(*access)) return response.Error(403, ForbiddenMessage(*access, *id));
  options_.heartbeats.Inc();
  response.Json(200, "{\"status\":\"ok\"}");
}

void SpawnerRoutes::List(sr::Request& request, sr::Response& response) {
  bool gzip = AcceptsGzip(request.Header("Accept-Encoding").value_or(""));
  SpawnerListCache& list = registry_.list();
  if (auto fresh = list.Fresh()) return SendList(request, response, fresh->json, gzip);
  // Stale: the build runs on a worker thread; this request waits for it without a thread.
  auto deferred = host_.Defer(request, response);
  bool must_build = false;
  auto ready = list.GetOrWait(
      [this, deferred, gzip](const SpawnerListCache::Snapshot& snapshot) {
        SendDeferredList(deferred, snapshot.json, gzip);
      },
      must_build);
  if (ready) return SendDeferredList(deferred, ready->json, gzip);
  if (!must_build) return;
  try {
    host_.Run("spawner list", [this] { registry_.list().Build(); });
  } catch (const sr::ShuttingDown&) {
    // The host takes no more tasks (shutting down): build here rather than leave readers
    // waiting for a build that never comes.
    registry_.list().Build();
  }
}

void SpawnerRoutes::SendList(sr::Request& request, sr::Response& response,
                             const std::shared_ptr<const std::string>& json, bool gzip) {
  if (!gzip || json->size() < kGzipThresholdBytes) return response.Shared(200, json, kJson);
  if (auto ready = compressed_.Ready(json)) return SendGzip(response, ready);
  SendDeferredList(host_.Defer(request, response), json, gzip);
}

void SpawnerRoutes::SendDeferredList(const std::shared_ptr<sr::DeferredResponse>& deferred,
                                     const std::shared_ptr<const std::string>& json, bool gzip) {
  if (!gzip || json->size() < kGzipThresholdBytes) {
    deferred->response().Shared(200, json, kJson);
    deferred->Complete();
    return;
  }
  bool must_compress = false;
  if (auto ready = compressed_.GetOrWait(
          json,
          [deferred](const CompressedList::Source& compressed) {
            SendGzip(deferred->response(), compressed);
            deferred->Complete();
          },
          must_compress)) {
    SendGzip(deferred->response(), ready);
    deferred->Complete();
    return;
  }
  if (must_compress) StartCompression();
}

void SpawnerRoutes::SendGzip(sr::Response& response, const CompressedList::Source& compressed) {
  response.AddHeader("Content-Encoding", "gzip");
  response.AddHeader("Vary", "Accept-Encoding");
  response.Shared(200, compressed, kJson);
}

void SpawnerRoutes::StartCompression() {
  try {
    host_.Run("spawner list gzip", [this] { compressed_.Compress(); });
  } catch (const sr::ShuttingDown&) {
    compressed_.Compress();  // shutting down: finish the waiting responses here
  }
}

void SpawnerRoutes::GetOne(sr::Request& request, sr::Response& response) {
  std::optional<SpawnerId> id = PathId(request, response);
  if (!id || !MayAct(request, response, *id)) return;
  std::optional<SpawnerSnapshot> spawner = registry_.Get(*id);
  if (!spawner) return response.Error(404, NotFound(*id));
  response.Json(200, SpawnerJson(*spawner));
}

void SpawnerRoutes::Delete(sr::Request& request, sr::Response& response) {
  std::optional<SpawnerId> id = PathId(request, response);
  if (!id || !MayAct(request, response, *id)) return;
  auto finish = [this, actor = Actor(request), ip = std::string(request.ClientIp())](
                    sr::Response& out, const ChangeOutcome& outcome) {
    WriteOutcome(out, outcome, "{\"message\":\"deleted\"}", 200);
    if (outcome.result == ChangeOutcome::Result::kOk) {
      Audit("spawner.delete", outcome.id, actor, ip, "deleted");
    }
  };
  if (!registry_.persistent()) {
    registry_.Delete(*id, [&](const ChangeOutcome& outcome) { finish(response, outcome); });
    return;
  }
  auto deferred = host_.Defer(request, response);
  registry_.Delete(*id, [deferred, finish](const ChangeOutcome& outcome) {
    finish(deferred->response(), outcome);
    deferred->Complete();
  });
}

void SpawnerRoutes::Spawn(sr::Request& request, sr::Response& response) {
  std::optional<SpawnerId> id = PathId(request, response);
  if (!id) return;
  std::shared_ptr<const SpawnerIdentity> identity = registry_.Identity(*id);
  if (!identity) return response.Error(404, NotFound(*id));
  SpawnCall call;
  call.host = identity->host;
  call.port = identity->port;
  call.body = std::string(request.Body());
  call.content_type = std::string(request.Header("Content-Type").value_or(""));
  call.owner_on_loopback = SpawnTargetPolicy::IsLoopbackAddress(identity->registered_from);
  std::string target = identity->host + ":" + std::to_string(identity->port);
  auto deferred = host_.Defer(request, response);
  auto done = [this, deferred, id = *id, target, actor = Actor(request),
               ip = std::string(request.ClientIp())](SpawnResult result) {
    WriteSpawnResult(deferred->response(), result, id, target, spawn_client_.timeout());
    deferred->Complete();
    Audit("spawner.spawn", id, actor, ip, SpawnOutcomeText(result));
    // The agent's answer, for plugins that track instances (game-instances).
    if (result.kind == SpawnResult::Kind::kResponse) {
      try {
        host_.Publish("spawner.spawned", "{\"spawner_id\":" + std::to_string(id) +
                                             ",\"status\":" + std::to_string(result.status) +
                                             ",\"body\":" + sr::JsonString(result.body) + "}");
      } catch (const sr::Error&) {  // nobody listens once the host shuts down
      }
    }
  };
  if (!spawn_client_.Post(std::move(call), done)) {
    deferred->response().Error(503, "too many spawn requests are in flight; try again");
    deferred->Complete();
  }
}

}  // namespace sr::spawner_registry
