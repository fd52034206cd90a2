#pragma once
// The server's pool for network calls (STS, hubs, OCSP and CRL fetches): blocking HTTP exchanges
// that must neither hold an I/O thread nor a card's queue while a remote party answers. Owned by
// whoever runs the server, next to the card queues; joined when it is destroyed. Beyond `depth`
// jobs in flight, run() fails with `busy`.
#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "agent/session/offload.hpp"

namespace ehagent::agent {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t depth);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  template <class T>
  boost::asio::awaitable<T> run(std::function<T()> work) {
    return offload<T>([this](OffloadJob job) { return submit(std::move(job)); }, std::move(work),
                      [] { return problems::busy("network_full"); });
  }

  [[nodiscard]] std::size_t pending() const noexcept { return pending_.load(); }

 private:
  bool submit(OffloadJob job);

  boost::asio::thread_pool pool_;
  std::size_t depth_;
  std::atomic<std::size_t> pending_{0};
};

}  // namespace ehagent::agent
