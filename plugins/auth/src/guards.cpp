#include "guards.h"

#include <algorithm>
#include <string>

#include "cookies.h"
#include "csrf.h"
#include "redirect_target.h"
#include "session_authenticator.h"

namespace sr::auth {

namespace {

HttpReply UnknownRoleArgument(std::string_view guard, std::string_view argument) {
  // A route declared with a role this guard does not know: fail closed, loudly.
  return HttpReply::Error(500, "the route's guard '" + std::string(guard) + ":" +
                                   std::string(argument) + "' names an unknown role");
}

}  // namespace

std::int64_t RetryAfterSeconds(std::int64_t wait_ms) {
  return std::max<std::int64_t>(1, (wait_ms + 999) / 1000);
}

GuardVerdict GuardVerdict::Allow(std::vector<HeaderField> attributes) {
  GuardVerdict verdict;
  verdict.decision = Decision::kAllow;
  verdict.attributes = std::move(attributes);
  return verdict;
}

GuardVerdict GuardVerdict::Allow(const std::vector<HeaderField>* lasting_attributes) {
  GuardVerdict verdict;
  verdict.decision = Decision::kAllow;
  verdict.shared_attributes = lasting_attributes;
  return verdict;
}

GuardVerdict GuardVerdict::Deny(HttpReply reply) {
  GuardVerdict verdict;
  verdict.decision = Decision::kDeny;
  verdict.reply = std::move(reply);
  return verdict;
}

GuardVerdict GuardVerdict::Abstain(HttpReply reply) {
  GuardVerdict verdict;
  verdict.decision = Decision::kAbstain;
  verdict.reply = std::move(reply);
  return verdict;
}

ApiKeyGuard::ApiKeyGuard(const ApiKeyVerifier& verifier, AuthCore& core,
                         SpawnerTokenCheck spawner_tokens)
    : verifier_(verifier), core_(core), spawner_tokens_(std::move(spawner_tokens)) {}

GuardVerdict ApiKeyGuard::Check(const RequestFacts& request, std::string_view argument) {
  std::optional<Role> needed = argument.empty() ? Role::kSpawner : ParseKeyRole(argument);
  if (!needed) return GuardVerdict::Deny(UnknownRoleArgument("api-key", argument));
  if (!request.api_key || request.api_key->empty()) {
    return GuardVerdict::Abstain(HttpReply::Error(401, "missing X-API-Key header"));
  }
  FailureLimiter& failures = core_.api_key_failures_by_ip();
  // The address as a view: the limiter copies it only when it records a failure.
  std::string_view ip_key = request.client_ip;
  // A locked-out address learns nothing, not even whether its next guess is right. While
  // nobody has failed (the usual case) this costs neither a lock nor a clock read.
  if (!failures.empty()) {
    if (auto wait_ms = failures.LockedForMs(ip_key, core_.Now())) {
      return GuardVerdict::Deny(
          HttpReply::Error(429, "too many invalid API keys from this address; retry later")
              .With("Retry-After", std::to_string(RetryAfterSeconds(*wait_ms))));
    }
  }
  ApiKeyVerifier::Match match = verifier_.Find(*request.api_key);
  if (!match) {
    // Configured keys first: only a presented value that is no key reaches the registry.
    std::optional<std::uint64_t> spawner_id;
    if (spawner_tokens_) spawner_id = spawner_tokens_(*request.api_key);
    if (!spawner_id) {
      failures.RecordFailure(ip_key, core_.Now());
      return GuardVerdict::Deny(HttpReply::Error(401, "invalid API key"));
    }
    if (!RoleAtLeast(Role::kSpawner, *needed)) {
      return GuardVerdict::Deny(HttpReply::Error(
          403, "a spawner token lacks the '" + std::string(RoleName(*needed)) + "' role"));
    }
    std::string id = std::to_string(*spawner_id);
    return GuardVerdict::Allow({{"user", "spawner:" + id},
                                {"role", std::string(RoleName(Role::kSpawner))},
                                {"auth", "spawner-token"},
                                {"spawner_id", id}});
  }
  // Not a failure for api_key_rate_limit: whoever sent it holds a real key, so nothing is
  // being guessed, and counting it would lock a misplaced host out of its other, valid keys.
  if (!match->ValidFrom(request.client_ip)) {
    return GuardVerdict::Deny(HttpReply::Error(
        403, "the API key '" + match->name + "' is not valid from this address (" +
                 std::string(request.client_ip) + "): its networks do not include it"));
  }
  if (!RoleAtLeast(match->role, *needed)) {
    return GuardVerdict::Deny(HttpReply::Error(
        403, "this API key lacks the '" + std::string(RoleName(*needed)) + "' role"));
  }
  // The grant lives as long as the verifier: handing it over copies nothing.
  return GuardVerdict::Allow(&match->grant);
}

SessionGuard::SessionGuard(AuthCore& core) : core_(core) {}

GuardVerdict SessionGuard::Check(const RequestFacts& request, std::string_view argument) {
  std::optional<Role> needed = argument.empty() ? Role::kViewer : ParseUserRole(argument);
  if (!needed) return GuardVerdict::Deny(UnknownRoleArgument("session", argument));
  std::int64_t now_ms = core_.Now();
  std::optional<SignedInUser> signed_in;
  if (request.session_cookie) {
    signed_in = ResolveSession(core_.sessions(), core_.users(), *request.session_cookie, now_ms,
                               /*touch=*/false);
  }
  if (!signed_in) {
    HttpReply reply = IsBrowserNavigation(request)
                          ? HttpReply::Redirect(LoginRedirectLocation(request.path, request.query))
                          : HttpReply::Error(401, "login required");
    if (request.session_cookie) {
      bool secure = request.secure || core_.settings().secure_cookies;
      reply.With("Set-Cookie", ExpiredSessionCookie(secure));
    }
    return GuardVerdict::Abstain(std::move(reply));
  }
  CsrfFacts csrf{request.method, request.csrf_token, request.origin, request.referer, request.host};
  if (!CsrfCheckPasses(csrf, signed_in->session.csrf_token)) {
    return GuardVerdict::Deny(HttpReply::Error(403, "CSRF check failed"));
  }
  if (!RoleAtLeast(signed_in->user.role, *needed)) {
    return GuardVerdict::Deny(
        HttpReply::Error(403, "this needs the '" + std::string(RoleName(*needed)) + "' role"));
  }
  // Only a request that passed every check keeps the session alive.
  core_.sessions().Touch(*request.session_cookie, now_ms);
  return GuardVerdict::Allow({{"user", signed_in->user.email},
                              {"role", std::string(RoleName(signed_in->user.role))},
                              {"auth", "session"},
                              {"csrf", signed_in->session.csrf_token},
                              {"session", SessionIdOf(signed_in->session)}});
}

}  // namespace sr::auth
