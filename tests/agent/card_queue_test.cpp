#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "agent/session/card_queue.hpp"

using namespace ehagent::agent;
namespace asio = boost::asio;

namespace {

// Spawns card jobs that each wait on a gate; collects each outcome (value or code).
struct Harness {
  asio::io_context io;
  std::vector<std::string> outcomes;
  std::deque<std::shared_future<void>> gates;  // kept here, see job()

  void spawn(CardQueue& queue, std::shared_future<void> gate, int value,
             std::shared_ptr<std::promise<void>> started = nullptr) {
    gates.push_back(std::move(gate));
    asio::co_spawn(io, job(this, &queue, &gates.back(), value, started.get()), asio::detached);
    if (started) starts.push_back(std::move(started));
  }

 private:
  std::deque<std::shared_ptr<std::promise<void>>> starts;

  // Only pointers and ints cross into the coroutine: GCC 12 destroys a coroutine's by-value
  // arguments with destructors twice when they are temporaries (as co_spawn's function object
  // was here, a lambda holding a shared_future: a use after free under ASan).
  static asio::awaitable<void> job(Harness* h, CardQueue* queue, const std::shared_future<void>* gate,
                                   int value, std::promise<void>* started) {
    try {
      std::function<int()> work([gate, value, started] {
        if (started) started->set_value();
        gate->wait();
        return value;
      });
      const int got = co_await queue->run(std::move(work));
      h->outcomes.push_back(std::to_string(got));
    } catch (const ProblemError& e) {
      h->outcomes.push_back(e.problem().code);
    }
  }
};

}  // namespace

TEST(CardQueue, RunsInOrderAndRefusesBeyondTheDepth) {
  CardQueue queue("alice", 2);
  std::promise<void> open;
  Harness h;
  const auto gate = open.get_future().share();
  for (int i = 1; i <= 3; ++i) h.spawn(queue, gate, i);
  // Run the io_context until the two admitted jobs are queued and the third was refused.
  while (h.outcomes.empty()) h.io.run_one();
  EXPECT_EQ(h.outcomes, std::vector<std::string>{"busy"});
  open.set_value();
  while (h.outcomes.size() < 3) h.io.run_one();
  EXPECT_EQ(h.outcomes, (std::vector<std::string>{"busy", "1", "2"}));
}

TEST(CardQueue, RemovalFailsQueuedWork) {
  CardQueue queue("alice", 4);
  std::promise<void> open;
  Harness h;
  const auto gate = open.get_future().share();
  auto started = std::make_shared<std::promise<void>>();
  auto first_running = started->get_future();
  h.spawn(queue, gate, 1, started);
  h.io.poll();
  first_running.wait();  // the first job is on the card; the next two wait behind it
  for (int i = 2; i <= 3; ++i) h.spawn(queue, gate, i);
  h.io.poll();
  ASSERT_EQ(queue.pending(), 3u);
  queue.failPending(problems::cardRemoved("named", {{"card", "alice"}}));
  while (h.outcomes.size() < 2) h.io.run_one();
  EXPECT_EQ(h.outcomes, (std::vector<std::string>{"card_removed", "card_removed"}));
  open.set_value();
  while (h.outcomes.size() < 3) h.io.run_one();
  EXPECT_EQ(h.outcomes.back(), "1");
}

TEST(CardQueue, TheIoThreadStaysFreeWhileTheCardWorks) {
  CardQueue queue("alice", 2);
  std::promise<void> open;
  Harness h;
  h.spawn(queue, open.get_future().share(), 7);
  bool timer_fired = false;
  asio::steady_timer timer(h.io, std::chrono::milliseconds(1));
  timer.async_wait([&](auto) { timer_fired = true; });
  // The card job blocks on the gate, yet other work on the I/O thread completes.
  while (!timer_fired) h.io.run_one();
  EXPECT_TRUE(h.outcomes.empty());
  open.set_value();
  while (h.outcomes.empty()) h.io.run_one();
  EXPECT_EQ(h.outcomes, std::vector<std::string>{"7"});
}
