// The served build for a request: at once when its file is known (the usual case, on the
// I/O thread: an open and an fstat), otherwise the response is deferred until a worker has
// computed the file's digest. On a master of a cluster, a served file that is not the
// cluster's current build is first brought up to date (fetched on first use).
#pragma once

#include <functional>
#include <sr/plugin.hpp>

#include "build_resolver.h"
#include "build_store.h"
#include "current_sync.h"
#include "result.h"

namespace sr::file_distribution {

class ServedBuild {
 public:
  // kNotFound when no build is served; the handler answers on whichever thread calls it.
  using Handler = std::function<void(sr::Request&, sr::Response&, Result<ResolvedBuild>)>;

  // `sync`: the cluster's current build to follow, or nullptr (a single master).
  ServedBuild(sr::Host& host, BuildStore& store, BuildResolver& resolver, CurrentSync* sync)
      : host_(host), store_(store), resolver_(resolver), sync_(sync) {}

  void With(sr::Request& request, sr::Response& response, Handler handler);

 private:
  // After a sync: the served file is known, or it changed again meanwhile (kUnavailable).
  Result<ResolvedBuild> Synced(Status synced) const;

  sr::Host& host_;
  BuildStore& store_;
  BuildResolver& resolver_;
  CurrentSync* sync_;
};

}  // namespace sr::file_distribution
