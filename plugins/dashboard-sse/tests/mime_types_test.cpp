#include "mime_types.h"

#include <gtest/gtest.h>

namespace sr::dashboard {
namespace {

TEST(MimeTypes, KnownExtensions) {
  EXPECT_EQ(MimeTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(MimeTypeFor("css/app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(MimeTypeFor("js/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(MimeTypeFor("uPlot.esm.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(MimeTypeFor("img/logo.svg"), "image/svg+xml");
  EXPECT_EQ(MimeTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(MimeTypeFor("font.woff2"), "font/woff2");
}

TEST(MimeTypes, ExtensionIsCaseInsensitive) { EXPECT_EQ(MimeTypeFor("LOGO.PNG"), "image/png"); }

TEST(MimeTypes, UnknownOrMissingExtensionsAreNotServed) {
  EXPECT_FALSE(MimeTypeFor("server.key"));
  EXPECT_FALSE(MimeTypeFor("Makefile"));
  EXPECT_FALSE(MimeTypeFor(".htaccess"));
  EXPECT_FALSE(MimeTypeFor("trailing."));
  EXPECT_FALSE(MimeTypeFor("dir.d/plain"));
  EXPECT_FALSE(MimeTypeFor("run.sh"));
}

}  // namespace
}  // namespace sr::dashboard
