#pragma once
// The one way blocking work leaves the HTTP I/O threads: a handler co_awaits offload(), the job
// goes to whoever runs it (a card's queue, the network pool), and the result or the exception is
// posted back to the handler's own executor.
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <utility>  // before asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "agent/http/problem.hpp"

namespace ehagent::agent {

// A job as its runner sees it: run() reports through the awaiting handler itself and never
// throws; fail() reports a job that will not run (queue cleared, agent stopping).
struct OffloadJob {
  std::function<void()> run;
  std::function<void(std::exception_ptr)> fail;
};

// `submit` hands the job over and returns false to refuse it; the awaiting handler then gets
// `refused()` as a ProblemError (worded only then: a refusal is rare, and wording takes the catalog).
template <class T>
boost::asio::awaitable<T> offload(std::function<bool(OffloadJob)> submit, std::function<T()> work,
                                  std::function<Problem()> refused) {
  namespace asio = boost::asio;
  auto executor = co_await asio::this_coro::executor;
  auto result = std::make_shared<std::optional<T>>();
  // GCC 12 destroys a coroutine parameter twice when it is moved into a lambda inside a co_await
  // expression (under load a connection then wrote its answer through freed memory): the work
  // moves to the heap first, the initiation is a named local, and only an error comes back
  // through the co_await.
  auto shared_work = std::make_shared<std::function<T()>>(std::move(work));
  auto shared_submit = std::make_shared<std::function<bool(OffloadJob)>>(std::move(submit));
  auto shared_refusal = std::make_shared<std::function<Problem()>>(std::move(refused));
  auto initiation = [executor, result, shared_work, shared_submit, shared_refusal](auto handler) {
    // The awaitable's handler is move-only; std::function needs a copyable holder.
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    auto complete = [executor, shared](std::exception_ptr error) {
      asio::post(executor, [shared, error]() mutable { std::move (*shared)(error); });
    };
    OffloadJob job{[shared_work, result, complete] {
                     try {
                       result->emplace((*shared_work)());
                       complete(nullptr);
                     } catch (...) {
                       complete(std::current_exception());
                     }
                   },
                   complete};
    if (!(*shared_submit)(job)) complete(std::make_exception_ptr(ProblemError((*shared_refusal)())));
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr)>(initiation,
                                                                                          asio::use_awaitable);
  co_return std::move(**result);
}

}  // namespace ehagent::agent
