// hello-cpp: a plugin through the C++ SDK.
// Routes: GET /examples/hello-cpp/{name} (public) -> {"message": "<greeting>, <name>!"}
// Config: greeting (default "Hello")
#include <sr/plugin.hpp>

class HelloCpp final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"hello-cpp", "1.0.0", "Example plugin in C++"}; }

  void Init(sr::Host& host) override {
    greeting_ = host.config().String("greeting", "Hello");
    host.config().Finish();
    host.Route("GET", "/examples/hello-cpp/{name}", "public",
               [this](sr::Request& request, sr::Response& response) {
                 std::string text =
                     greeting_ + ", " + std::string(*request.PathParam("name")) + "!";
                 response.Json(200, "{\"message\":" + sr::JsonString(text) + "}");
               });
  }

 private:
  std::string greeting_;
};

SR_DECLARE_PLUGIN(HelloCpp)
