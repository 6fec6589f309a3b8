#include "download_routes.h"

#include <functional>

#include "api_json.h"
#include "build_folder.h"
#include "download_plan.h"
#include "entity_tag.h"
#include "http_errors.h"
#include "time_format.h"

namespace sr::file_distribution {

namespace {

constexpr std::string_view kSpawnerGuard = "api-key";
constexpr std::string_view kManifestGuard = "api-key|session:viewer";
constexpr std::string_view kZipType = "application/zip";

}  // namespace

DownloadRoutes::DownloadRoutes(sr::Host& host, ServedBuild& served, std::string folder)
    : host_(host),
      served_(served),
      folder_(std::move(folder)),
      download_bytes_(sr::Counters(host, "spawner_registry_download_bytes_total",
                                   "Bytes of game server builds sent to spawners (bodies of "
                                   "200 and 206 answers to GET).")
                          .With({})) {}

void DownloadRoutes::Add() {
  host_.Route(
      "GET", "/api/spawners/download", kSpawnerGuard,
      [this](sr::Request& request, sr::Response& response) { Download(request, response); });
  host_.Route(
      "GET", "/api/spawners/download/manifest", kManifestGuard,
      [this](sr::Request& request, sr::Response& response) { Manifest(request, response); });
}

void DownloadRoutes::Download(sr::Request& request, sr::Response& response) {
  served_.With(request, response, std::bind_front(&DownloadRoutes::AnswerDownload, this));
}

void DownloadRoutes::Manifest(sr::Request& request, sr::Response& response) {
  served_.With(request, response, std::bind_front(&DownloadRoutes::AnswerManifest, this));
}

void DownloadRoutes::AnswerDownload(sr::Request& request, sr::Response& response,
                                    Result<ResolvedBuild> served) {
  if (!served.has_value()) return WriteFailure(response, served.error());
  SendBuild(request, response, served.value());
}

void DownloadRoutes::AnswerManifest(sr::Request&, sr::Response& response,
                                    Result<ResolvedBuild> served) {
  if (!served.has_value()) return WriteFailure(response, served.error());
  response.AddHeader("Cache-Control", "no-cache");
  response.Json(200, ManifestJson(served.value().build));
}

void DownloadRoutes::SendBuild(const sr::Request& request, sr::Response& response,
                               ResolvedBuild& served) {
  const std::uint64_t size = served.file.identity.size;
  const std::string etag = StrongEtag(served.build.sha256);
  DownloadConditions conditions{request.Header("Range"), request.Header("If-None-Match"),
                                request.Header("If-Range")};
  DownloadPlan plan = PlanDownload(conditions, size, etag);
  response.AddHeader("ETag", etag);
  response.AddHeader("Last-Modified", HttpDate(MtimeSeconds(served.file.identity)));
  response.AddHeader("Accept-Ranges", "bytes");
  response.AddHeader("Cache-Control", "no-cache");
  response.AddHeader("X-Build-Version", served.build.version);
  switch (plan.status) {
    case 304:
      response.SetStatus(304);
      return;
    case 416:
      response.AddHeader("Content-Range", plan.content_range);
      response.Error(416,
                     "range not satisfiable: the build has " + std::to_string(size) + " bytes");
      return;
    default:
      break;
  }
  if (plan.status == 206) response.AddHeader("Content-Range", plan.content_range);
  response.AddHeader("Content-Disposition",
                     "attachment; filename=\"" + std::string(kServedFileName) + "\"");
  response.SetStatus(plan.status);
  // The host sends the range with sendfile and closes the descriptor.
  if (!response.File(served.file.fd.Release(), plan.body.offset, plan.body.length, kZipType)) {
    return response.Error(500, "cannot send the build file");
  }
  if (request.Method() != "HEAD") download_bytes_.Inc(static_cast<double>(plan.body.length));
}

void DownloadRoutes::WriteFailure(sr::Response& response, const Error& error) const {
  if (error.kind == ErrorKind::kNotFound) {
    response.Error(404, error.message + ": put the build at " + folder_ + "/" +
                            std::string(kServedFileName) +
                            " (copy it beside, then rename it over), or upload it with POST "
                            "/api/builds/uploads (see the file-distribution README)");
    return;
  }
  WriteError(response, error);
}

}  // namespace sr::file_distribution
