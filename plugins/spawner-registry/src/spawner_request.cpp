#include "spawner_request.h"

#include <rapidjson/allocators.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <limits>

namespace sr::spawner_registry {

namespace {

enum class FieldKind { kString, kInteger };

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
  std::int64_t min;  // kInteger: value range; kString: byte length range
  std::int64_t max;
  bool required;
};

// Values as they arrive, before they are checked together.
struct FieldValue {
  bool present = false;
  std::string text;
  std::int64_t number = 0;
};

constexpr std::size_t kMaxFields = 6;

std::string Shorten(std::string_view name) {
  constexpr std::size_t kMax = 64;
  return name.size() <= kMax ? std::string(name) : std::string(name.substr(0, kMax)) + "...";
}

// A SAX handler for one flat JSON object whose fields are listed in `specs`.
class FlatObjectHandler
    : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, FlatObjectHandler> {
 public:
  template <std::size_t N>
  explicit FlatObjectHandler(const std::array<FieldSpec, N>& specs)
      : specs_(specs.data()), count_(N) {}

  const std::string& error() const { return error_; }
  const FieldValue& value(std::size_t index) const { return values_[index]; }

  bool StartObject() {
    if (depth_ == 0) {
      depth_ = 1;
      return true;
    }
    return WrongType();
  }
  bool EndObject(rapidjson::SizeType) {
    depth_ = 0;
    return true;
  }
  bool StartArray() { return depth_ == 0 ? NotAnObject() : WrongType(); }
  bool EndArray(rapidjson::SizeType) { return true; }

  bool Key(const char* text, rapidjson::SizeType length, bool) {
    std::string_view name(text, length);
    for (std::size_t i = 0; i < count_; ++i) {
      if (specs_[i].name == name) {
        if (values_[i].present) return Fail("duplicate field '" + std::string(name) + "'");
        current_ = i;
        return true;
      }
    }
    return Fail("unknown field '" + Shorten(name) + "'");
  }

  bool String(const char* text, rapidjson::SizeType length, bool) {
    if (depth_ == 0) return NotAnObject();
    const FieldSpec& spec = specs_[current_];
    if (spec.kind != FieldKind::kString) return WrongType();
    auto size = static_cast<std::int64_t>(length);
    if (size < spec.min) return Fail(std::string(spec.name) + " must not be empty");
    if (size > spec.max) {
      return Fail(std::string(spec.name) + " must be at most " + std::to_string(spec.max) +
                  " bytes");
    }
    values_[current_].present = true;
    values_[current_].text.assign(text, length);
    return true;
  }

  bool Int(int value) { return Integer(value); }
  bool Uint(unsigned value) { return Integer(value); }
  bool Int64(std::int64_t value) { return Integer(value); }
  bool Uint64(std::uint64_t value) {
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return depth_ == 0 ? NotAnObject() : OutOfRange();
    }
    return Integer(static_cast<std::int64_t>(value));
  }
  bool Double(double) { return depth_ == 0 ? NotAnObject() : WrongType(); }
  bool Null() { return depth_ == 0 ? NotAnObject() : WrongType(); }
  bool Bool(bool) { return depth_ == 0 ? NotAnObject() : WrongType(); }

  // After a successful parse: every required field present.
  bool CheckRequired() {
    for (std::size_t i = 0; i < count_; ++i) {
      if (specs_[i].required && !values_[i].present) {
        return Fail("missing field '" + std::string(specs_[i].name) + "'");
      }
    }
    return true;
  }

 private:
  bool Integer(std::int64_t value) {
    if (depth_ == 0) return NotAnObject();
    const FieldSpec& spec = specs_[current_];
    if (spec.kind != FieldKind::kInteger) return WrongType();
    if (value < spec.min || value > spec.max) return OutOfRange();
    values_[current_].present = true;
    values_[current_].number = value;
    return true;
  }
  bool OutOfRange() {
    const FieldSpec& spec = specs_[current_];
    return Fail(std::string(spec.name) + " must be between " + std::to_string(spec.min) + " and " +
                std::to_string(spec.max));
  }
  bool WrongType() {
    const FieldSpec& spec = specs_[current_];
    return Fail(std::string(spec.name) +
                (spec.kind == FieldKind::kString ? " must be a string" : " must be an integer"));
  }
  bool NotAnObject() { return Fail("the body must be a JSON object"); }
  bool Fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  const FieldSpec* specs_;
  std::size_t count_;
  std::array<FieldValue, kMaxFields> values_{};
  std::size_t current_ = 0;
  int depth_ = 0;
  std::string error_;
};

