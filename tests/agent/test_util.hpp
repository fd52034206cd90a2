#pragma once
// Helpers for the agent tests: the shared ones (folders, files, programs: tests/support) and a
// running `ehagent serve` child process owned by the test.
#include <sys/types.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/support.hpp"

namespace ehagent::agent::test {

using testsupport::agentExe;
using testsupport::CommandResult;
using testsupport::readFile;
using testsupport::runCommand;
using testsupport::TempDir;
using testsupport::writeFile;

// `ehagent serve` as a child: started in the constructor, waited for its "ready" line, stopped
// (SIGTERM, then SIGKILL) in the destructor if still running.
class AgentProcess {
 public:
  AgentProcess(const std::vector<std::string>& serve_args, const std::filesystem::path& scratch);

  unsigned short port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  // Sends the signal and waits for exit; returns the exit status as from runCommand.
  int stop(int signal_number) { return process_.stop(signal_number); }
  std::string log() const { return process_.log(); }  // what the agent wrote to stderr

 private:
  testsupport::ChildProcess process_;
  unsigned short port_ = 0;
};

}  // namespace ehagent::agent::test
