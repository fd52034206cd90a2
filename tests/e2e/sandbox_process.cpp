#include "tests/e2e/sandbox_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/support.hpp"

extern char** environ;

namespace ehagent::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// The first line the sandbox prints, which comes once it listens.
std::string readFirstLine(int fd, Clock::time_point deadline) {
  std::string data;
  char buffer[256];
  while (Clock::now() < deadline && data.find('\n') == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

}  // namespace

SandboxProcess::SandboxProcess() {
  const std::string specimen = testsupport::SpecimenCopy::specimenDir().string();
  std::vector<std::string> args = {testsupport::sandboxExe(), "serve", "--specimen", specimen, "--listen",
                                   "127.0.0.1:0"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    pid_ = -1;
    throw std::runtime_error("cannot start the sandbox: " + std::string(std::strerror(rc)));
  }
  const std::string line = readFirstLine(out[0], Clock::now() + std::chrono::seconds(60));
  ::close(out[0]);
  const auto at = line.find("https://");
  if (at == std::string::npos) throw std::runtime_error("the sandbox did not start: " + line);
  base_ = line.substr(at, line.find_first_of("\r\n", at) - at);
}

SandboxProcess::~SandboxProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace ehagent::e2e
