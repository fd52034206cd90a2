#pragma once
// Helpers for the agent tests: a private temp directory, running a program to completion, and
// a running `ehagent serve` child process owned by the test.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace ehagent::agent::test {

class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void writeText(const std::filesystem::path& file, const std::string& text);
std::string readText(const std::filesystem::path& file);

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs argv without a shell; stdout and stderr are captured through files.
RunResult run(const std::vector<std::string>& argv, const std::filesystem::path& scratch);

// `ehagent serve` as a child: started in the constructor, waited for its "ready" line (with a
// generous deadline), and sent SIGTERM (then SIGKILL) in the destructor if still running.
class AgentProcess {
 public:
  AgentProcess(const std::vector<std::string>& serve_args, const std::filesystem::path& scratch);
  ~AgentProcess();
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Sends the signal and waits for exit; returns the exit status as from runCommand.
  int stop(int signal_number);
  std::string log() const;  // what the agent wrote to stderr

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::filesystem::path out_file_;
  std::filesystem::path err_file_;
};

std::string agentExe();

}  // namespace ehagent::agent::test
