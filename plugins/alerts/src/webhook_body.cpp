#include "webhook_body.h"

#include <sr/text.hpp>

#include "alert_book.h"
#include "json_object.h"

namespace sr::alerts {

namespace {

// Slack advises keeping "text" under 4,000 characters; Discord refuses "content" over 2,000.
constexpr std::size_t kSlackTextBytes = 3000;
constexpr std::size_t kDiscordContentBytes = 1900;

}  // namespace

std::string AlertLine(const Notification& n, std::string_view source) {
  std::string line = n.resolved ? "[RESOLVED] " : "[FIRING] ";
  if (!n.resolved) line += std::string(SeverityName(n.severity)) + " ";
  line += n.name + ": " + n.summary;
  if (!source.empty()) line += " (" + std::string(source) + ")";
  return line;
}

std::string Truncate(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  static constexpr std::string_view kEllipsis = "\xE2\x80\xA6";
  std::size_t cut = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Back up over continuation bytes (10xxxxxx) to the start of a character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + std::string(kEllipsis);
}

std::string WebhookBody(const Notification& n, std::string_view source) {
  std::string line = AlertLine(n, source);
  return NotificationObject(n)
      .Str("source", source)
      // Slack reads "&", "<" and ">" as markup ("<!channel>" would notify a whole channel)
      // and decodes no other entity, so only these three become entities.
      .Str("text", Truncate(HtmlEscape(line, HtmlEscapeSet::kMarkup), kSlackTextBytes))
      .Str("content", Truncate(line, kDiscordContentBytes))
      // Discord: a region named "@everyone" must not notify anybody.
      .Raw("allowed_mentions", "{\"parse\":[]}")
      .Done();
}

}  // namespace sr::alerts
