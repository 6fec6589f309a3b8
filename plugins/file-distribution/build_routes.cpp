#include "build_routes.h"

#include <functional>

#include "api_json.h"
#include "build_commit.h"
#include "commit_policy.h"
#include "http_errors.h"
#include "names.h"
#include "time_format.h"
#include "upload_request.h"

namespace sr::file_distribution {

namespace {

constexpr std::string_view kUploadGuard = "session:operator|api-key:operator";
constexpr std::string_view kListGuard = "session:viewer|api-key:operator";
constexpr std::string_view kActivateGuard = "session:admin|api-key:admin";
constexpr std::uint64_t kUploadRequestMaxBytes = 16 << 10;

std::string UploadId(const sr::Request& request) {
  return std::string(request.PathParam("id").value_or(""));
}

std::string CommitDetail(const CommittedBuild& committed) {
  const BuildRecord& build = committed.activation.build;
  return "size " + std::to_string(build.size) + ", sha256 " + build.sha256 + ", " +
         std::to_string(committed.zip_entries) + " zip entries";
}

}  // namespace

BuildRoutes::BuildRoutes(sr::Host& host, BuildStore& builds, UploadStore& uploads,
                         ServedBuild& served, BuildEvents& events, std::uint64_t chunk_size,
                         bool operators_can_activate)
    : host_(host),
      builds_(builds),
      uploads_(uploads),
      served_(served),
      events_(events),
      chunk_size_(chunk_size),
      operators_can_activate_(operators_can_activate) {}

void BuildRoutes::Add() {
  auto bind = [this](void (BuildRoutes::*handler)(sr::Request&, sr::Response&)) {
    return [this, handler](sr::Request& request, sr::Response& response) {
      (this->*handler)(request, response);
    };
  };
  // Everything that touches the disk runs on worker threads.
  sr::RouteOptions small{.blocking = true, .max_body_bytes = kUploadRequestMaxBytes};
  sr::RouteOptions chunk{.blocking = true, .max_body_bytes = chunk_size_};
  host_.Route("POST", "/api/builds/uploads", kUploadGuard, bind(&BuildRoutes::CreateUpload), small);
  host_.Route("PUT", "/api/builds/uploads/{id}", kUploadGuard, bind(&BuildRoutes::AppendChunk),
              chunk);
  host_.Route("GET", "/api/builds/uploads/{id}", kUploadGuard, bind(&BuildRoutes::ShowUpload),
              small);
  host_.Route("POST", "/api/builds/uploads/{id}/commit", kUploadGuard, bind(&BuildRoutes::Commit),
              small);
  host_.Route("DELETE", "/api/builds/uploads/{id}", kUploadGuard, bind(&BuildRoutes::AbortUpload),
              small);
  host_.Route("GET", "/api/builds", kListGuard, bind(&BuildRoutes::ListBuilds),
              sr::RouteOptions{.blocking = false, .max_body_bytes = kUploadRequestMaxBytes});
  host_.Route("POST", "/api/builds/{version}/activate", kActivateGuard,
              bind(&BuildRoutes::ActivateBuild), small);
}

void BuildRoutes::CreateUpload(sr::Request& request, sr::Response& response) {
  Result<NewUpload> parsed = ParseNewUpload(request.Body());
  if (!parsed.has_value()) return WriteError(response, parsed.error());
  NewUpload& upload = parsed.value();
  if (builds_.HasVersion(upload.version)) {
    return response.Error(409, "build " + upload.version +
                                   " already exists; make it current "
                                   "with POST /api/builds/" +
                                   upload.version + "/activate");
  }
  upload.uploaded_by = Actor(request);
  Result<UploadProgress> created = uploads_.Create(upload);
  if (!created.has_value()) return WriteError(response, created.error());
  response.AddHeader("Location", "/api/builds/uploads/" + created.value().upload_id);
  response.Json(201, UploadJson(created.value(), chunk_size_));
}

void BuildRoutes::AppendChunk(sr::Request& request, sr::Response& response) {
  Result<std::uint64_t> offset = ParseOffset(request.QueryParam("offset"));
  if (!offset.has_value()) return WriteError(response, offset.error());
  Result<UploadProgress> appended =
      uploads_.Append(UploadId(request), offset.value(), request.Body());
  if (!appended.has_value()) return WriteError(response, appended.error());
  response.Json(200, ReceivedJson(appended.value().received));
}

void BuildRoutes::ShowUpload(sr::Request& request, sr::Response& response) {
  Result<UploadProgress> progress = uploads_.Progress(UploadId(request));
  if (!progress.has_value()) return WriteError(response, progress.error());
  response.Json(200, UploadJson(progress.value(), chunk_size_));
}

void BuildRoutes::Commit(sr::Request& request, sr::Response& response) {
  const std::string id = UploadId(request);
  const std::string actor = Actor(request);
  const std::string ip(request.ClientIp());
  Result<UploadProgress> progress = uploads_.Progress(id);
  if (!progress.has_value()) return WriteError(response, progress.error());
  const std::string version = progress.value().version;
  const InstallMode mode = CommitInstallMode(request.Attribute("role"), operators_can_activate_);
  Result<CommittedBuild> committed = CommitUpload(uploads_, builds_, id, UnixNow(), mode);
  if (!committed.has_value()) {
    const Error& error = committed.error();
    if (error.kind == ErrorKind::kUnprocessable && !error.received) {
      events_.Audit(actor, "build.upload_rejected", version, ip, error.message);
    }
    return WriteError(response, error);
  }
  const Activation& activation = committed.value().activation;
  const std::string outcome = CommitOutcome(version, activation.made_current);
  if (!activation.warning.empty()) host_.Warn(activation.warning);
  host_.Info("build " + version + " uploaded by " + actor + ": " + outcome);
  events_.Uploaded(activation.build);
  if (activation.made_current) events_.Activated(activation.build, activation.previous, actor);
  events_.Audit(
      actor, "build.upload", version, ip,
      CommitDetail(committed.value()) + "; " +
          (activation.made_current ? "made current" : "stored, not made current (needs an admin)"));
  response.Json(
      201, CommitJson(activation.build, activation.made_current, outcome, ActivatePath(version)));
}

void BuildRoutes::AbortUpload(sr::Request& request, sr::Response& response) {
  const std::string id = UploadId(request);
  Result<UploadProgress> progress = uploads_.Progress(id);
  if (!progress.has_value()) return WriteError(response, progress.error());
  Status aborted = uploads_.Abort(id);
  if (!aborted.has_value()) return WriteError(response, aborted.error());
  events_.Audit(Actor(request), "build.upload_abort", progress.value().version, request.ClientIp(),
                "after " + std::to_string(progress.value().received) + " of " +
                    std::to_string(progress.value().size) + " bytes");
  response.Json(200, R"({"message":"aborted"})");
}

void BuildRoutes::ListBuilds(sr::Request& request, sr::Response& response) {
  served_.With(request, response, std::bind_front(&BuildRoutes::AnswerList, this));
}

void BuildRoutes::AnswerList(sr::Request&, sr::Response& response, Result<ResolvedBuild> served) {
  std::optional<std::string> current;
  if (served.has_value()) current = served.value().build.version;
  response.Json(200, BuildListJson(builds_.Builds(), current));
}

void BuildRoutes::ActivateBuild(sr::Request& request, sr::Response& response) {
  std::string version(request.PathParam("version").value_or(""));
  if (!IsValidVersion(version)) return response.Error(400, "invalid version");
  Result<Activation> activated = builds_.Activate(version);
  if (!activated.has_value()) return WriteError(response, activated.error());
  const Activation& activation = activated.value();
  if (activation.previous != activation.build.version) {
    const std::string actor = Actor(request);
    host_.Info("build " + version + " made current by " + actor);
    events_.Activated(activation.build, activation.previous, actor);
    events_.Audit(actor, "build.activate", version, request.ClientIp(),
                  "previous: " + activation.previous.value_or("none"));
  }
  response.Json(200, BuildJson(activation.build, true));
}

}  // namespace sr::file_distribution
