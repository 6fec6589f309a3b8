/*
 * Spawner Registry plugin ABI, version 1.
 *
 * This header is the whole contract between the host executable and its plugins. It is plain
 * C99 that needs only <stdint.h> and <stddef.h>, so a plugin can be written in any language
 * that speaks the C calling convention. No C++ type, exception or allocator crosses it.
 *
 * Naming:
 *   on_plugin_*          hooks the plugin implements (in sr_plugin_descriptor)
 *   sr_host_api.<thing>_<action>
 *                        callbacks the host implements, reached only through the table handed
 *                        to on_plugin_init (plugins never link against host symbols)
 *
 * Every function below documents:
 *   THREAD     which threads may call it (or which thread calls the plugin)
 *   LIFETIME   how long the handles and views involved stay valid
 *   OWNERSHIP  who frees what; the rule is "whoever allocates frees"
 *
 * Compatibility rules (see plugin-api/ABI.md):
 *   - SR_ABI_MAJOR changes only when something is removed or changes meaning; the host refuses
 *     a plugin whose major differs from its own.
 *   - SR_ABI_MINOR grows when something is appended. A plugin states the oldest host minor it
 *     needs (SR_ABI_TARGET_MINOR, below) in its descriptor; the host loads it when that target
 *     is not newer than its own minor, whichever header the plugin was compiled against.
 *   - Structs start with `struct_size`. New fields are only ever appended. A reader copies
 *     min(struct_size, sizeof) bytes into a zeroed struct, so absent fields read as zero.
 *   - Entries of sr_host_api are never reordered or removed; new ones are appended and marked
 *     with the minor version that added them. Check SR_HOST_API_HAS() before calling one
 *     newer than the plugin's target minor.
 *   - THREAD rules that say "during on_plugin_init" are enforced: such a call made at another
 *     time, or from another thread, does nothing, is logged and returns
 *     SR_ERR_FAILED_PRECONDITION (0, or an empty view, for calls that return no status).
 */
#ifndef SR_ABI_H
#define SR_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SR_ABI_MAJOR 1
#define SR_ABI_MINOR 4

/* The oldest host ABI minor this plugin needs: the minor of the newest sr_host_api entry it
 * calls without checking SR_HOST_API_HAS first. It goes into the descriptor's abi_minor, and a
 * host whose minor is older refuses the plugin. Define it before including this header (or
 * with -DSR_ABI_TARGET_MINOR=0) to run on older hosts; by default a plugin needs a host at
 * least as new as the header it was compiled against. */
#ifndef SR_ABI_TARGET_MINOR
#define SR_ABI_TARGET_MINOR SR_ABI_MINOR
#endif
#if SR_ABI_TARGET_MINOR > SR_ABI_MINOR || SR_ABI_TARGET_MINOR < 0
#error "SR_ABI_TARGET_MINOR must be between 0 and SR_ABI_MINOR"
#endif

/* The one symbol a plugin exports. Its type is sr_plugin_entry_fn. */
#define SR_PLUGIN_ENTRY_SYMBOL "sr_plugin_entry_v1"

#if defined(__GNUC__) || defined(__clang__)
#define SR_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define SR_PLUGIN_EXPORT
#endif

/* True when the host API table `api` is large enough to contain `field`. */
#define SR_HOST_API_HAS(api, field)                                                               \
  ((api) != NULL &&                                                                               \
   (api)->struct_size >= offsetof(sr_host_api, field) + sizeof(((const sr_host_api*)0)->field) && \
   (api)->field != NULL)

/* ----------------------------------------------------------------------------------------- */
/* Basic types                                                                                */
/* ----------------------------------------------------------------------------------------- */

/* Result of every fallible call. Zero is success; the rest name a class of failure. */
typedef int32_t sr_status;
enum {
  SR_OK = 0,
  SR_ERR_INVALID_ARGUMENT = 1,    /* bad input from the caller */
  SR_ERR_NOT_FOUND = 2,           /* the named thing does not exist */
  SR_ERR_ALREADY_EXISTS = 3,      /* a name or route is already taken */
  SR_ERR_FAILED_PRECONDITION = 4, /* called at the wrong time or in the wrong state */
  SR_ERR_UNAVAILABLE = 5,         /* a resource is temporarily unusable (disk full, read-only) */
  SR_ERR_CLOSED = 6,              /* the peer or stream has gone away */
  SR_ERR_TOO_LARGE = 7,           /* a size limit was exceeded */
  SR_ERR_INTERNAL = 8,            /* a bug or an unexpected failure; see the log */
  SR_ERR_UNSUPPORTED = 9,         /* not offered by this host or service version */
  SR_ERR_SHUTTING_DOWN = 10       /* the host is shutting down and takes no more of this work
                                   * (tasks, events); hosts before 1.2 answer
                                   * SR_ERR_UNAVAILABLE there */
};

