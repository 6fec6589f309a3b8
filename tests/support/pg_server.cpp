#include "pg_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace sr::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDatabase = "sr_test";
constexpr const char* kServerUser = "postgres";

bool HasServerBinaries(const fs::path& dir) {
  std::error_code ignored;
  return fs::exists(dir / "initdb", ignored) && fs::exists(dir / "postgres", ignored) &&
         fs::exists(dir / "pg_ctl", ignored) && fs::exists(dir / "createdb", ignored);
}

// Debian installs each major version side by side; the newest wins. pg_config (from
// libpq-dev) names the client's bindir, which holds the server only on other layouts.
std::string FindBinDir() {
  std::vector<fs::path> candidates;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    candidates.push_back(entry.path() / "bin");
  }
  auto major = [](const fs::path& bin) {
    return std::strtol(bin.parent_path().filename().c_str(), nullptr, 10);
  };
  std::sort(candidates.begin(), candidates.end(),
            [&](const fs::path& a, const fs::path& b) { return major(a) > major(b); });
  for (const auto& dir : candidates) {
    if (HasServerBinaries(dir)) return dir.string();
  }
  if (FILE* pipe = ::popen("pg_config --bindir 2>/dev/null", "r")) {
    std::array<char, 512> line{};
    std::string bindir;
    if (std::fgets(line.data(), static_cast<int>(line.size()), pipe) != nullptr) {
      bindir = line.data();
    }
    ::pclose(pipe);
    while (!bindir.empty() && (bindir.back() == '\n' || bindir.back() == ' ')) bindir.pop_back();
    if (!bindir.empty() && HasServerBinaries(bindir)) return bindir;
  }
  return {};
}

// A port nobody listens on now. Another process may take it before the server binds it; the
// caller retries with a fresh one.
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  if (port == 0) throw std::runtime_error("no free loopback port");
  return port;
}

std::string ConnInfo(int port, const std::string& database) {
  return std::string("postgresql://postgres@127.0.0.1:")
      .append(std::to_string(port))
      .append("/")
      .append(database);
}

bool RunningAsRoot() { return ::geteuid() == 0; }

// Runs argv with stdout and stderr in `output_file`; returns the exit status (-1: not run).
// posix_spawn rather than fork: test processes have threads.
int Spawn(const std::vector<std::string>& argv, const fs::path& output_file) {
  std::vector<char*> pointers;
  for (const auto& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
  pointers.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, pointers[0], &actions, nullptr, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// PostgreSQL refuses to run as root: as root, the server's files belong to `postgres`.
void GiveToServerUser(const fs::path& path) {
  if (!RunningAsRoot()) return;
  const passwd* user = ::getpwnam(kServerUser);
  if (user == nullptr)
    throw std::runtime_error("PgServer: running as root without a postgres user");
  if (::chown(path.c_str(), user->pw_uid, user->pw_gid) != 0) {
    throw std::runtime_error(std::string("PgServer: cannot chown ").append(path.string()));
  }
}

// Runs argv (as `postgres` when we are root) with its output in `output_file`; throws with
// that output when it fails.
void RunAsServerUser(std::vector<std::string> args, const fs::path& output_file) {
  if (RunningAsRoot()) args.insert(args.begin(), {"runuser", "-u", kServerUser, "--"});
  if (Spawn(args, output_file) == 0) return;
  std::string message = "PgServer: ";
  for (const auto& arg : args) message.append(arg).append(" ");
  message.append("failed:\n").append(ReadFile(output_file));
  throw std::runtime_error(message);
}

// initdb takes seconds, most of a test's start-up, and makes the same cluster every time for
// one PostgreSQL and one user: it runs once per machine into a template that each server
// copies. The template is made under a temporary name and renamed into place, so a test never
// sees half of one; two tests racing to make it both succeed and one copy is kept.
fs::path EnsureTemplate(const std::string& bin_dir) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : bin_dir) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  char name[64];
  std::snprintf(name, sizeof(name), "sr-pg-template-%016llx-%u",
                static_cast<unsigned long long>(hash), static_cast<unsigned>(::geteuid()));
  fs::path template_dir = fs::temp_directory_path() / name;
  fs::path cluster = template_dir / "data";
  std::error_code ignored;
  if (fs::exists(cluster / "PG_VERSION", ignored)) return cluster;
  std::string staging = (fs::temp_directory_path() / name).string().append(".tmp-XXXXXX");
  if (::mkdtemp(staging.data()) == nullptr) throw std::runtime_error("PgServer: mkdtemp failed");
  GiveToServerUser(staging);
  try {
    RunAsServerUser(
        {(fs::path(bin_dir) / "initdb").string(), "-D", (fs::path(staging) / "data").string(), "-U",
         kServerUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"},
        fs::path(staging) / "initdb.out");
  } catch (...) {
    fs::remove_all(staging, ignored);
    throw;
  }
  fs::rename(staging, template_dir, ignored);
  if (ignored) fs::remove_all(staging, ignored);  // another test made it first
  return cluster;
}

}  // namespace

