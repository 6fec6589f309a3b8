// The file that hands first-start secrets (a generated admin password, a generated API key) to
// the operator: <data_dir>/first-start-secrets, readable by the owner only, one `name=value`
// line per secret. Secrets never go to the log, which is often readable by many (journald,
// container logs); the log only says where this file is.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace sr::auth {

inline constexpr char kFirstStartSecretsFile[] = "first-start-secrets";

using SecretLines = std::vector<std::pair<std::string, std::string>>;

// Adds `secrets` to `file`: a line with the same name is replaced, every other line kept. The
// folder is created 0700 when missing; the file is written 0600 beside it and renamed over the
// old one, so a crash leaves either the old or the new file. Throws std::runtime_error.
void SaveFirstStartSecrets(const std::filesystem::path& file, const SecretLines& secrets);

// The name=value lines of `file` (empty when it does not exist).
SecretLines ReadFirstStartSecrets(const std::filesystem::path& file);

}  // namespace sr::auth
