// Where the digest of an API key generated at first start is kept. Only the digest is stored:
// the key itself exists in the log line that announced it and in the operator's hands.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "crypto.h"
#include "key_value_store.h"

namespace sr::auth {

class GeneratedKeyStore {
 public:
  virtual ~GeneratedKeyStore() = default;
  // Throws std::runtime_error when the stored value exists but cannot be read.
  virtual std::optional<Digest> Load() = 0;
  virtual void Save(const Digest& digest) = 0;
  // For log lines: where the digest lives.
  virtual std::string Describe() const = 0;
};

// A file readable by the owner only (0600) in a folder only the owner can enter (0700).
class FileGeneratedKeyStore final : public GeneratedKeyStore {
 public:
  explicit FileGeneratedKeyStore(std::filesystem::path file);
  std::optional<Digest> Load() override;
  void Save(const Digest& digest) override;
  std::string Describe() const override;

 private:
  std::filesystem::path file_;
};

// The "auth" namespace of the key-value store.
class KvGeneratedKeyStore final : public GeneratedKeyStore {
 public:
  static constexpr std::string_view kSpace = "auth";
  static constexpr std::string_view kKey = "generated_api_key_digest";

  explicit KvGeneratedKeyStore(KeyValueStore& store);
  std::optional<Digest> Load() override;
  void Save(const Digest& digest) override;
  std::string Describe() const override;

 private:
  KeyValueStore& store_;
};

}  // namespace sr::auth
