#include "login_page.h"

#include "text.h"

namespace sr::auth {

std::string RenderLoginPage(const LoginPageModel& model) {
  std::string html;
  html.reserve(1536);
  html += R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - Spawner Registry</title>
<link rel="stylesheet" href="/login.css">
<link rel="icon" href="data:,">
</head>
<body>
<main class="card">
<h1>Spawner Registry</h1>
<p class="lead">Sign in to the dashboard</p>
)html";
  if (!model.message.empty()) {
    html += R"html(<p class="error" role="alert">)html" + HtmlEscape(model.message) + "</p>\n";
  }
  html += R"html(<form method="post" action="/login">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value=")html";
  html += HtmlEscape(model.email);
  html += R"html(">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<input type="hidden" name="next" value=")html";
  html += HtmlEscape(model.next);
  html += R"html(">
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
)html";
  return html;
}

std::string_view LoginStylesheet() {
  return R"css(:root { color-scheme: light dark; }
* { box-sizing: border-box; }
body {
  margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  background: #eef1f5; color: #1d2530;
}
.card {
  width: 100%; max-width: 22rem; padding: 2rem; border-radius: 0.75rem;
  background: #fff; box-shadow: 0 0.5rem 2rem rgba(20, 30, 50, 0.12);
}
h1 { margin: 0; font-size: 1.4rem; }
.lead { margin: 0.25rem 0 1.5rem; color: #5b6676; }
label { display: block; margin: 0.75rem 0 0.25rem; font-weight: 600; font-size: 0.9rem; }
input[type=email], input[type=password] {
  width: 100%; padding: 0.6rem 0.7rem; border: 1px solid #c5ccd6; border-radius: 0.4rem;
  font: inherit;
}
input:focus { outline: 2px solid #3b6fd8; outline-offset: 1px; }
button {
  width: 100%; margin-top: 1.5rem; padding: 0.7rem; border: 0; border-radius: 0.4rem;
  background: #2f5fc4; color: #fff; font: inherit; font-weight: 600; cursor: pointer;
}
button:hover { background: #264fa6; }
.error {
  margin: 0 0 1rem; padding: 0.6rem 0.8rem; border-radius: 0.4rem;
  background: #fdecec; color: #9b1c1c; border: 1px solid #f3b9b9;
}
@media (prefers-color-scheme: dark) {
  body { background: #12161c; color: #e4e8ee; }
  .card { background: #1b2129; box-shadow: none; }
  .lead { color: #9aa5b4; }
  input[type=email], input[type=password] {
    background: #12161c; color: inherit; border-color: #3a4452;
  }
  .error { background: #3a1717; color: #f7c4c4; border-color: #6b2a2a; }
}
)css";
}

}  // namespace sr::auth