/* A borrowed byte string: `data` need not be NUL-terminated. {NULL, 0} is the empty string.
 * LIFETIME: as documented where it is passed; by default, the duration of the call.
 * OWNERSHIP: never freed by the receiver; copy what you keep. */
typedef struct sr_str {
  const char* data;
  size_t size;
} sr_str;

/* An sr_str for a string literal: SR_LIT("application/json"). */
#ifdef __cplusplus
#define SR_LIT(literal) (sr_str{(literal), sizeof(literal) - 1})
#else
#define SR_LIT(literal) ((sr_str){(literal), sizeof(literal) - 1})
#endif

/* Log levels for sr_host_api.log. */
enum { SR_LOG_DEBUG = 0, SR_LOG_INFO = 1, SR_LOG_WARN = 2, SR_LOG_ERROR = 3 };

/* Opaque handles. Their layout is private to the host. */
typedef struct sr_host sr_host;                   /* one per loaded plugin */
typedef struct sr_request sr_request;             /* one HTTP request */
typedef struct sr_response sr_response;           /* the response being built for it */
typedef struct sr_stream sr_stream;               /* one open server-sent-events client */
typedef struct sr_stream_group sr_stream_group;   /* a set of streams fed by one broadcast */
typedef struct sr_task sr_task;                   /* a scheduled background task */
typedef struct sr_subscription sr_subscription;   /* an event subscription */
typedef struct sr_metric_family sr_metric_family; /* a registered metric (1.3) */
typedef struct sr_metric sr_metric;               /* one labelled series of a metric (1.3) */

typedef struct sr_host_api sr_host_api;

/* ----------------------------------------------------------------------------------------- */
/* The plugin descriptor                                                                      */
/* ----------------------------------------------------------------------------------------- */

/* What a capability names. */
enum {
  SR_CAPABILITY_SERVICE = 0, /* a vtable published with service_provide */
  SR_CAPABILITY_GUARD = 1    /* an authentication guard published with guard_register */
};

/* A provided or needed capability. In `provides`, `version` is the version offered; in
 * `required` and `uses`, the minimum version accepted (guards ignore it). */
typedef struct sr_capability {
  const char* name; /* NUL-terminated, kebab-case, static storage */
  uint32_t version;
  uint32_t kind; /* SR_CAPABILITY_* */
} sr_capability;

/* 1.3: receives one item of a plugin's memory report: what it is ("spawners") and the bytes it
 * holds. LIFETIME of the view: the call. */
typedef void (*sr_memory_item_fn)(void* ctx, sr_str item, uint64_t bytes);

/* Returned by the entry symbol. All pointers refer to static storage in the plugin.
 *
 * Lifecycle, driven by the host:
 *   1. every enabled plugin is loaded and its descriptor checked (versions, id, dependencies);
 *   2. on_plugin_init runs in dependency order (providers before their users);
 *   3. on_plugin_start runs in the same order; after the last one, routes go live;
 *   4. on SIGTERM/SIGINT the host drains requests, then for each plugin in reverse order it
 *      cancels and joins the plugin's tasks, removes its subscriptions and calls on_plugin_stop;
 *   5. on_plugin_destroy runs in reverse order once no thread can call into any plugin.
 * A plugin whose init fails is never started, stopped or destroyed; it must release what it
 * allocated before returning the failure. The library is never unloaded while the process
 * lives, so function pointers stay valid. */
