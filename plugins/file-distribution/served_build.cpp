#include "served_build.h"

namespace sr::file_distribution {

void ServedBuild::With(sr::Request& request, sr::Response& response, Handler handler) {
  Result<OpenedBuild> opened = store_.OpenServed();
  if (!opened.has_value()) {
    handler(request, response, tl::make_unexpected(opened.error()));
    return;
  }
  if (std::optional<BuildRecord> build = store_.Find(opened.value().identity)) {
    handler(request, response, ResolvedBuild{std::move(opened.value()), std::move(*build)});
    return;
  }
  auto deferred = host_.Defer(request, response);
  resolver_.Resolve(std::move(opened.value()),
                    [deferred, handler = std::move(handler)](Result<ResolvedBuild> resolved) {
                      try {
                        handler(deferred->request(), deferred->response(), std::move(resolved));
                      } catch (const std::exception& e) {
                        deferred->response().Error(500, std::string("internal error: ") + e.what());
                      }
                      deferred->Complete();
                    });
}

}  // namespace sr::file_distribution
