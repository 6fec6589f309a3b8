// Small text helpers shared by the host and plugins: JSON string escaping, HTML escaping and
// percent-decoding. Header-only C++17, independent of the ABI.
#ifndef SR_TEXT_HPP
#define SR_TEXT_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sr {

// Length of the valid UTF-8 sequence starting at `at`, or 0 if it is broken (overlong,
// surrogate, beyond U+10FFFF, truncated).
inline std::size_t ValidUtf8Length(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  std::size_t length = 0;
  std::uint32_t min_code = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    min_code = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    min_code = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    min_code = 0x10000;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  std::uint32_t code = lead & (0xFFu >> (length + 1));
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(at + i) & 0x3Fu);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

// JSON string escaping, the one implementation of the host and the plugins. The rule for
// broken UTF-8: every byte that does not begin a valid UTF-8 sequence (see ValidUtf8Length)
// is written as \ufffd (U+FFFD, the replacement character) and the next byte is examined
// afresh, so one bad byte from a client cannot make the whole document unparseable and valid
// text around it is kept. Valid sequences pass through unchanged. ", \ and the controls are
// escaped as JSON requires; <, > and & as \u003c, \u003e and \u0026, so that the JSON is also
// safe to embed in HTML.

// Appends `text` as the inside of a JSON string (quotes not included).
inline void AppendJsonEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      std::size_t length = ValidUtf8Length(text, i);
      if (length == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20 || c == '<' || c == '>' || c == '&') {
          out += "\\u00";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xF];
        } else {
          out += c;
        }
    }
    ++i;
  }
}

// The bytes AppendJsonEscaped appends for `text`, so that a writer can reserve exactly.
inline std::size_t JsonEscapedSize(std::string_view text) {
  std::size_t size = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      std::size_t length = ValidUtf8Length(text, i);
      size += length == 0 ? 6 : length;  // \ufffd or the sequence itself
      i += length == 0 ? 1 : length;
      continue;
    }
    if (byte == '"' || byte == '\\' || byte == '\n' || byte == '\r' || byte == '\t') {
      size += 2;
    } else if (byte < 0x20 || byte == '<' || byte == '>' || byte == '&') {
      size += 6;
    } else {
      size += 1;
    }
    ++i;
  }
  return size;
}

// Appends `text` as a quoted JSON string.
inline void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  AppendJsonEscaped(out, text);
  out += '"';
}

// The bytes AppendJsonString appends for `text`.
inline std::size_t JsonStringSize(std::string_view text) { return JsonEscapedSize(text) + 2; }

// `text` as a quoted JSON string.
inline std::string JsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  AppendJsonString(out, text);
  return out;
}

// Which characters HtmlEscape turns into entities.
enum class HtmlEscapeSet {
  kMarkup,           // & < >: enough between tags, and all that Slack's message text decodes
  kMarkupAndQuotes,  // also " and ': safe inside a quoted attribute as well
};

// `text` with the characters of `set` as entities (&amp; &lt; &gt; &quot; &#39;).
inline std::string HtmlEscape(std::string_view text,
                              HtmlEscapeSet set = HtmlEscapeSet::kMarkupAndQuotes) {
  const bool quotes = set == HtmlEscapeSet::kMarkupAndQuotes;
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"' && quotes) {
      out += "&quot;";
    } else if (c == '\'' && quotes) {
      out += "&#39;";
    } else {
      out += c;
    }
  }
  return out;
}

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, for form bodies and query
// strings); nullopt on a broken escape.
inline std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex(text[i + 1]);
      int low = hex(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace sr

#endif  // SR_TEXT_HPP
