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
constexpr std::string_view kDatabaseDown =
    "the database is unreachable: builds cannot be uploaded until it is back";

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
                         ServedBuild& served, BuildEvents& events, ClusterBuilds* cluster,
                         std::uint64_t chunk_size, bool operators_can_activate)
    : host_(host),
      builds_(builds),
      uploads_(uploads),
      served_(served),
      events_(events),
      cluster_(cluster),
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
  if (cluster_ != nullptr && !cluster_->Healthy()) {
    // The build would reach this master only: refuse it before the client sends the bytes.
    return WriteError(response,
                      Error{ErrorKind::kUnavailable, std::string(kDatabaseDown), std::nullopt});
  }
  if (builds_.HasVersion(upload.version) ||
      (cluster_ != nullptr && cluster_->catalog().Find(upload.version))) {
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
  BuildPublisher publish;
  std::optional<PublishedBuild> published;
  if (cluster_ != nullptr) {
    publish = [&](int part_fd, const BuildRecord& build, InstallMode install) -> Status {
      Result<PublishedBuild> stored =
          cluster_->Publish(part_fd, build, install == InstallMode::kMakeCurrent, actor);
      if (!stored.has_value()) return tl::make_unexpected(stored.error());
      published = std::move(stored.value());
      return {};
    };
  }
  Result<CommittedBuild> committed = CommitUpload(uploads_, builds_, id, UnixNow(), mode, publish);
  if (published) {
    // Installed here or not, the build is the cluster's now: a copy is fetched on first use.
    std::string warning = cluster_->Adopt(*published);
    if (!warning.empty()) host_.Warn(warning);
  }
  if (!committed.has_value()) {
    const Error& error = committed.error();
    if (error.kind == ErrorKind::kUnprocessable && !error.received) {
      events_.Audit(actor, "build.upload_rejected", version, ip, error.message);
    }
    return WriteError(response, error);
  }
  Activation& activation = committed.value().activation;
  if (published) {
    // The cluster's current build is what this one replaced, not the file served here.
    activation.previous = published->previous;
    if (!published->warning.empty()) host_.Warn(published->warning);
  }
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
  // A cluster's current build is the shared pointer: asking which file this master serves
  // would start a fetch when it is behind.
  if (cluster_ != nullptr) {
    if (std::optional<CurrentPointer> pointer = cluster_->catalog().Current()) {
      return AnswerList(response, pointer->version);
    }
  }
  served_.With(request, response,
               [this](sr::Request&, sr::Response& answer, Result<ResolvedBuild> served) {
                 std::optional<std::string> current;
                 if (served.has_value()) current = served.value().build.version;
                 AnswerList(answer, current);
               });
}

void BuildRoutes::AnswerList(sr::Response& response, const std::optional<std::string>& current) {
  if (cluster_ == nullptr) return response.Json(200, BuildListJson(builds_.Builds(), current));
  std::vector<BuildRecord> builds;
  for (ClusterBuild& build : cluster_->catalog().Builds()) builds.push_back(std::move(build.build));
  response.Json(200, BuildListJson(builds, current));
}

void BuildRoutes::ActivateBuild(sr::Request& request, sr::Response& response) {
  std::string version(request.PathParam("version").value_or(""));
  if (!IsValidVersion(version)) return response.Error(400, "invalid version");
  const std::string actor = Actor(request);
  Result<Activation> activated = Activate(version, actor);
  if (!activated.has_value()) return WriteError(response, activated.error());
  const Activation& activation = activated.value();
  if (activation.previous != activation.build.version) {
    host_.Info("build " + version + " made current by " + actor);
    events_.Activated(activation.build, activation.previous, actor);
    events_.Audit(actor, "build.activate", version, request.ClientIp(),
                  "previous: " + activation.previous.value_or("none"));
  }
  response.Json(200, BuildJson(activation.build, true));
}

// On a master of a cluster only the shared pointer changes: every master (this one included)
// brings its served file up to date at its next download.
Result<Activation> BuildRoutes::Activate(const std::string& version, const std::string& actor) {
  if (cluster_ == nullptr) return builds_.Activate(version);
  Result<CatalogChange> changed = cluster_->Activate(version, actor);
  if (!changed.has_value()) return tl::make_unexpected(changed.error());
  return Activation{changed.value().build, changed.value().previous};
}

}  // namespace sr::file_distribution
