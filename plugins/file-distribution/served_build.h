// The served build for a request: at once when its file is known (the usual case, on the
// I/O thread: an open and an fstat), otherwise the response is deferred until a worker has
// computed the file's digest.
#pragma once

#include <functional>
#include <sr/plugin.hpp>

#include "build_resolver.h"
#include "build_store.h"
#include "result.h"

namespace sr::file_distribution {

class ServedBuild {
 public:
  // kNotFound when no build is served; the handler answers on whichever thread calls it.
  using Handler = std::function<void(sr::Request&, sr::Response&, Result<ResolvedBuild>)>;

  ServedBuild(sr::Host& host, BuildStore& store, BuildResolver& resolver)
      : host_(host), store_(store), resolver_(resolver) {}

  void With(sr::Request& request, sr::Response& response, Handler handler);

 private:
  sr::Host& host_;
  BuildStore& store_;
  BuildResolver& resolver_;
};

}  // namespace sr::file_distribution
