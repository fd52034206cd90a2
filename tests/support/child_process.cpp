#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tests/support/support.hpp"

extern char** environ;

namespace ehagent::testsupport {
namespace {

using Clock = std::chrono::steady_clock;

int exitStatus(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ChildProcess::ChildProcess(ChildOptions options) : options_(std::move(options)) {
  if (options_.argv.empty()) throw std::invalid_argument("ChildProcess: empty argv");
  std::vector<std::string> env = options_.env;  // first, because getenv finds the first entry
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  auto envp = pointers(env);
  auto argv = pointers(options_.argv);

  int out[2] = {-1, -1};
  if (options_.pipe_stdout && ::pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = options_.log_file.string();
  if (!log.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (!options_.pipe_stdout) posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  }
  if (options_.pipe_stdout) posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  if (options_.null_stdin) posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const int rc = ::posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (out[1] >= 0) ::close(out[1]);
  stdout_fd_ = out[0];
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + options_.argv[0] + ": " + std::strerror(rc));
  }
}

ChildProcess::~ChildProcess() {
  stop();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

std::string ChildProcess::readLine(std::chrono::milliseconds timeout) {
  if (stdout_fd_ < 0) throw std::logic_error("readLine: stdout is not piped");
  const auto deadline = Clock::now() + timeout;
  while (pending_.find('\n') == std::string::npos) {
    if (Clock::now() > deadline) {
      throw std::runtime_error(options_.argv[0] + " said nothing within " + std::to_string(timeout.count()) +
                               " ms: " + log());
    }
    pollfd p{stdout_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buffer[512];
    const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
    if (n <= 0) throw std::runtime_error(options_.argv[0] + " exited: " + pending_ + log());
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
  const auto newline = pending_.find('\n');
  std::string line = pending_.substr(0, newline);
  pending_.erase(0, newline + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
  status_ = exitStatus(status);
  pid_ = -1;
  return false;
}

int ChildProcess::stop() { return stop(options_.stop_signal); }

int ChildProcess::stop(int signal) {
  if (!running()) return status_;
  ::kill(pid_, signal);
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  status_ = exitStatus(status);
  pid_ = -1;
  return status_;
}

std::string ChildProcess::log() const {
  if (options_.log_file.empty() || !std::filesystem::exists(options_.log_file)) return {};
  return readFile(options_.log_file);
}

}  // namespace ehagent::testsupport
