#include "tests/support/sandbox_process.hpp"

#include <stdexcept>

#include "tests/support/support.hpp"

namespace ehagent::testsupport {

SandboxProcess::SandboxProcess()
    : process_(ChildOptions{.argv = {sandboxExe(), "serve", "--specimen", SpecimenCopy::specimenDir().string(),
                                     "--listen", "127.0.0.1:0"},
                            .pipe_stdout = true}) {
  // The first line, printed once it listens, names the base address.
  const std::string line = process_.readLine(std::chrono::seconds(60));
  const auto at = line.find("https://");
  if (at == std::string::npos) throw std::runtime_error("the sandbox did not start: " + line);
  base_ = line.substr(at);
}

}  // namespace ehagent::testsupport