// Parses `body` with `handler`; returns the error message, empty on success.
bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string ParseFlatObject(std::string_view body, FlatObjectHandler& handler) {
  rapidjson::MemoryStream stream(body.data(), body.size());
  // The reader's stack (it copies each string there) lives in this buffer rather than on the
  // heap, so a heartbeat's parse allocates nothing; a larger body spills over to the heap.
  alignas(std::max_align_t) char stack_buffer[1024];
  rapidjson::MemoryPoolAllocator<> stack_pool(stack_buffer, sizeof stack_buffer);
  rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>>
      reader(&stack_pool, 256);
  // ASCII is valid UTF-8: a spawner's usual body skips the per-character validation
  // (escapes are checked either way).
  rapidjson::ParseResult result =
      IsAscii(body) ? reader.Parse<rapidjson::kParseNoFlags>(stream, handler)
                    : reader.Parse<rapidjson::kParseValidateEncodingFlag>(stream, handler);
  if (result.IsError()) {
    if (!handler.error().empty()) return handler.error();
    switch (result.Code()) {
      case rapidjson::kParseErrorDocumentEmpty:
        return "the body must be a JSON object";
      case rapidjson::kParseErrorDocumentRootNotSingular:
        return "unexpected data after the JSON object";
      case rapidjson::kParseErrorStringInvalidEncoding:
        return "the body is not valid UTF-8";
      default:
        return std::string("invalid JSON at byte ") + std::to_string(result.Offset()) + ": " +
               rapidjson::GetParseError_En(result.Code());
    }
  }
  // The stream reads a NUL byte as its end: anything after one is trailing data too.
  if (stream.Tell() != body.size()) return "unexpected data after the JSON object";
  if (!handler.CheckRequired()) return handler.error();
  return {};
}

constexpr std::array kRegistrationFields = {
    FieldSpec{"region", FieldKind::kString, 0, kMaxRegionBytes, true},
    FieldSpec{"host", FieldKind::kString, 1, kMaxHostBytes, true},
    FieldSpec{"port", FieldKind::kInteger, 1, 65535, true},
    FieldSpec{"max_instances", FieldKind::kInteger, 0, kMaxInstances, true},
    FieldSpec{"current_instances", FieldKind::kInteger, 0, kMaxInstances, false},
    FieldSpec{"status", FieldKind::kString, 0, kMaxStatusBytes, false},
};
enum RegistrationField { kRegion, kHost, kPort, kMax, kCurrent, kStatus };

constexpr std::array kHeartbeatFields = {
    FieldSpec{"current_instances", FieldKind::kInteger, 0, kMaxInstances, false},
    FieldSpec{"max_instances", FieldKind::kInteger, 0, kMaxInstances, false},
    FieldSpec{"status", FieldKind::kString, 0, kMaxStatusBytes, false},
};
enum HeartbeatField { kHeartbeatCurrent, kHeartbeatMax, kHeartbeatStatus };

static_assert(kRegistrationFields.size() <= kMaxFields && kHeartbeatFields.size() <= kMaxFields);

}  // namespace

bool IsValidHost(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostBytes) return false;
  for (char c : host) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '-' || c == '_' || c == ':';
    if (!allowed) return false;
  }
  return true;
}

Parsed<Registration> ParseRegistration(std::string_view body) {
  FlatObjectHandler handler(kRegistrationFields);
  std::string error = ParseFlatObject(body, handler);
  if (!error.empty()) return tl::make_unexpected(std::move(error));
  Registration registration;
  registration.region = handler.value(kRegion).text;
  registration.host = handler.value(kHost).text;
  if (!IsValidHost(registration.host)) {
    return tl::make_unexpected(
        "host must be a host name or an IP address (letters, digits, '.', '-', '_', ':')");
  }
  registration.port = static_cast<std::uint16_t>(handler.value(kPort).number);
  registration.max_instances = static_cast<std::int32_t>(handler.value(kMax).number);
  if (handler.value(kCurrent).present) {
    registration.current_instances = static_cast<std::int32_t>(handler.value(kCurrent).number);
  }
  if (handler.value(kStatus).present) registration.status = handler.value(kStatus).text;
  return registration;
}

Parsed<HeartbeatUpdate> ParseHeartbeat(std::string_view body) {
  FlatObjectHandler handler(kHeartbeatFields);
  std::string error = ParseFlatObject(body, handler);
  if (!error.empty()) return tl::make_unexpected(std::move(error));
  HeartbeatUpdate update;
  if (handler.value(kHeartbeatCurrent).present) {
    update.current_instances = static_cast<std::int32_t>(handler.value(kHeartbeatCurrent).number);
  }
  if (handler.value(kHeartbeatMax).present) {
    update.max_instances = static_cast<std::int32_t>(handler.value(kHeartbeatMax).number);
  }
  if (handler.value(kHeartbeatStatus).present) {
    update.status = handler.value(kHeartbeatStatus).text;
  }
  return update;
}

Parsed<SpawnerId> ParseSpawnerId(std::string_view text) {
  auto refuse = [&] {
    return Parsed<SpawnerId>(tl::make_unexpected("invalid spawner id '" + Shorten(text) +
                                                 "': expected a positive integer in canonical "
                                                 "form (digits only, no leading zero)"));
  };
  // One spelling per id, like "+1" and " 1": "01" is refused, not taken for spawner 1, so
  // logs, audit targets and caches never see two names for one spawner.
  if (text.empty() || text.front() == '0') return refuse();
  for (char c : text) {
    if (c < '0' || c > '9') return refuse();
  }
  SpawnerId id = 0;
  auto result = std::from_chars(text.data(), text.data() + text.size(), id);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size() || id == 0) {
    return refuse();
  }
  return id;
}

}  // namespace sr::spawner_registry
