#include "tests/support/sandbox_process.hpp"

#include <stdexcept>

#include "tests/support/support.hpp"

namespace ehagent::testsupport {
namespace {

std::vector<std::string> sandboxArgv(const std::filesystem::path& sts_control) {
  std::vector<std::string> argv{sandboxExe(), "serve", "--specimen", SpecimenCopy::specimenDir().string(),
                                "--listen", "127.0.0.1:0"};
  if (!sts_control.empty()) {
    argv.push_back("--control");
    argv.push_back(sts_control.string());
  }
  return argv;
}

}  // namespace

SandboxProcess::SandboxProcess(const std::filesystem::path& sts_control)
    : process_(ChildOptions{.argv = sandboxArgv(sts_control), .pipe_stdout = true}) {
  // The first line, printed once it listens, names the base address.
  const std::string line = process_.readLine(std::chrono::seconds(60));
  const auto at = line.find("https://");
  if (at == std::string::npos) throw std::runtime_error("the sandbox did not start: " + line);
  base_ = line.substr(at);
}

}  // namespace ehagent::testsupport
