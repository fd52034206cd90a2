// runCommand: fork/exec without a shell, with stdin fed and stdout/stderr drained through poll()
// so that a chatty program cannot fill a pipe and deadlock against us.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "tests/support/support.hpp"

extern char** environ;

namespace ehagent::testsupport {
namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  ~Pipe() {
    closeEnd(0);
    closeEnd(1);
  }
  void closeEnd(int end) {
    if (fd[end] >= 0) ::close(fd[end]);
    fd[end] = -1;
  }
};

}  // namespace

CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input) {
  if (argv.empty()) throw std::invalid_argument("runCommand: empty argv");
  Pipe in, out, err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  in.closeEnd(0);
  out.closeEnd(1);
  err.closeEnd(1);

  // A program that exits without reading its stdin must not kill us with SIGPIPE.
  struct sigaction ignore {}, previous{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);

  CommandResult result;
  std::size_t written = 0;
  if (input.empty()) in.closeEnd(1);
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    std::array<pollfd, 3> fds{{{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}, {in.fd[1], POLLOUT, 0}}};
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (in.fd[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = ::write(in.fd[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 || written == input.size()) in.closeEnd(1);
    }
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      Pipe& p = i == 0 ? out : err;
      if (n <= 0) {
        p.closeEnd(0);
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  in.closeEnd(1);
  sigaction(SIGPIPE, &previous, nullptr);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

CommandResult runShell(const std::string& command) { return runCommand({"/bin/sh", "-c", command + " 2>&1"}); }

int runShell(const std::string& command, std::string* output) {
  CommandResult result = runShell(command);
  if (output != nullptr) *output = std::move(result.out);
  return result.exitCode;
}

bool commandExists(const std::string& name) {
  return runCommand({"/bin/sh", "-c", "command -v \"$0\" >/dev/null", name}).exitCode == 0;
}

bool isRoot() { return ::geteuid() == 0; }

LocalUser::LocalUser() {
  static int count = 0;
  name_ = "ehagent-t" + std::to_string(::getpid()) + "-" + std::to_string(++count);
  const CommandResult made =
      runCommand({"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name_});
  if (made.exitCode != 0) throw std::runtime_error("useradd " + name_ + " failed: " + made.err);
}

LocalUser::~LocalUser() { (void)runCommand({"userdel", name_}); }  // a leftover account is harmless

CommandResult LocalUser::runAs(const std::vector<std::string>& argv) const {
  std::vector<std::string> command = {"runuser", "-u", name_, "--"};
  command.insert(command.end(), argv.begin(), argv.end());
  return runCommand(command);
}

unsigned short freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot find a free loopback port");
  return ntohs(address.sin_port);
}

}  // namespace ehagent::testsupport
