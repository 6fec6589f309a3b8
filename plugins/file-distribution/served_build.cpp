#include "served_build.h"

namespace sr::file_distribution {

namespace {

// Finishes a deferred response: the handler's exception becomes a 500, never an unwinding.
void Answer(const std::shared_ptr<sr::DeferredResponse>& deferred,
            const ServedBuild::Handler& handler, Result<ResolvedBuild> resolved) {
  try {
    handler(deferred->request(), deferred->response(), std::move(resolved));
  } catch (const std::exception& e) {
    deferred->response().Error(500, std::string("internal error: ") + e.what());
  }
  deferred->Complete();
}

}  // namespace

void ServedBuild::With(sr::Request& request, sr::Response& response, Handler handler) {
  Result<OpenedBuild> opened = store_.OpenServed();
  std::optional<BuildRecord> build;
  if (opened.has_value()) build = store_.Find(opened.value().identity);
  if (sync_ != nullptr && !sync_->InSync(build)) {
    auto deferred = host_.Defer(request, response);
    sync_->Sync([this, deferred, handler = std::move(handler)](Status synced) {
      Answer(deferred, handler, Synced(std::move(synced)));
    });
    return;
  }
  if (!opened.has_value()) {
    handler(request, response, tl::make_unexpected(opened.error()));
    return;
  }
  if (build) {
    handler(request, response, ResolvedBuild{std::move(opened.value()), std::move(*build)});
    return;
  }
  auto deferred = host_.Defer(request, response);
  resolver_.Resolve(std::move(opened.value()),
                    [deferred, handler = std::move(handler)](Result<ResolvedBuild> resolved) {
                      Answer(deferred, handler, std::move(resolved));
                    });
}

Result<ResolvedBuild> ServedBuild::Synced(Status synced) const {
  if (!synced.has_value()) {
    host_.LogError(std::string("cannot serve the cluster's current build: ") +
                   synced.error().message);
    return tl::make_unexpected(synced.error());
  }
  Result<OpenedBuild> opened = store_.OpenServed();
  if (!opened.has_value()) return tl::make_unexpected(opened.error());
  std::optional<BuildRecord> build = store_.Find(opened.value().identity);
  if (!build) {
    return MakeError(ErrorKind::kUnavailable, "the served build changed meanwhile; try again");
  }
  return ResolvedBuild{std::move(opened.value()), std::move(*build)};
}

}  // namespace sr::file_distribution
