// The JSON posted to a webhook: a generic object for any receiver, plus "text" for Slack
// (and Mattermost, Rocket.Chat, Teams' Slack-compatible hooks) and "content" for Discord.
#pragma once

#include <string>
#include <string_view>

#include "alert.h"

namespace sr::alerts {

// `source` names this registry in the message (several deployments may share a channel).
std::string WebhookBody(const Notification& notification, std::string_view source);

// One line for people: "[FIRING] warning spawners_suspect: 3 spawners are suspect ... (source)".
std::string AlertLine(const Notification& notification, std::string_view source);
// At most `max_bytes`, cut at a UTF-8 character boundary, with "…" when cut.
std::string Truncate(std::string_view text, std::size_t max_bytes);

}  // namespace sr::alerts
