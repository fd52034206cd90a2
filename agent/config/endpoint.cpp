#include "agent/config/endpoint.hpp"
#include "core/file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "agent/config/paths.hpp"

namespace ehagent::agent {
namespace fs = std::filesystem;
namespace {

constexpr std::uint16_t kBasePort = 17443;
constexpr uid_t kFirstUserUid = 1000;
constexpr uid_t kPortsPerMachine = 2000;

bool processAlive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

}  // namespace

std::string Endpoint::toJson() const {
  nlohmann::json j{{"host", host},
                   {"port", port},
                   {"url", "http://" + formatListenAddress(host, port)},
                   {"socket", socket.empty() ? nlohmann::json(nullptr) : nlohmann::json(socket.string())},
                   {"version", version},
                   {"pid", pid}};
  return j.dump(2) + "\n";
}

std::optional<Endpoint> Endpoint::fromJson(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("port") || !j["port"].is_number_unsigned()) return std::nullopt;
  Endpoint e;
  e.host = j.value("host", "127.0.0.1");
  e.port = j["port"].get<std::uint16_t>();
  if (j.contains("socket") && j["socket"].is_string()) e.socket = j["socket"].get<std::string>();
  e.version = j.value("version", "");
  e.pid = j.value("pid", 0);
  return e;
}

fs::path endpointFileFor(const fs::path& socket) {
  return (socket.empty() ? defaultSocketPath() : socket).parent_path() / "endpoint.json";
}

void writeEndpointFile(const fs::path& file, const Endpoint& endpoint) {
  ensurePrivateDirectory(file.parent_path());
  const fs::path temporary = file.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + temporary.string() + ": " + std::strerror(errno));
  const std::string text = endpoint.toJson();
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), file.c_str()) != 0) {
    ::unlink(temporary.c_str());
    throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
  }
}

std::optional<Endpoint> readLiveEndpoint(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  auto endpoint = Endpoint::fromJson(readFile(file).value_or(""));
  if (!endpoint || !processAlive(endpoint->pid)) return std::nullopt;
  return endpoint;
}

std::uint16_t perUserPort(uid_t uid) {
  if (uid < kFirstUserUid) return kBasePort;
  return static_cast<std::uint16_t>(kBasePort + (uid - kFirstUserUid) % kPortsPerMachine);
}

ListenAddress effectiveListenAddress(const Config& config) {
  if (!config.listen.empty()) return parseListenAddress(config.listen);
  ListenAddress address{"127.0.0.1", perUserPort(::getuid())};
  address.fall_back_to_any_port = true;
  return address;
}

InstanceLock::InstanceLock(const fs::path& state_dir) : file_(state_dir / "agent.lock") {
  fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd_ < 0) throw std::runtime_error("cannot open " + file_.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const auto holder = Endpoint::fromJson(readFile(file_).value_or(""));
    ::close(fd_);
    fd_ = -1;
    std::string who = "another ehagent";
    if (holder && holder->pid > 0) {
      who += " (pid " + std::to_string(holder->pid);
      if (holder->port != 0) who += ", listening on " + formatListenAddress(holder->host, holder->port);
      if (!holder->socket.empty()) who += " and " + holder->socket.string();
      who += ")";
    }
    throw std::runtime_error(who + " already runs on the state directory " + state_dir.string() +
                             "; use that one, or stop it first (systemctl --user stop ehagent)");
  }
  Endpoint self;
  self.pid = ::getpid();
  describe(self);
}

InstanceLock::~InstanceLock() {
  if (fd_ < 0) return;
  // Emptied rather than removed: removing it would let a third agent lock a new file while a
  // second one still waits on this one.
  if (::ftruncate(fd_, 0) != 0) { /* the lock still goes with the descriptor */ }
  ::close(fd_);
}

void InstanceLock::describe(const Endpoint& endpoint) {
  const std::string text = endpoint.toJson();
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    throw std::runtime_error("cannot write " + file_.string() + ": " + std::strerror(errno));
  }
}

}  // namespace ehagent::agent