typedef struct sr_plugin_descriptor {
  uint32_t struct_size; /* sizeof(sr_plugin_descriptor) as compiled by the plugin */
  uint16_t abi_major;   /* SR_ABI_MAJOR as compiled by the plugin */
  uint16_t abi_minor;   /* the oldest host minor it needs: SR_ABI_TARGET_MINOR */
  const char* id;       /* kebab-case; equals the id in plugins.yaml */
  const char* version;  /* the plugin's own semantic version, e.g. "1.4.0" */
  const char* description;

  const sr_capability* provides;
  size_t provides_count;
  const sr_capability* required; /* hard dependencies: start-up fails without them */
  size_t required_count;
  const sr_capability* uses; /* optional dependencies: ordered first when present */
  size_t uses_count;

  /* Creates the plugin instance. Register routes, guards, services, tasks and subscriptions
   * here; read configuration with the config_* callbacks and finish with config_finish.
   * THREAD: the main thread. LIFETIME: `host` and `api` stay valid until on_plugin_destroy
   * returns. OWNERSHIP: *instance belongs to the plugin and is passed back to every hook.
   * On failure, call api->set_error (or let a config_* call record it) and return non-zero. */
  sr_status (*on_plugin_init)(sr_host* host, const sr_host_api* api, void** instance);
  /* Called after every plugin is initialized. Optional (NULL). THREAD: main thread. */
  sr_status (*on_plugin_start)(void* instance);
  /* Called at shutdown, after the plugin's tasks were joined and no request of its routes is
   * in flight. Flush what must be kept. Optional. THREAD: main thread. */
  void (*on_plugin_stop)(void* instance);
  /* Frees the instance. Optional. THREAD: main thread. */
  void (*on_plugin_destroy)(void* instance);

  /* ---- 1.3 ---- */

  /* Reports the memory the plugin holds: calls `fn(ctx, item, bytes)` once per named item
   * ("spawners", "mirror", "sessions"), so that operators see where memory goes (/api/stats,
   * the dashboard). Figures may be estimates from sizes and counts, but should follow what the
   * plugin keeps per spawner, client or request. Optional (NULL: nothing is reported).
   * Called only between a successful on_plugin_start and on_plugin_stop. THREAD: any, also
   * concurrently with the plugin's own work; must not block and must not call
   * plugin_memory_read. */
  sr_status (*on_plugin_memory)(void* instance, sr_memory_item_fn fn, void* ctx);
} sr_plugin_descriptor;

/* The exported entry point, named SR_PLUGIN_ENTRY_SYMBOL. Must return the same static
 * descriptor every time and must not call anything else. */
typedef const sr_plugin_descriptor* (*sr_plugin_entry_fn)(void);

/* ----------------------------------------------------------------------------------------- */
/* Callback types                                                                             */
/* ----------------------------------------------------------------------------------------- */

/* Handles one request. Fill `response` and return SR_OK; a non-zero return without a status
 * set becomes a 500. To finish later (off the I/O thread), call response_defer before
 * returning and response_complete when done.
 * THREAD: an I/O thread (or a worker thread for SR_ROUTE_BLOCKING routes). Must not block an
 * I/O thread for more than a few milliseconds.
 * LIFETIME: `request` and `response` stay valid until the response is complete. */
typedef sr_status (*sr_handler_fn)(void* ctx, sr_request* request, sr_response* response);

/* Decisions of a guard. */
enum {
  SR_GUARD_ALLOW = 0,  /* credentials present and sufficient */
  SR_GUARD_DENY = 1,   /* credentials present but wrong or insufficient */
  SR_GUARD_ABSTAIN = 2 /* no credentials of this guard's kind */
};

/* Decides whether a request may reach a route. `argument` is the text after ':' in the route's
 * guard ("admin" for "session:admin"), empty if none. A guard that denies may fill `response`
 * (status, headers, body; e.g. a redirect); otherwise the host answers 401 JSON. A guard that
 * allows may record who the caller is with request_set_attribute.
 * THREAD: an I/O thread. Must not block. Returns SR_GUARD_*. */
typedef int32_t (*sr_guard_fn)(void* ctx, sr_request* request, sr_response* response,
                               sr_str argument);

/* Sees every response just before it is sent, e.g. to add security headers.
 * THREAD: the thread completing the response. Must not block. */
typedef void (*sr_response_filter_fn)(void* ctx, const sr_request* request, sr_response* response);

/* Receives a published event. `payload` is JSON. THREAD: the host's event thread; events of
 * one publisher are delivered in order. LIFETIME of the views: the call. */
typedef void (*sr_event_fn)(void* ctx, sr_str topic, sr_str payload);

/* Body of a background task. THREAD: a host worker thread. */
typedef void (*sr_task_fn)(void* ctx);

/* Releases a zero-copy response body (see response_set_body_shared). THREAD: any. */
typedef void (*sr_release_fn)(void* ctx);

/* ----------------------------------------------------------------------------------------- */
/* Plain-data structs passed to the host                                                      */
/* ----------------------------------------------------------------------------------------- */

/* Route flags. */
enum {
  /* The handler may block (disk, network): the host runs it on a worker thread. */
  SR_ROUTE_BLOCKING = 1u << 0
};

/* A route. Patterns are absolute paths whose segments are literals, `{name}` (one segment) or,
 * as the last segment, `{name*}` (the rest of the path, possibly empty). Literal segments take
 * precedence over parameters. A route for GET also answers HEAD.
 * `guard` names who may call it: "public", a guard name ("api-key"), a guard with an argument
 * ("session:admin"), or alternatives separated by '|' ("session:operator|api-key"). */
