#include "cluster_view.h"

#include <sr/text.hpp>

namespace sr::postgres_store {
namespace {

void AppendField(std::string& out, const char* name, const std::string& value) {
  out.append("\"").append(name).append("\":");
  sr::AppendJsonString(out, value);
}

void AppendHost(std::string& out, const HostRow& host, const std::string& this_host) {
  out.append("{");
  AppendField(out, "name", host.name);
  out.append(",");
  AppendField(out, "address", host.address);
  out.append(",");
  AppendField(out, "version", host.version);
  out.append(",");
  AppendField(out, "started_at", host.started_at);
  out.append(",");
  AppendField(out, "last_seen", host.last_seen);
  out.append(",\"healthy\":").append(host.healthy ? "true" : "false");
  out.append(",\"this_host\":").append(host.name == this_host ? "true" : "false");
  out.append(",\"leases\":[");
  for (std::size_t i = 0; i < host.leases.size(); ++i) {
    if (i > 0) out.append(",");
    sr::AppendJsonString(out, host.leases[i]);
  }
  out.append("]}");
}

}  // namespace

std::string ClusterJson(const ClusterView& view) {
  std::string out = "{";
  AppendField(out, "this_host", view.this_host);
  out.append(",\"database\":{\"healthy\":").append(view.database_healthy ? "true" : "false");
  out.append(",");
  AppendField(out, "error", view.database_error);
  out.append("},\"hosts\":[");
  for (std::size_t i = 0; i < view.hosts.size(); ++i) {
    if (i > 0) out.append(",");
    AppendHost(out, view.hosts[i], view.this_host);
  }
  out.append("]}");
  return out;
}

}  // namespace sr::postgres_store
