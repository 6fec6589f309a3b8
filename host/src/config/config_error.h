#pragma once

#include <stdexcept>
#include <string>

namespace sr::host {

// A fatal start-up problem whose message is one clear line for the operator.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sr::host
