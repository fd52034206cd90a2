#pragma once
// A program the test (or benchmark) runs in the background: the sandbox, the agent, openssl
// ocsp/s_server, nginx. The one place that spawns, reads a ready line and stops a child.
//
//  - stdout either on a pipe (pipe_stdout; readLine() reads what the program announces) or, like
//    stderr, into log_file; with no log_file both are inherited.
//  - env adds NAME=value entries to this process's environment (SOFTHSM2_CONF and PATH pass on).
//  - stop() sends stop_signal, waits up to 15 s, then SIGKILL; the destructor stops it too.
#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

namespace ehagent::testsupport {

struct ChildOptions {
  std::vector<std::string> argv;  // argv[0] is searched in PATH
  std::vector<std::string> env;
  bool pipe_stdout = false;
  std::filesystem::path log_file;
  int stop_signal = SIGTERM;
  // stdin from /dev/null instead of the test's own (which may be a terminal the program would
  // act on, as the agent's choice of PIN dialog does).
  bool null_stdin = false;
};

class ChildProcess {
 public:
  explicit ChildProcess(ChildOptions options);  // throws std::runtime_error when it cannot start
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line on the piped stdout, without its newline. Throws, with the log's text, when the
  // program exits or says nothing within `timeout`.
  std::string readLine(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Whether it still runs (reaps it when it has ended).
  bool running();
  // Sends `signal` (stop_signal by default), waits for the end and returns the exit status:
  // the exit code, or 128 + the signal that ended it. Later calls return the same status.
  int stop();
  int stop(int signal);
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  // What the program wrote to log_file so far (empty without one).
  [[nodiscard]] std::string log() const;

 private:
  ChildOptions options_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int status_ = -1;
  std::string pending_;  // read from the pipe past the last line returned
};

}  // namespace ehagent::testsupport
