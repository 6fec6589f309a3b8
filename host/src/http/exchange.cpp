#include "http/exchange.h"

#include <sr/http/request_views.hpp>

#include "util/strings.h"

namespace sr::host {

Exchange::Exchange() = default;

void Exchange::PrepareRequestViews() {
  sr::http::AppendQuery(head.query, query_params);
  for (const auto& header : head.headers) {
    if (EqualsIgnoreCase(header.name, "Cookie")) sr::http::AppendCookies(header.value, cookies);
  }
}

ResponseState Exchange::TakeResponse() {
  ResponseState taken = std::move(response);
  response = ResponseState{};
  return taken;
}

}  // namespace sr::host