typedef struct sr_route {
  uint32_t struct_size;
  uint32_t flags; /* SR_ROUTE_* */
  sr_str method;  /* "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" */
  sr_str pattern; /* "/api/spawners/{id}" */
  sr_str guard;   /* required; "public" for none */
  sr_handler_fn handler;
  void* ctx;               /* passed to handler; must outlive the plugin's stop */
  uint64_t max_body_bytes; /* larger bodies get 413 before they are read; 0: server default */
} sr_route;

/* Options of a stream group. Zero fields take the defaults given. */
typedef struct sr_stream_group_options {
  uint32_t struct_size;
  uint32_t replay_events;    /* events kept for Last-Event-ID replay; default 256 */
  uint64_t replay_bytes;     /* byte cap of the replay buffer; default 4 MiB */
  uint64_t max_queued_bytes; /* a client further behind than this is dropped; default 8 MiB */
  uint32_t keepalive_ms;     /* comment line sent to idle clients; default 15000 */
  uint32_t max_clients;      /* further clients get 503; default 10000 */
  uint32_t retry_ms;         /* "retry:" advice sent to new clients; default 3000 */
  uint32_t reserved;         /* zero */
} sr_stream_group_options;

/* Broadcast flags. */
enum {
  SR_EVENT_NO_REPLAY = 1u << 0 /* do not keep this event for Last-Event-ID replay */
};

/* A background task. */
typedef struct sr_task_spec {
  uint32_t struct_size;
  uint32_t reserved; /* zero */
  sr_str name;       /* for logs */
  sr_task_fn fn;
  void* ctx;
  uint64_t initial_delay_ms; /* before the first run */
  uint64_t period_ms;        /* 0: run once */
} sr_task_spec;

/* Host-wide request statistics. */
typedef struct sr_host_stats {
  uint32_t struct_size;
  uint32_t reserved;
  uint64_t uptime_ms;
  uint64_t total_requests;
  uint64_t total_errors; /* responses with status >= 400 */
  uint64_t bytes_received;
  uint64_t bytes_sent;
  uint64_t memory_rss_bytes; /* resident set size of the process */
  uint64_t open_connections;
  uint64_t open_streams;
  uint64_t in_flight_requests;
} sr_host_stats;

/* One entry of the host's error log (every response with status >= 400). */
typedef struct sr_error_entry {
  uint32_t struct_size;
  int32_t status;
  uint64_t sequence;    /* increasing, starts at 1 */
  int64_t timestamp_ms; /* Unix epoch, milliseconds */
  sr_str method;
  sr_str path;
  sr_str message;
  sr_str client_ip;
} sr_error_entry;

/* Receives error-log entries. LIFETIME of the entry and its views: the call. Return 0 to stop
 * early, non-zero to continue. */
typedef int32_t (*sr_error_entry_fn)(void* ctx, const sr_error_entry* entry);

/* Kinds of metric (1.3), as in the Prometheus text format. */
enum {
  SR_METRIC_COUNTER = 0,  /* only goes up; its name ends in "_total" */
  SR_METRIC_GAUGE = 1,    /* goes up and down */
  SR_METRIC_HISTOGRAM = 2 /* counts observations into buckets; keeps their sum */
};

/* A metric to register (1.3). `name` follows Prometheus: [a-zA-Z_:][a-zA-Z0-9_:]*, a counter's
 * ends in "_total". Label names: [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__", at most 16,
 * no duplicates, and "le" is reserved for histograms. `buckets` (histograms only) are finite
 * upper bounds in increasing order, at most 64; the "+Inf" bucket is implicit. A histogram
 * with bucket_count 0 gets the default buckets (5 ms .. 10 s, for durations in seconds). */
typedef struct sr_metric_spec {
  uint32_t struct_size;
  uint32_t type; /* SR_METRIC_* */
  sr_str name;
  sr_str help; /* one line of text for # HELP */
  const sr_str* label_names;
  size_t label_count;
  const double* buckets;
  size_t bucket_count;
} sr_metric_spec;

/* Receives rendered text (see metrics_render). LIFETIME of the view: the call. Return 0 to
 * stop early, non-zero to continue. */
typedef int32_t (*sr_text_fn)(void* ctx, sr_str text);

/* Receives the keys of a configuration mapping (see config_map_keys). Return 0 to stop
 * early, non-zero to continue. */
typedef int32_t (*sr_config_key_fn)(void* ctx, sr_str name);

/* ----------------------------------------------------------------------------------------- */
/* The host API table                                                                         */
/* ----------------------------------------------------------------------------------------- */

/* 1.3: receives one item of one plugin's memory report (plugin_memory_read). LIFETIME of the
 * views: the call. */
typedef void (*sr_plugin_memory_fn)(void* ctx, sr_str plugin_id, sr_str item, uint64_t bytes);

