#include "http/exchange.h"

#include "util/strings.h"

namespace sr::host {

Exchange::Exchange() = default;

void Exchange::PrepareRequestViews() {
  if (!head.query.empty()) {
    for (std::string_view pair : Split(head.query, '&')) {
      if (pair.empty()) continue;
      size_t equals = pair.find('=');
      std::string_view raw_name = pair.substr(0, equals);
      std::string_view raw_value =
          equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
      auto name = PercentDecode(raw_name, true);
      auto value = PercentDecode(raw_value, true);
      if (name && value) query_params.emplace_back(std::move(*name), std::move(*value));
    }
  }
  for (const auto& header : head.headers) {
    if (!EqualsIgnoreCase(header.name, "Cookie")) continue;
    for (std::string_view item : Split(header.value, ';')) {
      item = Trim(item);
      size_t equals = item.find('=');
      if (equals == std::string_view::npos || equals == 0) continue;
      std::string_view value = Trim(item.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      cookies.emplace_back(std::string(Trim(item.substr(0, equals))), std::string(value));
    }
  }
}

ResponseState Exchange::TakeResponse() {
  ResponseState taken = std::move(response);
  response = ResponseState{};
  return taken;
}

}  // namespace sr::host
