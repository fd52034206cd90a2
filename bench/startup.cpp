// startup: the time from exec of the agent until GET /v1/status answers, over several runs. The
// command comes from the arguments (scripts/bench.sh passes `ehagent serve` with a private
// config); the port is the one that config names.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_support.hpp"

using namespace ehagent::bench;

int main(int argc, char** argv) {
  if (argc < 3) {
    reportMissing("startup", "usage: bench_startup <port> <agent command...>; the agent executable is not built yet");
    return 0;
  }
  const auto port = static_cast<unsigned short>(std::stoi(argv[1]));
  Samples samples;
  for (int run = 0; run < 10; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::execvp(argv[2], argv + 2);
      ::_exit(127);
    }
    bool up = false;
    // Generous deadline: a slow machine must give a slow figure, not a missing one.
    while (!up && std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
      try {
        up = HttpClient::tcp(port).request("GET", "/v1/status").status == 200;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    samples.add(std::chrono::steady_clock::now() - start);
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    if (!up) {
      reportMissing("startup", "the agent did not answer within 20 s");
      return 1;
    }
  }
  report("startup.p50", samples.percentile(50), "ms", -1, "<=100");
  return 0;
}