/* Handed to on_plugin_init. Static in the host: valid for the life of the process.
 * Unless stated otherwise, functions may be called from any thread. */
struct sr_host_api {
  uint32_t struct_size; /* sizeof(sr_host_api) as compiled by the host */
  uint16_t abi_major;   /* the host's SR_ABI_MAJOR */
  uint16_t abi_minor;   /* the host's SR_ABI_MINOR */

  /* ---- 1.0: identity and logging ---- */

  /* The host's version, e.g. "1.0.0". LIFETIME: process. */
  sr_str (*host_version)(const sr_host* host);
  /* Writes a log line, prefixed with the plugin's id. `level` is SR_LOG_*. */
  void (*log)(sr_host* host, int32_t level, sr_str message);
  /* Records why a hook is about to fail; the host prints it with the plugin's id.
   * OWNERSHIP: copied. */
  void (*set_error)(sr_host* host, sr_str message);

  /* ---- 1.0: configuration (the plugin's `config:` section of plugins.yaml) ---- */
  /* Keys are dotted paths into the section: "ttl", "tls.cert", "keys.0.name". Every getter
   * marks the key as known; a wrong type or an out-of-range value records an error naming the
   * plugin, key and plugins.yaml line, and returns SR_ERR_INVALID_ARGUMENT. An absent key
   * yields the fallback. THREAD: main thread, during on_plugin_init. LIFETIME of returned
   * views: until on_plugin_destroy returns. */

  /* The whole section as JSON ("{}" when absent). */
  sr_str (*config_json)(sr_host* host);
  /* 1 if the key is present, else 0. Marks it as known. */
  int32_t (*config_has)(sr_host* host, sr_str key);
  sr_status (*config_get_string)(sr_host* host, sr_str key, sr_str fallback, sr_str* out);
  sr_status (*config_get_int)(sr_host* host, sr_str key, int64_t fallback, int64_t min, int64_t max,
                              int64_t* out);
  sr_status (*config_get_bool)(sr_host* host, sr_str key, int32_t fallback, int32_t* out);
  /* A duration: a number of seconds, or a string with a unit: "250ms", "5s", "2m", "1h". */
  sr_status (*config_get_duration_ms)(sr_host* host, sr_str key, int64_t fallback_ms,
                                      int64_t min_ms, int64_t max_ms, int64_t* out);
  /* A size: a number of bytes, or a string with a unit: "64KiB", "8MiB", "1GiB", "10MB". */
  sr_status (*config_get_bytes)(sr_host* host, sr_str key, uint64_t fallback, uint64_t min,
                                uint64_t max, uint64_t* out);
  /* A filesystem path; a relative one is resolved against the folder of plugins.yaml. */
  sr_status (*config_get_path)(sr_host* host, sr_str key, sr_str fallback, sr_str* out);
  /* Length of an array (0 when absent). */
  sr_status (*config_array_length)(sr_host* host, sr_str key, size_t* out);
  /* Fails, naming the first key never read, if the section holds a key no getter asked for.
   * Call once after reading everything. */
  sr_status (*config_finish)(sr_host* host);

  /* ---- 1.0: routes, guards and response filters ---- */

  /* Adds a route. Fails with SR_ERR_ALREADY_EXISTS when another plugin claims the same method
   * and pattern, SR_ERR_INVALID_ARGUMENT for a malformed pattern or guard. Routes added during
   * init go live after every plugin has started; later ones go live at once.
   * OWNERSHIP: the struct and its views are copied. THREAD: any, before on_plugin_stop. */
  sr_status (*route_add)(sr_host* host, const sr_route* route);
  /* Publishes a guard under `name` (must also be listed in the descriptor's `provides`).
   * `ctx` must outlive the plugin's stop. THREAD: main thread, during on_plugin_init. */
  sr_status (*guard_register)(sr_host* host, sr_str name, sr_guard_fn fn, void* ctx);
  /* Adds a response filter. THREAD: main thread, during on_plugin_init. */
  sr_status (*response_filter_add)(sr_host* host, sr_response_filter_fn fn, void* ctx);

  /* ---- 1.0: requests ---- */
  /* All views are valid until the response is complete. THREAD: any thread that holds the
   * request (the handler's, or the one that completes a deferred response). */

