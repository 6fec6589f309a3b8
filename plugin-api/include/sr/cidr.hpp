// IP addresses and CIDR ranges, for access rules shared by the host and plugins: trusted
// proxies, the networks an API key is valid from, where the spawn proxy may connect.
// Header-only C++17, independent of the ABI.
//
// IPv4-mapped IPv6 addresses ("::ffff:10.1.2.3") are treated as the IPv4 address they carry,
// so one rule covers a client whether the socket was opened as IPv4 or dual-stack IPv6.
#ifndef SR_CIDR_HPP
#define SR_CIDR_HPP

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sr::net {

struct IpAddress {
  enum class Family { kV4, kV6 };
  Family family = Family::kV4;
  // IPv4 uses the first 4 bytes; the rest stay zero.
  std::array<std::uint8_t, 16> bytes{};

  std::size_t size() const { return family == Family::kV4 ? 4 : 16; }
  bool operator==(const IpAddress& other) const {
    return family == other.family && bytes == other.bytes;
  }
  bool operator!=(const IpAddress& other) const { return !(*this == other); }
};

// "1.2.3.4", "::1", "::ffff:1.2.3.4" (becomes IPv4), "[::1]" and "fe80::1%eth0" (the zone is
// dropped). Nothing else: no host names, no ports, no shortened IPv4 forms like "127.1".
inline std::optional<IpAddress> ParseIp(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (auto zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::string copy(text);
  IpAddress address;
  if (::inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) return address;
  if (::inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) != 1) return std::nullopt;
  address.family = IpAddress::Family::kV6;
  static constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0,    0,
                                                              0, 0, 0, 0, 0xff, 0xff};
  bool mapped = true;
  for (std::size_t i = 0; i < kMappedPrefix.size(); ++i) {
    if (address.bytes[i] != kMappedPrefix[i]) mapped = false;
  }
  if (mapped) {
    IpAddress v4;
    for (std::size_t i = 0; i < 4; ++i) v4.bytes[i] = address.bytes[12 + i];
    return v4;
  }
  return address;
}

inline std::string FormatIp(const IpAddress& address) {
  char text[INET6_ADDRSTRLEN] = {};
  int family = address.family == IpAddress::Family::kV4 ? AF_INET : AF_INET6;
  if (::inet_ntop(family, address.bytes.data(), text, sizeof(text)) == nullptr) return {};
  return text;
}

struct Cidr {
  IpAddress network;  // host bits cleared
  unsigned prefix_bits = 0;

  bool Contains(const IpAddress& address) const {
    if (address.family != network.family) return false;
    unsigned full_bytes = prefix_bits / 8;
    for (unsigned i = 0; i < full_bytes; ++i) {
      if (address.bytes[i] != network.bytes[i]) return false;
    }
    unsigned rest = prefix_bits % 8;
    if (rest == 0) return true;
    auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (address.bytes[full_bytes] & mask) == network.bytes[full_bytes];
  }
};

inline std::string FormatCidr(const Cidr& cidr) {
  return FormatIp(cidr.network) + "/" + std::to_string(cidr.prefix_bits);
}

// "10.0.0.0/8", "fe80::/10", or a bare address (a /32 or /128). Host bits set below the
// prefix ("10.1.2.3/8") are refused: such a rule almost always means a typo.
inline std::optional<Cidr> ParseCidr(std::string_view text) {
  std::string_view address_text = text;
  std::optional<unsigned> prefix;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    address_text = text.substr(0, slash);
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    unsigned value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    prefix = value;
  }
  std::optional<IpAddress> address = ParseIp(address_text);
  if (!address) return std::nullopt;
  unsigned max_bits = static_cast<unsigned>(address->size() * 8);
  // "::ffff:10.0.0.0/104" names an IPv4 range in mapped form.
  if (prefix && address->family == IpAddress::Family::kV4 &&
      address_text.find(':') != std::string_view::npos) {
    if (*prefix < 96) return std::nullopt;
    *prefix -= 96;
  }
  unsigned bits = prefix.value_or(max_bits);
  if (bits > max_bits) return std::nullopt;
  Cidr cidr{*address, bits};
  for (unsigned bit = bits; bit < max_bits; ++bit) {
    if (address->bytes[bit / 8] & (0x80 >> (bit % 8))) return std::nullopt;
  }
  return cidr;
}

// An ordered list of ranges; a match against any of them counts.
class CidrSet {
 public:
  CidrSet() = default;
  explicit CidrSet(std::vector<Cidr> ranges) : ranges_(std::move(ranges)) {}

  // Parses every entry; the first one that is not a range is returned in `bad`.
  static std::optional<CidrSet> Parse(const std::vector<std::string>& texts,
                                      std::string* bad = nullptr) {
    CidrSet set;
    for (const std::string& text : texts) {
      std::optional<Cidr> cidr = ParseCidr(text);
      if (!cidr) {
        if (bad != nullptr) *bad = text;
        return std::nullopt;
      }
      set.ranges_.push_back(*cidr);
    }
    return set;
  }

  void Add(const Cidr& cidr) { ranges_.push_back(cidr); }
  bool Contains(const IpAddress& address) const {
    for (const Cidr& range : ranges_) {
      if (range.Contains(address)) return true;
    }
    return false;
  }
  bool Contains(std::string_view address) const {
    std::optional<IpAddress> parsed = ParseIp(address);
    return parsed && Contains(*parsed);
  }
  bool empty() const { return ranges_.empty(); }
  const std::vector<Cidr>& ranges() const { return ranges_; }

 private:
  std::vector<Cidr> ranges_;
};

// Address classes that no spawn target or trusted client should normally be.
inline bool IsLoopback(const IpAddress& address) {
  if (address.family == IpAddress::Family::kV4) return address.bytes[0] == 127;
  for (std::size_t i = 0; i < 15; ++i) {
    if (address.bytes[i] != 0) return false;
  }
  return address.bytes[15] == 1;
}

inline bool IsUnspecified(const IpAddress& address) {
  if (address.family == IpAddress::Family::kV4) {
    // 0.0.0.0/8 is "this network": connecting there reaches the local host.
    return address.bytes[0] == 0;
  }
  for (std::uint8_t byte : address.bytes) {
    if (byte != 0) return false;
  }
  return true;
}

inline bool IsLinkLocal(const IpAddress& address) {
  if (address.family == IpAddress::Family::kV4) {
    return address.bytes[0] == 169 && address.bytes[1] == 254;
  }
  return address.bytes[0] == 0xfe && (address.bytes[1] & 0xc0) == 0x80;
}

inline bool IsMulticast(const IpAddress& address) {
  if (address.family == IpAddress::Family::kV4) return (address.bytes[0] & 0xf0) == 0xe0;
  return address.bytes[0] == 0xff;
}

inline bool IsBroadcast(const IpAddress& address) {
  if (address.family != IpAddress::Family::kV4) return false;
  return address.bytes[0] == 255 && address.bytes[1] == 255 && address.bytes[2] == 255 &&
         address.bytes[3] == 255;
}

}  // namespace sr::net

#endif  // SR_CIDR_HPP
