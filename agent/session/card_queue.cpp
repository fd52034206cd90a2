#include "agent/session/card_queue.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace ehagent::agent {

CardQueue::CardQueue(std::string name, std::size_t depth)
    : name_(std::move(name)), depth_(depth), worker_([this] { workerLoop(); }) {}

CardQueue::~CardQueue() {
  failPending(problems::cardRemoved("stopping"));
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

bool CardQueue::enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() + (running_job_ ? 1 : 0) >= depth_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void CardQueue::failPending(const Problem& problem) {
  std::deque<Job> failed;
  {
    std::lock_guard lock(mutex_);
    failed.swap(jobs_);
  }
  for (Job& job : failed) job.fail(std::make_exception_ptr(ProblemError(problem)));
}

std::size_t CardQueue::pending() const {
  std::lock_guard lock(mutex_);
  return jobs_.size() + (running_job_ ? 1 : 0);
}

void CardQueue::workerLoop() {
  // A card's work is long and, on a software token, all CPU; the I/O threads and the audit writer
  // run in short bursts on the signature's path (the started row's fsync, the answer). Niced, the
  // worker lets them in at once instead of holding them until the signature ends, which on a
  // two-core machine made the audit row, not the card, the slowest part of a JWT. A real card
  // waits on its reader and leaves the CPU anyway.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping
      job = std::move(jobs_.front());
      jobs_.pop_front();
      running_job_ = true;
    }
    job.run();  // catches everything itself and reports through the handler
    std::lock_guard lock(mutex_);
    running_job_ = false;
  }
}

CardQueue& CardQueues::forToken(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto& queue = queues_[token];
  if (!queue) queue = std::make_unique<CardQueue>(token, depth_);
  return *queue;
}

void CardQueues::failPending(const std::string& token, const Problem& problem) {
  std::lock_guard lock(mutex_);
  const auto it = queues_.find(token);
  if (it != queues_.end()) it->second->failPending(problem);
}

}  // namespace ehagent::agent
