#include "names.h"

#include <openssl/rand.h>

#include <array>

namespace sr::file_distribution {

namespace {

bool IsAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsHex(char c) { return IsLowerHex(c) || (c >= 'A' && c <= 'F'); }

}  // namespace

bool IsValidVersion(std::string_view version) {
  if (version.empty() || version.size() > kMaxVersionLength || !IsAlnum(version.front())) {
    return false;
  }
  for (char c : version) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool IsValidUploadId(std::string_view id) {
  if (id.size() != kUploadIdBytes * 2) return false;
  for (char c : id) {
    if (!IsLowerHex(c)) return false;
  }
  return true;
}

std::optional<std::string> NewUploadId() {
  std::array<unsigned char, kUploadIdBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return std::nullopt;
  return HexOf(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::optional<std::string> NormalizeSha256(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  std::string out(hex);
  for (char& c : out) {
    if (!IsHex(c)) return std::nullopt;
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string HexOf(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xF];
  }
  return out;
}

std::string BuildFileName(std::string_view version) { return std::string(version) + ".zip"; }
std::string PartFileName(std::string_view upload_id) { return std::string(upload_id) + ".part"; }
std::string SidecarFileName(std::string_view upload_id) { return std::string(upload_id) + ".json"; }

}  // namespace sr::file_distribution
