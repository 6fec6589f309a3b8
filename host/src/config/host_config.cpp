#include "config/host_config.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config/config_error.h"
#include "config/config_section.h"
#include "config/yaml_reader.h"

namespace sr::host {

namespace {

std::string At(const std::string& label, const SourceMark& mark) {
  return label + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

bool IsKebabCase(const std::string& id) {
  static const std::regex kKebab("[a-z0-9]+(-[a-z0-9]+)*");
  return id.size() <= 64 && std::regex_match(id, kKebab);
}

ServerConfig ReadServer(const ConfigValue* section, const HostConfig& config) {
  ConfigSection server(section, "server", config.file_label, config.dir);
  ServerConfig out;
  out.bind = server.GetString("bind", out.bind);
  out.port = static_cast<int>(server.GetInt("port", out.port, 0, 65535));
  out.io_threads = static_cast<int>(server.GetInt("io_threads", out.io_threads, 1, 64));
  out.worker_threads =
      static_cast<int>(server.GetInt("worker_threads", out.worker_threads, 1, 256));
  out.max_body_bytes = server.GetBytes("max_body_bytes", out.max_body_bytes, 1024, 1ull << 32);
  out.max_header_bytes = server.GetBytes("max_header_bytes", out.max_header_bytes, 1024, 1 << 20);
  out.header_timeout_ms =
      server.GetDurationMs("header_timeout", out.header_timeout_ms, 100, 3600000);
  out.body_timeout_ms = server.GetDurationMs("body_timeout", out.body_timeout_ms, 0, 3600000);
  out.body_min_rate = server.GetBytes("body_min_rate", out.body_min_rate, 0, 1ull << 30);
  out.body_rate_window_ms =
      server.GetDurationMs("body_rate_window", out.body_rate_window_ms, 250, 3600000);
  out.idle_timeout_ms = server.GetDurationMs("idle_timeout", out.idle_timeout_ms, 100, 86400000);
  out.write_timeout_ms = server.GetDurationMs("write_timeout", out.write_timeout_ms, 100, 3600000);
  out.shutdown_deadline_ms =
      server.GetDurationMs("shutdown_deadline", out.shutdown_deadline_ms, 0, 3600000);
  out.max_connections = server.GetInt("max_connections", out.max_connections, 1, 1000000);
  out.max_connections_per_address =
      server.GetInt("max_connections_per_address", out.max_connections_per_address, 1, 1000000);
  std::size_t proxies = server.ArrayLength("trusted_proxies");
  for (std::size_t i = 0; i < proxies; ++i) {
    std::string key = "trusted_proxies." + std::to_string(i);
    std::string text = server.GetString(key, "");
    auto cidr = sr::net::ParseCidr(text);
    if (!cidr) {
      server.Reject(key, "must be an address or a CIDR range (\"10.0.0.0/8\", \"::1\"), got \"" +
                             text + "\"");
    }
    out.trusted_proxies.Add(*cidr);
  }
  out.error_log_capacity = server.GetInt("error_log_capacity", out.error_log_capacity, 1, 1000000);
  out.log_level = server.GetString("log_level", out.log_level);
  static const std::set<std::string> kLevels = {"debug", "info", "warn", "error"};
  if (kLevels.count(out.log_level) == 0) {
    throw ConfigError(config.file_label + ": server: log_level must be one of debug, info, " +
                      "warn, error; got \"" + out.log_level + "\"");
  }
  std::string log_format = server.GetString("log_format", "text");
  if (log_format == "text") {
    out.log_format = LogFormat::kText;
  } else if (log_format == "json") {
    out.log_format = LogFormat::kJson;
  } else {
    throw ConfigError(config.file_label + ": server: log_format must be text or json; got \"" +
                      log_format + "\"");
  }
  out.plugin_dir = server.GetPath("plugin_dir", "");
  out.data_dir = server.GetPath("data_dir", "data");
  std::string policy = server.GetString("missing_guards", "refuse");
  if (policy == "refuse") {
    out.missing_guards = MissingGuardPolicy::kRefuse;
  } else if (policy == "deny") {
    out.missing_guards = MissingGuardPolicy::kDeny;
  } else if (policy == "allow") {
    out.missing_guards = MissingGuardPolicy::kAllow;
  } else {
    throw ConfigError(config.file_label + ": server: missing_guards must be refuse, deny or " +
                      "allow; got \"" + policy + "\"");
  }
  out.tls.cert_path = server.GetPath("tls.cert", "");
  out.tls.key_path = server.GetPath("tls.key", "");
  if (out.tls.cert_path.empty() != out.tls.key_path.empty()) {
    throw ConfigError(config.file_label + ": server: tls needs both cert and key");
  }
  server.Finish();
  return out;
}

PluginEntry ReadPluginEntry(const ConfigValue& item, const HostConfig& config) {
  if (item.kind != ConfigValue::Kind::kObject) {
    throw ConfigError(At(config.file_label, item.mark) + ": each plugin must be a mapping " +
                      "with at least an id");
  }
  PluginEntry entry;
  entry.mark = item.mark;
  const ConfigValue* id = item.Find("id");
  if (id == nullptr || id->kind == ConfigValue::Kind::kNull) {
    throw ConfigError(At(config.file_label, item.mark) + ": plugin entry without an id");
  }
  if (id->kind != ConfigValue::Kind::kString || !IsKebabCase(id->text)) {
    throw ConfigError(At(config.file_label, id->mark) + ": plugin id '" + id->text +
                      "' must be kebab-case (lower-case letters, digits and dashes)");
  }
  entry.id = id->text;
  std::string owner = "plugin '" + entry.id + "'";
  // The entry's own keys are read through a section so that typos are caught too.
  ConfigSection keys(&item, owner, config.file_label, config.dir);
  keys.GetString("id", "");
  entry.path = keys.GetPath("path", "");
  entry.enabled = keys.GetBool("enabled", true);
  entry.optional = keys.GetBool("optional", false);
  if (keys.Has("config")) {
    keys.AcceptWhole("config");
    // Validated by the plugin itself, through the config_* callbacks.
    for (const auto& [name, value] : item.members) {
      if (name == "config") entry.config = &value;
    }
  }
  keys.Finish();
  if (entry.config != nullptr && entry.config->kind != ConfigValue::Kind::kObject) {
    throw ConfigError(At(config.file_label, entry.config->mark) + ": " + owner +
                      ": config must be a mapping");
  }
  return entry;
}

}  // namespace

HostConfig ParseHostConfig(std::string_view text, const std::filesystem::path& file,
                           const EnvLookup& lookup) {
  HostConfig config;
  config.file = file;
  config.dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  config.file_label = file.filename().string();
  config.document = std::make_shared<ConfigValue>(ReadYaml(text, config.file_label, lookup));
  const ConfigValue& root = *config.document;
  if (root.kind == ConfigValue::Kind::kNull) {
    throw ConfigError(config.file_label + ": the file is empty; it needs a `plugins:` list");
  }
  if (root.kind != ConfigValue::Kind::kObject) {
    throw ConfigError(At(config.file_label, root.mark) +
                      ": the top level must be a mapping with `server:` and `plugins:`");
  }
  for (const auto& [name, value] : root.members) {
    if (name != "server" && name != "plugins") {
      throw ConfigError(At(config.file_label, value.mark) + ": unknown top-level key '" + name +
                        "' (expected server or plugins)");
    }
  }
  config.server = ReadServer(root.Find("server"), config);
  const ConfigValue* plugins = root.Find("plugins");
  if (plugins == nullptr || plugins->kind == ConfigValue::Kind::kNull) {
    throw ConfigError(config.file_label + ": `plugins:` is missing; list the plugins to load");
  }
  if (plugins->kind != ConfigValue::Kind::kArray) {
    throw ConfigError(At(config.file_label, plugins->mark) + ": `plugins:` must be a list");
  }
  std::set<std::string> ids;
  for (const auto& item : plugins->items) {
    PluginEntry entry = ReadPluginEntry(item, config);
    if (!ids.insert(entry.id).second) {
      throw ConfigError(At(config.file_label, entry.mark) + ": plugin '" + entry.id +
                        "' is listed twice");
    }
    config.plugins.push_back(std::move(entry));
  }
  return config;
}

HostConfig LoadHostConfig(const std::filesystem::path& file, const EnvLookup& lookup) {
  std::ifstream in(file);
  if (!in) {
    throw ConfigError(file.string() + ": cannot read the configuration file (" +
                      (std::filesystem::exists(file) ? "permission denied" : "no such file") + ")");
  }
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::path absolute = std::filesystem::absolute(file).lexically_normal();
  HostConfig config = ParseHostConfig(text.str(), absolute, lookup);
  return config;
}

}  // namespace sr::host