std::string PgServer::SkipReason() {
  if (!FindBinDir().empty()) return {};
  return "PostgreSQL is not installed (no initdb/postgres/pg_ctl under /usr/lib/postgresql/*/bin "
         "or `pg_config --bindir`): apt-get install postgresql";
}

std::optional<PgServer> PgServer::Start() {
  std::string bin_dir = FindBinDir();
  if (bin_dir.empty()) return std::nullopt;
  auto dir = std::make_unique<TempDir>();
  GiveToServerUser(dir->path());
  PgServer server(bin_dir, std::move(dir), 0);
  fs::path cluster = EnsureTemplate(bin_dir);
  server.Run({"cp", "-a", cluster.string(), (server.dir_->path() / "data").string()});
  // The port is chosen when the server starts: another test may grab a free port first.
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    server.port_ = FreePort();
    try {
      server.StartServer();
      break;
    } catch (const std::runtime_error&) {
      if (attempt == kAttempts) throw;
    }
  }
  server.RunTool({"createdb", "-h", server.socket_dir(), "-p", std::to_string(server.port_), "-U",
                  kServerUser, kDatabase});
  return server;
}

PgServer::PgServer(std::string bin_dir, std::unique_ptr<TempDir> dir, int port)
    : bin_dir_(std::move(bin_dir)), dir_(std::move(dir)), port_(port) {}

PgServer::~PgServer() { Shutdown(); }

PgServer& PgServer::operator=(PgServer&& other) noexcept {
  if (this == &other) return *this;
  Shutdown();
  bin_dir_ = std::move(other.bin_dir_);
  dir_ = std::move(other.dir_);
  port_ = other.port_;
  running_ = other.running_;
  databases_ = other.databases_;
  return *this;
}

void PgServer::Shutdown() noexcept {
  if (dir_ == nullptr || !running_) return;
  try {
    RunTool({"pg_ctl", "-D", (dir_->path() / "data").string(), "-m", "immediate", "-w", "stop"});
  } catch (...) {
    // Already gone; the folder is removed either way.
  }
  running_ = false;
}

std::string PgServer::conninfo() const { return ConnInfo(port_, kDatabase); }

std::string PgServer::NewDatabase() {
  std::string name = std::string(kDatabase).append("_").append(std::to_string(++databases_));
  RunTool({"createdb", "-h", socket_dir(), "-p", std::to_string(port_), "-U", kServerUser, name});
  return ConnInfo(port_, name);
}

void PgServer::Stop() {
  if (!running_) return;
  RunTool({"pg_ctl", "-D", (dir_->path() / "data").string(), "-m", "fast", "-w", "stop"});
  running_ = false;
}

void PgServer::Restart() {
  Stop();
  StartServer();
}

void PgServer::StartServer() {
  // Settings go into postgresql.conf (the last line wins) rather than through pg_ctl -o,
  // which a shell would split.
  {
    std::ofstream conf(dir_->path() / "data" / "postgresql.conf", std::ios::app);
    conf << "\nlisten_addresses = '127.0.0.1'\nport = " << port_ << "\nunix_socket_directories = '"
         << dir_->path().string() << "'\n"
         << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
         << "max_connections = 200\nshared_buffers = 32MB\n";
  }
  RunTool({"pg_ctl", "-D", (dir_->path() / "data").string(), "-l",
           (dir_->path() / "server.log").string(), "-w", "-t", "30", "start"});
  running_ = true;
}

void PgServer::RunTool(std::vector<std::string> args) const {
  args.front() = (fs::path(bin_dir_) / args.front()).string();
  Run(std::move(args));
}

void PgServer::Run(std::vector<std::string> args) const {
  fs::path output = dir_->path() / (fs::path(args.front()).filename().string() + ".out");
  try {
    RunAsServerUser(std::move(args), output);
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    std::string log = ReadFile(dir_->path() / "server.log");
    if (!log.empty()) message.append("\nserver.log:\n").append(log);
    throw std::runtime_error(message);
  }
}

}  // namespace sr::test
