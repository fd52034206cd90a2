#pragma once
// One bounded FIFO of card work per token, run by a worker thread that owns the card. HTTP I/O
// threads never block on the card: a handler co_awaits run(), the work goes to the worker, and
// the result is posted back to the handler's executor. Beyond the depth, run() fails with `busy`;
// failPending() fails every queued job (card removed).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "agent/http/problem.hpp"

namespace ehagent::agent {

class CardQueue {
 public:
  CardQueue(std::string name, std::size_t depth);
  ~CardQueue();  // fails pending work, then joins the worker after the running job
  CardQueue(const CardQueue&) = delete;
  CardQueue& operator=(const CardQueue&) = delete;

  template <class T>
  boost::asio::awaitable<T> run(std::function<T()> work);

  // Fails every job that has not started yet with this problem.
  void failPending(const Problem& problem);
  std::size_t pending() const;  // queued plus running
  const std::string& name() const noexcept { return name_; }

 private:
  struct Job {
    std::function<void()> run;
    std::function<void(std::exception_ptr)> fail;
  };
  bool enqueue(Job job);  // false when full or stopping
  void workerLoop();

  std::string name_;
  std::size_t depth_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool running_job_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

template <class T>
boost::asio::awaitable<T> CardQueue::run(std::function<T()> work) {
  namespace asio = boost::asio;
  auto executor = co_await asio::this_coro::executor;
  auto result = std::make_shared<std::optional<T>>();
  // GCC 12 destroys a coroutine parameter twice when it is moved into a lambda inside a co_await
  // expression; the work is moved to the heap first and the initiation is a named local.
  auto shared_work = std::make_shared<std::function<T()>>(std::move(work));
  auto initiation = [this, executor, result, shared_work](auto handler) {
    // The awaitable's handler is move-only; std::function needs a copyable holder.
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    auto complete = [executor, shared](std::exception_ptr error) {
      asio::post(executor, [shared, error]() mutable { std::move (*shared)(error); });
    };
    Job job{[shared_work, result, complete] {
              try {
                result->emplace((*shared_work)());
                complete(nullptr);
              } catch (...) {
                complete(std::current_exception());
              }
            },
            complete};
    if (!enqueue(job)) {
      complete(std::make_exception_ptr(ProblemError(
          problems::busy("the card queue for " + name_ + " is full; try again later"))));
    }
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr)>(
      initiation, asio::use_awaitable);
  co_return std::move(**result);
}

// The queues by token name, created on first use.
class CardQueues {
 public:
  explicit CardQueues(std::size_t depth) : depth_(depth) {}
  CardQueue& forToken(const std::string& token);
  void failPending(const std::string& token, const Problem& problem);

 private:
  std::size_t depth_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<CardQueue>> queues_;
};

}  // namespace ehagent::agent
