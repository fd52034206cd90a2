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
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include "agent/session/offload.hpp"

namespace ehagent::agent {

class CardQueue {
 public:
  CardQueue(std::string name, std::size_t depth);
  ~CardQueue();  // fails pending work, then joins the worker after the running job
  CardQueue(const CardQueue&) = delete;
  CardQueue& operator=(const CardQueue&) = delete;

  // `queued`, when given, runs once the job is in the queue (and its worker woken), before the
  // handler waits.
  template <class T>
  boost::asio::awaitable<T> run(std::function<T()> work, std::function<void()> queued = {});
  // The same for a thread that may block (a network-pool worker in the middle of an exchange):
  // waits for the job to run on this queue and returns its result or rethrows its error. Called
  // on the queue's own worker, it runs the job at once rather than wait for itself.
  template <class T>
  T call(std::function<T()> work);

  // Fails every job that has not started yet with this problem.
  void failPending(const Problem& problem);
  std::size_t pending() const;  // queued plus running
  const std::string& name() const noexcept { return name_; }

 private:
  using Job = OffloadJob;
  bool enqueue(Job job);  // false when full or stopping
  [[nodiscard]] Problem full() const {
    return problems::busy("queue_full", {{"card", name_}});
  }
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
boost::asio::awaitable<T> CardQueue::run(std::function<T()> work, std::function<void()> queued) {
  return offload<T>(
      [this, queued = std::move(queued)](OffloadJob job) {
        const bool accepted = enqueue(std::move(job));
        if (queued) queued();
        return accepted;
      },
      std::move(work), [this] { return full(); });
}

template <class T>
T CardQueue::call(std::function<T()> work) {
  if (std::this_thread::get_id() == worker_.get_id()) return work();
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> result = promise->get_future();
  Job job{[promise, work = std::move(work)] {
            try {
              promise->set_value(work());
            } catch (...) {
              promise->set_exception(std::current_exception());
            }
          },
          [promise](std::exception_ptr error) { promise->set_exception(error); }};
  if (!enqueue(std::move(job))) {
    throw ProblemError(full());
  }
  return result.get();
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