  sr_str (*request_method)(const sr_request* request);
  /* The path without the query string, percent-decoded. */
  sr_str (*request_path)(const sr_request* request);
  /* The raw query string, without '?'. */
  sr_str (*request_query)(const sr_request* request);
  sr_str (*request_body)(const sr_request* request);
  /* The client's address, e.g. "127.0.0.1" or "::1". */
  sr_str (*request_client_ip)(const sr_request* request);
  /* 1 if the connection is TLS, else 0. */
  int32_t (*request_is_secure)(const sr_request* request);
  /* Header lookup, case-insensitive. Returns 1 and sets *out if present, else 0. */
  int32_t (*request_header)(const sr_request* request, sr_str name, sr_str* out);
  /* The index-th header in arrival order. Returns 0 past the end. */
  int32_t (*request_header_at)(const sr_request* request, size_t index, sr_str* name,
                               sr_str* value);
  /* A `{name}` segment of the matched route, percent-decoded. */
  int32_t (*request_path_param)(const sr_request* request, sr_str name, sr_str* out);
  /* A query parameter, percent-decoded (first occurrence). */
  int32_t (*request_query_param)(const sr_request* request, sr_str name, sr_str* out);
  /* A cookie from the Cookie header. */
  int32_t (*request_cookie)(const sr_request* request, sr_str name, sr_str* out);
  /* Attributes carry facts from guards to handlers ("user", "role", "auth").
   * OWNERSHIP: copied. */
  sr_status (*request_set_attribute)(sr_request* request, sr_str name, sr_str value);
  int32_t (*request_attribute)(const sr_request* request, sr_str name, sr_str* out);

  /* ---- 1.0: responses ---- */
  /* THREAD: the handler's thread, or after response_defer any single thread at a time. */

  /* Default 200. */
  void (*response_set_status)(sr_response* response, int32_t status);
  int32_t (*response_status)(const sr_response* response);
  /* Adds a header. Refuses CR, LF or NUL, and the headers the host owns (Content-Length,
   * Transfer-Encoding, Connection, Date). OWNERSHIP: copied. */
  sr_status (*response_add_header)(sr_response* response, sr_str name, sr_str value);
  int32_t (*response_header)(const sr_response* response, sr_str name, sr_str* out);
  /* Replaces the body. OWNERSHIP: copied. */
  void (*response_set_body)(sr_response* response, sr_str body, sr_str content_type);
  /* Appends to the body. OWNERSHIP: copied. */
  void (*response_append_body)(sr_response* response, sr_str chunk);
  /* Replaces the body without copying: `body` must stay valid until `release(release_ctx)`,
   * which the host calls exactly once from any thread when it no longer needs the bytes. */
  void (*response_set_body_shared)(sr_response* response, sr_str body, sr_str content_type,
                                   sr_release_fn release, void* release_ctx);
  /* Sends `length` bytes of the open file `fd` starting at `offset`, without copying them
   * through memory. OWNERSHIP: the host takes `fd` and closes it, also on failure. */
  sr_status (*response_send_file)(sr_response* response, int32_t fd, uint64_t offset,
                                  uint64_t length, sr_str content_type);
  /* Sets `status` and the body {"error": message}; the message goes to the error log. */
  void (*response_error)(sr_response* response, int32_t status, sr_str message);
  /* Keeps the request and response alive after the handler returns. The plugin must then
   * call response_complete exactly once, from any thread. */
  sr_status (*response_defer)(sr_response* response);
  sr_status (*response_complete)(sr_response* response);

  /* ---- 1.0: server-sent event streams ---- */

  /* Creates a named group of streams. THREAD: main thread, during on_plugin_init.
   * LIFETIME: until the plugin is destroyed. `options` may be NULL. */
  sr_status (*stream_group_create)(sr_host* host, sr_str name,
                                   const sr_stream_group_options* options, sr_stream_group** out);
  /* Turns the request into an event stream in `group`: the host sends the headers, replays
   * the events after the client's Last-Event-ID and keeps the connection. The handler then
   * returns without touching the response. If `out` is not NULL, it receives a reference to
   * the stream that the plugin must give back with stream_release.
   * THREAD: the handler's I/O thread, before it returns; not for deferred responses. */
  sr_status (*stream_open)(sr_request* request, sr_response* response, sr_stream_group* group,
                           sr_stream** out);
  /* Sends one event to one client. Fails with SR_ERR_CLOSED once the client is gone.
   * `event` may be empty (a plain "message"). OWNERSHIP: copied. */
  sr_status (*stream_send)(sr_stream* stream, sr_str event, sr_str data);
  /* Gives back a reference from stream_open. The stream itself lives while the client does. */
  void (*stream_release)(sr_stream* stream);
  /* Sends one event to every client of the group: framed once, shared by all. `flags` is
   * SR_EVENT_*. If `out_id` is not NULL it receives the event id. OWNERSHIP: copied. */
  sr_status (*stream_group_broadcast)(sr_stream_group* group, sr_str event, sr_str data,
                                      uint32_t flags, uint64_t* out_id);
  /* Number of clients connected to the group. */
  size_t (*stream_group_clients)(const sr_stream_group* group);

