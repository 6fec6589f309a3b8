/*
 * hello-c: a plugin written in plain C against sr/abi.h alone.
 *
 * Routes:  GET /examples/hello-c (public) -> {"message": <greeting>, "ticks": N}
 * Tasks:   "tick", every `tick_interval`, counts how often it ran
 * Config:  greeting       text without quotes or backslashes (default "hello from C")
 *          tick_interval  duration (default 1s)
 */
#include <sr/abi.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct hello_c {
  const sr_host_api* api;
  sr_host* host;
  sr_str greeting; /* owned by the host until destroy */
  atomic_ullong ticks;
  sr_task* tick_task;
} hello_c;

static void on_tick(void* ctx) {
  hello_c* self = (hello_c*)ctx;
  atomic_fetch_add(&self->ticks, 1);
}

static sr_status on_hello(void* ctx, sr_request* request, sr_response* response) {
  hello_c* self = (hello_c*)ctx;
  char body[512];
  int length =
      snprintf(body, sizeof body, "{\"message\":\"%.*s\",\"ticks\":%llu}", (int)self->greeting.size,
               self->greeting.data, (unsigned long long)atomic_load(&self->ticks));
  (void)request;
  if (length < 0 || (size_t)length >= sizeof body) {
    self->api->response_error(response, 500, SR_LIT("greeting too long"));
    return SR_OK;
  }
  self->api->response_set_body(response, (sr_str){body, (size_t)length},
                               SR_LIT("application/json"));
  return SR_OK;
}

/* The greeting goes into JSON as is, so it must not need escaping. */
static int is_plain_text(sr_str text) {
  size_t i;
  for (i = 0; i < text.size; ++i) {
    unsigned char c = (unsigned char)text.data[i];
    if (c < 0x20 || c == '"' || c == '\\') return 0;
  }
  return text.size <= 200;
}

static sr_status on_init(sr_host* host, const sr_host_api* api, void** instance) {
  hello_c* self = (hello_c*)calloc(1, sizeof *self);
  int64_t interval_ms = 0;
  sr_route route = {0};
  sr_task_spec tick = {0};
  sr_status status;
  if (self == NULL) return SR_ERR_INTERNAL;
  self->api = api;
  self->host = host;
  atomic_init(&self->ticks, 0);

  if ((status = api->config_get_string(host, SR_LIT("greeting"), SR_LIT("hello from C"),
                                       &self->greeting)) != SR_OK ||
      (status = api->config_get_duration_ms(host, SR_LIT("tick_interval"), 1000, 10, 86400000,
                                            &interval_ms)) != SR_OK ||
      (status = api->config_finish(host)) != SR_OK) {
    free(self);
    return status;
  }
  if (!is_plain_text(self->greeting)) {
    api->set_error(host, SR_LIT("greeting must be plain text without quotes or backslashes"));
    free(self);
    return SR_ERR_INVALID_ARGUMENT;
  }

  route.struct_size = sizeof route;
  route.method = SR_LIT("GET");
  route.pattern = SR_LIT("/examples/hello-c");
  route.guard = SR_LIT("public");
  route.handler = on_hello;
  route.ctx = self;
  if ((status = api->route_add(host, &route)) != SR_OK) {
    free(self);
    return status;
  }

  tick.struct_size = sizeof tick;
  tick.name = SR_LIT("tick");
  tick.fn = on_tick;
  tick.ctx = self;
  tick.initial_delay_ms = (uint64_t)interval_ms;
  tick.period_ms = (uint64_t)interval_ms;
  if ((status = api->task_schedule(host, &tick, &self->tick_task)) != SR_OK) {
    free(self);
    return status;
  }
  api->log(host, SR_LOG_INFO, SR_LIT("ready"));
  *instance = self;
  return SR_OK;
}

static void release_tick(hello_c* self) {
  if (self->tick_task != NULL) {
    self->api->task_cancel(self->tick_task); /* frees the handle */
    self->tick_task = NULL;
  }
}

static void on_stop(void* instance) { release_tick((hello_c*)instance); }

/* A plugin that was initialized but never started (--check, or a later plugin failing to
   initialize) is destroyed without a stop, so the handle is given back here too. */
static void on_destroy(void* instance) {
  release_tick((hello_c*)instance);
  free(instance);
}

static const sr_plugin_descriptor kDescriptor = {
    sizeof(sr_plugin_descriptor),
    SR_ABI_MAJOR,
    SR_ABI_TARGET_MINOR, /* the oldest host minor this plugin needs */
    "hello-c",
    "1.0.0",
    "Example plugin in plain C: one route and one periodic task",
    NULL,
    0,
    NULL,
    0,
    NULL,
    0,
    on_init,
    NULL,
    on_stop,
    on_destroy,
};

SR_PLUGIN_EXPORT const sr_plugin_descriptor* sr_plugin_entry_v1(void) { return &kDescriptor; }
