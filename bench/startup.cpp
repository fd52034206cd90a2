// startup: the time from exec of the real `ehagent serve` (its config naming the specimen's
// SoftHSM module, every specimen card present) until GET /v1/status first answers 200, polled
// every millisecond on the port its config names; p50 and the slowest over several runs.
#include <algorithm>
#include <iostream>
#include <string>
#include <thread>

#include "bench/agent_process.hpp"
#include "bench/bench_support.hpp"

using namespace ehagent::bench;
using Clock = std::chrono::steady_clock;

constexpr int runs = 15;

int main() {
  try {
    Specimen specimen;
    Samples samples;
    for (int run = 0; run < runs; ++run) {
      AgentOptions options;
      options.port = freePort();
      AgentProcess agent(options);
      // Generous deadline: a slow machine must give a slow figure, not a missing one.
      while (!answersStatus(options.port)) {
        if (Clock::now() - agent.spawnedAt() > std::chrono::seconds(20)) {
          throw std::runtime_error("the agent did not answer within 20 s: " + agent.stderrLog());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      samples.add(Clock::now() - agent.spawnedAt());
    }
    report("startup.p50", samples.percentile(50), "ms", -1, "<=100", std::to_string(runs) + " runs");
    report("startup.max", samples.percentile(100), "ms");
  } catch (const std::exception& e) {
    std::cerr << "startup: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