  /* ---- 1.0: background tasks ---- */

  /* Schedules a task on the host's worker threads. If `out` is NULL the task is owned by the
   * host (typical for one-shot work); otherwise the handle stays valid until task_cancel.
   * All of a plugin's tasks are cancelled and joined before its on_plugin_stop. A periodic
   * task never runs concurrently with itself. OWNERSHIP: the spec is copied. */
  sr_status (*task_schedule)(sr_host* host, const sr_task_spec* spec, sr_task** out);
  /* Cancels a task and waits for a running invocation to finish (unless called from inside
   * it). Frees the handle. */
  void (*task_cancel)(sr_task* task);

  /* ---- 1.0: named, versioned services ---- */

  /* Publishes `vtable` (a struct starting with uint32_t struct_size) under `name` and
   * `version`. Both must be listed in the descriptor's `provides`. LIFETIME: `vtable` must
   * stay valid until the plugin is destroyed. THREAD: main thread, during on_plugin_init. */
  sr_status (*service_provide)(sr_host* host, sr_str name, uint32_t version, const void* vtable);
  /* Finds a service of at least `min_version`, which the plugin must list in `required` or
   * `uses`. SR_ERR_NOT_FOUND when no enabled plugin provides it. LIFETIME of the vtable:
   * until the calling plugin is destroyed (providers outlive their users). */
  sr_status (*service_lookup)(sr_host* host, sr_str name, uint32_t min_version, const void** out);

  /* ---- 1.0: events ---- */

  /* Subscribes to `topic`; a topic ending in ".*" matches every topic with that prefix.
   * If `out` is not NULL it receives a handle for event_unsubscribe. Subscriptions end before
   * the plugin's on_plugin_stop. */
  sr_status (*event_subscribe)(sr_host* host, sr_str topic, sr_event_fn fn, void* ctx,
                               sr_subscription** out);
  /* Ends a subscription and waits for a delivery in progress (unless called from one). */
  void (*event_unsubscribe)(sr_subscription* subscription);
  /* Publishes a JSON payload to the subscribers of `topic`, asynchronously.
   * OWNERSHIP: copied. */
  sr_status (*event_publish)(sr_host* host, sr_str topic, sr_str payload);

  /* ---- 1.0: host statistics and error log ---- */

  /* Fills `out`; set out->struct_size first. */
  sr_status (*stats_read)(sr_host* host, sr_host_stats* out);
  /* Calls `fn` for at most `limit` entries with sequence > after_sequence: oldest first, or
   * newest first when `newest_first` is non-zero (to show the latest errors). */
  sr_status (*error_log_read)(sr_host* host, uint64_t after_sequence, size_t limit,
                              int32_t newest_first, sr_error_entry_fn fn, void* ctx);

  /* ---- 1.1 ---- */

  /* The host's data folder (server.data_dir, default "data" beside plugins.yaml), created
   * on first call. A plugin keeps its files there under names that start with its id.
   * Empty if the folder cannot be created (the reason is logged). LIFETIME: process. */
  sr_str (*data_dir)(sr_host* host);

  /* ---- 1.2 ---- */

  /* Ends one event stream: the host finishes the response and closes the connection, so the
   * client sees the stream end (a browser's EventSource reconnects and is checked again).
   * Events sent or broadcast after the call are not delivered to it. Returns SR_ERR_CLOSED if
   * the client was already gone or the stream was already closed.
   * THREAD: any. LIFETIME: `stream` stays a valid handle until stream_release; closing does
   * not release it. OWNERSHIP: the reference from stream_open remains the plugin's. */
  sr_status (*stream_close)(sr_stream* stream);

  /* Calls `fn` with each key of the mapping at `key` ("quotas" for `quotas: {eu: 2, us: 3}`),
   * in file order; read each value with the getters ("quotas.eu"). Marks `key` as known, not
   * the values below it. An absent key is an empty mapping (SR_OK, no call); a value that is
   * not a mapping records an error naming the key and line and returns
   * SR_ERR_INVALID_ARGUMENT. A name holding '.' cannot be read with a dotted key.
   * THREAD: main thread, during on_plugin_init. LIFETIME of the names: until
   * on_plugin_destroy returns. */
  sr_status (*config_map_keys)(sr_host* host, sr_str key, sr_config_key_fn fn, void* ctx);
  /* Refuses the value at `key` with the plugin's own reason: the host records
   * "plugins.yaml:LINE:COL: plugin 'id': key 'key': message" (the line of the nearest present
   * part of the key) as the plugin's error, which it prints when on_plugin_init then fails.
   * Returns SR_ERR_INVALID_ARGUMENT, so that `return api->config_error(...)` fails the init.
   * OWNERSHIP: copied. THREAD: main thread, during on_plugin_init. */
  sr_status (*config_error)(sr_host* host, sr_str key, sr_str message);

