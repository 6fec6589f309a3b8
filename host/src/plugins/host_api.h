#pragma once

#include <sr/abi.h>

namespace sr::host {

// The table handed to every plugin's on_plugin_init.
const sr_host_api* HostApiTable();

}  // namespace sr::host
