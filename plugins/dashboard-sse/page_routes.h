#pragma once

#include "static_files.h"

namespace sr {
class Host;
}

namespace sr::dashboard {

// Registers the HTML pages (behind session guards) and GET /assets/{path*} (public), served
// from `files`, which must outlive the plugin's routes.
void RegisterPageRoutes(sr::Host& host, const StaticFileCache& files);

}  // namespace sr::dashboard