  /* ---- 1.3: metrics ---- */
  /* Plugins register counters, gauges and histograms (sr_metric_spec) that the host renders
   * in the Prometheus text format 0.0.4 with its own (HTTP requests, process_*). A plugin
   * takes a series handle once per label set and updates it from any thread: an update is a
   * few atomic instructions, with no lock and no allocation. LIFETIME of families and
   * series: the process (they survive the plugin's stop; updating them afterwards is
   * harmless). Updates that do not fit the kind (metric_set on a counter, a negative counter
   * increment, a NaN) are ignored. */

  /* Registers a metric. SR_ERR_INVALID_ARGUMENT for a spec that breaks the rules above (the
   * reason is logged), SR_ERR_ALREADY_EXISTS when the name is taken (by any plugin or the
   * host). OWNERSHIP: the spec and its views are copied. THREAD: any. */
  sr_status (*metric_register)(sr_host* host, const sr_metric_spec* spec, sr_metric_family** out);
  /* The series of `family` for these label values (`count` equals the family's label_count,
   * in the same order), created at zero on first use; the same values give the same handle.
   * Values are any UTF-8 text. SR_ERR_TOO_LARGE past 10000 series in one family: keep label
   * values bounded (a route's pattern, never a raw path or an id). OWNERSHIP: copied.
   * THREAD: any (takes the family's lock: keep the handle, do not call this per update). */
  sr_status (*metric_series)(sr_metric_family* family, const sr_str* label_values, size_t count,
                             sr_metric** out);
  /* Counter: adds `delta` (>= 0). Gauge: adds `delta` (any sign). THREAD: any. */
  void (*metric_add)(sr_metric* metric, double delta);
  /* Gauge: sets the value. THREAD: any. */
  void (*metric_set)(sr_metric* metric, double value);
  /* Histogram: records one observation. THREAD: any. */
  void (*metric_observe)(sr_metric* metric, double value);
  /* Calls `fn(ctx)` at the start of every metrics_render, one render at a time, on the
   * rendering thread: the place to set gauges that are cheaper to read than to follow (a
   * count of connected clients, a directory's totals). Must be quick and must not call
   * metrics_render. Collectors stop being called before the plugin's on_plugin_stop.
   * THREAD: main thread, during on_plugin_init. `ctx` must outlive the plugin's stop. */
  sr_status (*metric_collector_add)(sr_host* host, sr_task_fn fn, void* ctx);
  /* Renders every metric of the host and its plugins in the Prometheus text format 0.0.4
   * (families by name, series by label values), after running the collectors. `fn` receives
   * the text in one or more pieces, in order. THREAD: any, not from inside a collector. */
  sr_status (*metrics_render)(sr_host* host, sr_text_fn fn, void* ctx);

  /* ---- 1.3: memory reports ---- */

  /* Reads every running plugin's memory report (sr_plugin_descriptor.on_plugin_memory): calls
   * `fn` once per item, plugin by plugin in start order; plugins without the hook, or not
   * running, report nothing. THREAD: any, except from inside an on_plugin_memory hook. */
  sr_status (*plugin_memory_read)(sr_host* host, sr_plugin_memory_fn fn, void* ctx);

  /* ---- 1.4: health and the server's address ---- */

  /* Says whether the calling plugin can do its work: `degraded` non-zero with a reason
   * ("database unreachable: connection refused"), zero when it recovered (the reason is then
   * ignored). GET /health answers 200 {"status":"healthy"} while no plugin is degraded, else
   * 200 {"status":"degraded","degraded":[{"plugin":"<id>","reason":"..."}]} (one entry per
   * degraded plugin, in the order they became degraded), so that a load balancer or an
   * operator sees the master is up but impaired. Each plugin has one state: a later call
   * replaces its reason; its state goes when the plugin is withdrawn or destroyed. Cheap
   * (one short lock): call it on every transition, not only at start-up.
   * OWNERSHIP: `reason` is copied (at most 1024 bytes are kept). THREAD: any. */
  sr_status (*health_set)(sr_host* host, int32_t degraded, sr_str reason);
  /* The address the server listens on, "<bind>:<port>" with the port actually bound (also
   * when plugins.yaml says `port: 0`), e.g. "0.0.0.0:8081" or "[::]:8081". The socket is bound
   * before the first on_plugin_init, so the answer is final from then on (under --check,
   * where nothing is bound, it is the configured port). LIFETIME: process. THREAD: any. */
  sr_str (*server_endpoint)(sr_host* host);
};

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SR_ABI_H */
