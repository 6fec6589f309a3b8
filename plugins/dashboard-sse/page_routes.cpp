#include "page_routes.h"

#include <array>
#include <sr/plugin.hpp>
#include <string>

namespace sr::dashboard {

namespace {

struct Page {
  std::string_view path;
  std::string_view guard;
  std::string_view file;  // key in the static file set
};

constexpr std::array<Page, 7> kPages = {{
    {"/", "session:viewer", "/pages/dashboard.html"},
    {"/dashboard", "session:viewer", "/pages/dashboard.html"},
    {"/errors", "session:viewer", "/pages/errors.html"},
    {"/instances", "session:viewer", "/pages/instances.html"},
    {"/builds", "session:operator", "/pages/builds.html"},
    {"/users", "session:admin", "/pages/users.html"},
    {"/audit", "session:admin", "/pages/audit.html"},
}};

// The pages load scripts and styles from /assets only; the auth plugin sets the same policy,
// and this keeps it when the dashboard runs without auth (tests, a trusted network).
constexpr std::string_view kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// Validators instead of max-age: the files have stable names, and a 304 costs one round trip.
void SendFile(sr::Request& request, sr::Response& response, const StaticFile& file) {
  response.AddHeader("ETag", file.etag);
  response.AddHeader("Cache-Control", "no-cache");
  response.AddHeader("X-Content-Type-Options", "nosniff");
  if (auto validators = request.Header("If-None-Match");
      validators && EtagMatches(*validators, file.etag)) {
    response.SetStatus(304);
    return;
  }
  response.Shared(200, file.body, file.content_type);
}

}  // namespace

void RegisterPageRoutes(sr::Host& host, const StaticFileCache& files) {
  for (const Page& page : kPages) {
    host.Route("GET", page.path, page.guard,
               [&files, page](sr::Request& request, sr::Response& response) {
                 auto set = files.Current();
                 const StaticFile* file = set->Find(page.file);
                 if (file == nullptr) {
                   response.Error(500, "the page " + std::string(page.file) +
                                           " is missing from the dashboard's web_root");
                   return;
                 }
                 response.AddHeader("Content-Security-Policy", kPagePolicy);
                 SendFile(request, response, *file);
               });
  }

  // Browsers ask for it on every page without a <link rel="icon">, the sign-in page included;
  // answering spares the error log a 404 per visit.
  host.Route("GET", "/favicon.ico", "public",
             [&files](sr::Request& request, sr::Response& response) {
               auto set = files.Current();
               const StaticFile* file = set->Find("/assets/img/favicon.svg");
               if (file == nullptr) {
                 response.Error(404, "no favicon");
                 return;
               }
               SendFile(request, response, *file);
             });

  host.Route("GET", "/assets/{path*}", "public",
             [&files](sr::Request& request, sr::Response& response) {
               std::optional<std::string> relative =
                   SafeRelativePath(request.PathParam("path").value_or(""));
               auto set = files.Current();
               const StaticFile* file = relative ? set->Find("/assets/" + *relative) : nullptr;
               if (file == nullptr) {
                 response.Error(404, "no such asset");
                 return;
               }
               SendFile(request, response, *file);
             });
}

}  // namespace sr::dashboard
