#include "agent/session/worker_pool.hpp"

#include <boost/asio/post.hpp>

namespace ehagent::agent {

WorkerPool::WorkerPool(std::size_t threads, std::size_t depth) : pool_(threads), depth_(depth) {}

WorkerPool::~WorkerPool() { pool_.join(); }

bool WorkerPool::submit(OffloadJob job) {
  if (pending_.fetch_add(1) >= depth_) {
    pending_.fetch_sub(1);
    return false;
  }
  boost::asio::post(pool_, [this, job = std::move(job)] {
    job.run();  // reports through the awaiting handler itself
    pending_.fetch_sub(1);
  });
  return true;
}

}  // namespace ehagent::agent
