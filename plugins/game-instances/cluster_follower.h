// Several masters over one database (cluster mode): an instance allocated, stopped or found
// gone through another master is applied to this master's book as that master stored it, so
// that every master lists it and can stop it, and announced here with the usual events
// (instance.started, instance.stopped) for this master's dashboard and plugins.
#pragma once

#include <sr/services/kv_store.hpp>

#include <string_view>

#include "fleet.h"
#include "journal.h"
#include "kv_instance_store.h"

namespace sr::game_instances {

class ClusterFollower {
 public:
  // Starts following at once: construct it before the store's first Load. Inactive (no
  // watch) when the store is not clustered.
  ClusterFollower(KvInstanceStore& store, Fleet& fleet, EventSink& events);
  ClusterFollower(const ClusterFollower&) = delete;
  ClusterFollower& operator=(const ClusterFollower&) = delete;

  // Applies one change of another master: the stored row of instance `key`, or its removal.
  // Called on the provider's change thread (public for tests).
  void OnChange(std::string_view key, std::string_view value, bool deleted);

 private:
  Fleet& fleet_;
  EventSink& events_;
  sr::KvStore::Watch watch_;  // last: ends before the members it calls into
};

}  // namespace sr::game_instances
