#include "test_util.hpp"

#include <stdexcept>

namespace ehagent::agent::test {
namespace {

std::vector<std::string> serveCommand(const std::vector<std::string>& serve_args) {
  std::vector<std::string> argv = {agentExe(), "serve"};
  argv.insert(argv.end(), serve_args.begin(), serve_args.end());
  return argv;
}

}  // namespace

AgentProcess::AgentProcess(const std::vector<std::string>& serve_args, const std::filesystem::path& scratch)
    : process_({.argv = serveCommand(serve_args), .pipe_stdout = true, .log_file = scratch / "agent.err"}) {
  const std::string ready = process_.readLine(std::chrono::seconds(30));
  const auto tcp = ready.find("tcp=");
  if (tcp == std::string::npos) throw std::runtime_error("ehagent serve did not say where it listens: " + ready);
  const auto space = ready.find(' ', tcp);
  port_ = static_cast<unsigned short>(std::stoi(ready.substr(ready.rfind(':', space) + 1)));
}

}  // namespace ehagent::agent::test
