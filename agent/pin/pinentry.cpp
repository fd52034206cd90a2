#include "agent/pin/pinentry.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "agent/pin/assuan.hpp"
#include "agent/pin/pinentry_choice.hpp"

extern char** environ;

namespace ehagent::agent {
namespace {

using Clock = std::chrono::steady_clock;

// pinentry gets its own SETTIMEOUT first; this grace lets its answer arrive before we kill it.
constexpr auto grace = std::chrono::seconds(2);

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~UniqueFd() { reset(); }
  [[nodiscard]] int get() const noexcept { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  UniqueFd read_end, write_end;
};

Pipe makePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw PinentryError(std::string("cannot create a pipe: ") + std::strerror(errno));
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// posix_spawn attributes and file actions, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attributes{};
  SpawnSetup() {
    if (::posix_spawn_file_actions_init(&actions) != 0) throw PinentryError("cannot prepare to start pinentry");
    if (::posix_spawnattr_init(&attributes) != 0) {
      ::posix_spawn_file_actions_destroy(&actions);
      throw PinentryError("cannot prepare to start pinentry");
    }
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  ~SpawnSetup() {
    ::posix_spawnattr_destroy(&attributes);
    ::posix_spawn_file_actions_destroy(&actions);
  }
};

// One run of the pinentry program: spawned, greeted, asked, and reaped when this dies.
class Conversation {
 public:
  explicit Conversation(const PinentryOptions& options, std::stop_token abandon = {})
      : program_(options.program), timeout_(options.timeout), deadline_(Clock::now() + options.timeout + grace) {
    if (abandon.stop_possible()) {
      // A stop request wakes the poll in waitReadable through this pipe, whichever thread asks.
      Pipe wake = makePipe();
      wake_read_ = std::move(wake.read_end);
      wake_write_ = std::move(wake.write_end);
      on_abandon_.emplace(std::move(abandon), Wake{wake_write_.get()});
    }
    spawn(options);
    try {
      const assuan::Response greeting = read();
      if (greeting.outcome() != assuan::Outcome::Ok) fail("did not greet with OK; is it a pinentry program?");
    } catch (...) {
      end();  // no destructor runs for a half-built object: reap the child here
      throw;
    }
  }
  Conversation(const Conversation&) = delete;
  Conversation& operator=(const Conversation&) = delete;
  ~Conversation() { end(); }

  assuan::Response transact(std::string_view name, std::string_view argument = {}) {
    write(assuan::command(name, argument));
    assuan::Response response = read();
    // No command we send asks for more data; an INQUIRE gets an empty answer.
    while (response.outcome() == assuan::Outcome::Inquire) {
      write("END\n");
      response = read();
    }
    return response;
  }

  // A text the dialog cannot do without: a refusal is an error.
  void require(std::string_view name, std::string_view argument) {
    const assuan::Response response = transact(name, argument);
    if (response.outcome() != assuan::Outcome::Ok) {
      fail("refused " + std::string(name) + ": " + std::to_string(response.errorCode()) + " " + response.text());
    }
  }
  // A nicety older pinentry versions may not know.
  void offer(std::string_view name, std::string_view argument) {
    if (!argument.empty()) (void)transact(name, argument);
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw PinentryError("pinentry program '" + program_ + "' " + what);
  }

 private:
  void end() noexcept {
    if (!reaped_) {
      try {
        write(assuan::command("BYE"));
      } catch (...) {
        // the program is gone already; reaping below is all that is left
      }
      to_child_.reset();
      reap(Clock::now() + grace);
    }
    OPENSSL_cleanse(buffer_.data(), buffer_.size());
  }

  void spawn(const PinentryOptions& options) {
    Pipe to_child = makePipe();
    Pipe from_child = makePipe();
    SpawnSetup setup;
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);  // the agent may ignore SIGPIPE; the child should not inherit that
    int rc = ::posix_spawn_file_actions_adddup2(&setup.actions, to_child.read_end.get(), STDIN_FILENO);
    if (rc == 0) rc = ::posix_spawn_file_actions_adddup2(&setup.actions, from_child.write_end.get(), STDOUT_FILENO);
    if (rc == 0) rc = ::posix_spawn_file_actions_addopen(&setup.actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    if (rc == 0) rc = ::posix_spawnattr_setsigmask(&setup.attributes, &none);
    if (rc == 0) rc = ::posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
    if (rc == 0) rc = ::posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (rc != 0) throw PinentryError("cannot prepare to start pinentry: " + std::string(std::strerror(rc)));

    std::vector<std::string> words{options.program};
    words.insert(words.end(), options.arguments.begin(), options.arguments.end());
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    rc = ::posix_spawnp(&pid_, options.program.c_str(), &setup.actions, &setup.attributes, argv.data(), environ);
    if (rc == ENOENT) {
      throw PinentryError("pinentry program '" + program_ +
                          "' was not found; install pinentry or set the pinentry program in the configuration");
    }
    if (rc != 0) fail("could not be started: " + std::string(std::strerror(rc)));
    reaped_ = false;
    to_child_ = std::move(to_child.write_end);
    from_child_ = std::move(from_child.read_end);
  }

  void write(std::string_view text) {
    // A pinentry that died must give an error, not a SIGPIPE that ends the agent.
    sigset_t pipe_signal, old_mask;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_signal, &old_mask);
    int error = 0;
    while (!text.empty()) {
      const ssize_t written = ::write(to_child_.get(), text.data(), text.size());
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) {
        error = errno;
        break;
      }
      text.remove_prefix(static_cast<std::size_t>(written));
    }
    if (error == EPIPE) {
      const timespec zero{};
      ::sigtimedwait(&pipe_signal, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    if (error == EPIPE) fail("ended before answering (" + reapAndDescribe() + ")");
    if (error != 0) fail("could not be written to: " + std::string(std::strerror(error)));
  }

  assuan::Response read() {
    assuan::Response response;
    for (;;) {
      // Lines already buffered first; a consumed line is wiped, it may have held the PIN.
      while (const void* newline = std::memchr(buffer_.data(), '\n', used_)) {
        const auto length = static_cast<std::size_t>(static_cast<const char*>(newline) - buffer_.data());
        const bool ended = feed(response, std::string_view(buffer_.data(), length));
        std::memmove(buffer_.data(), buffer_.data() + length + 1, used_ - length - 1);
        used_ -= length + 1;
        OPENSSL_cleanse(buffer_.data() + used_, buffer_.size() - used_);
        if (ended) return response;
      }
      if (used_ == buffer_.size()) fail("sent a line longer than the Assuan limit");
      waitReadable();
      const ssize_t got = ::read(from_child_.get(), buffer_.data() + used_, buffer_.size() - used_);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail("could not be read from: " + std::string(std::strerror(errno)));
      if (got == 0) fail("ended before answering (" + reapAndDescribe() + ")");
      used_ += static_cast<std::size_t>(got);
    }
  }

  bool feed(assuan::Response& response, std::string_view line) {
    try {
      return response.feed(line);
    } catch (const assuan::ProtocolError& e) {
      fail(std::string("does not speak Assuan: ") + e.what());
    } catch (const std::length_error&) {
      fail("sent more data than a PIN can hold");
    }
  }

  void waitReadable() {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
      if (left.count() <= 0) {
        ::kill(pid_, SIGKILL);
        reap(Clock::now() + grace);
        fail("gave no answer within " + std::to_string(timeout_.count()) + " s");
      }
      std::array<pollfd, 2> watched{pollfd{from_child_.get(), POLLIN, 0}, pollfd{wake_read_.get(), POLLIN, 0}};
      const int ready = ::poll(watched.data(), wake_read_.get() >= 0 ? 2 : 1, static_cast<int>(left.count()));
      if (ready > 0 && watched[1].revents != 0) {
        ::kill(pid_, SIGTERM);  // pinentry closes its window on SIGTERM
        reap(Clock::now() + grace);
        throw PinentryAbandoned();
      }
      if (ready > 0) return;
      if (ready < 0 && errno != EINTR) fail("could not be waited on: " + std::string(std::strerror(errno)));
    }
  }

  // Waits for the child until the deadline, then kills it: never leaves a zombie behind.
  int reap(Clock::time_point deadline) noexcept {
    int status = 0;
    while (!reaped_) {
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_ || (done < 0 && errno != EINTR)) {
        reaped_ = true;
        break;
      }
      if (Clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        deadline = Clock::time_point::max();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status;
  }

  std::string reapAndDescribe() noexcept {
    const int status = reap(Clock::now() + grace);
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    return "no exit status";
  }

  struct Wake {
    int fd;
    void operator()() const noexcept {
      const char byte = 1;
      [[maybe_unused]] const ssize_t ignored = ::write(fd, &byte, 1);
    }
  };

  std::string program_;
  std::chrono::seconds timeout_;
  Clock::time_point deadline_;
  pid_t pid_ = -1;
  bool reaped_ = true;
  UniqueFd to_child_, from_child_;
  UniqueFd wake_read_, wake_write_;
  std::optional<std::stop_callback<Wake>> on_abandon_;  // after the pipe: unregistered before it closes
  std::array<char, 4 * assuan::max_line_bytes> buffer_{};
  std::size_t used_ = 0;
};

void describe(Conversation& conversation, std::string_view title, std::string_view description) {
  if (!title.empty()) conversation.require("SETTITLE", title);
  if (!description.empty()) conversation.require("SETDESC", description);
}

}  // namespace

Pinentry::Pinentry(PinentryOptions options) : options_(std::move(options)) {}

Secret Pinentry::getPin(const PinRequest& request) const {
  if (request.abandon.stop_requested()) throw PinentryAbandoned();
  Conversation conversation(choosePinentry(options_), request.abandon);
  describe(conversation, request.title, request.description);
  if (!request.prompt.empty()) conversation.require("SETPROMPT", request.prompt);
  if (!request.error.empty()) conversation.require("SETERROR", request.error);
  conversation.offer("SETKEYINFO", request.keyinfo);
  conversation.offer("SETTIMEOUT", std::to_string(options_.timeout.count()));
  assuan::Response response = conversation.transact("GETPIN");
  if (response.outcome() == assuan::Outcome::Ok) return std::move(response.data());
  if (assuan::isCancel(response.errorCode())) throw PinentryCancelled();
  conversation.fail("refused GETPIN: " + std::to_string(response.errorCode()) + " " + response.text());
}

bool Pinentry::confirm(const ConfirmRequest& request) const {
  Conversation conversation(choosePinentry(options_));
  describe(conversation, request.title, request.description);
  conversation.offer("SETOK", request.ok_label);
  conversation.offer("SETCANCEL", request.cancel_label);
  conversation.offer("SETTIMEOUT", std::to_string(options_.timeout.count()));
  const assuan::Response response = conversation.transact(request.one_button ? "CONFIRM --one-button" : "CONFIRM");
  if (response.outcome() == assuan::Outcome::Ok) return true;
  const unsigned code = assuan::errorCodeOf(response.errorCode());
  if (assuan::isCancel(response.errorCode()) || code == assuan::gpg_err_not_confirmed) return false;
  conversation.fail("refused CONFIRM: " + std::to_string(response.errorCode()) + " " + response.text());
}

void Pinentry::message(std::string_view title, std::string_view description) const {
  Conversation conversation(choosePinentry(options_));
  describe(conversation, title, description);
  const assuan::Response response = conversation.transact("MESSAGE");
  if (response.outcome() == assuan::Outcome::Ok || assuan::isCancel(response.errorCode())) return;
  conversation.fail("refused MESSAGE: " + std::to_string(response.errorCode()) + " " + response.text());
}

std::string credentialWords(std::string_view credential, const Texts& texts) {
  if (credential == "eID") return texts.get("credential.eid");
  if (credential == "eHealth certificate") return texts.get("credential.ehealth");
  if (credential == "eID (patient's PIN)") return texts.get("credential.eid_patient");
  return std::string(credential);
}

std::string pinTitle(std::string_view credential, const Texts& texts) {
  return texts.get("pin.title", {{"credential", credentialWords(credential, texts)}});
}

std::string pinDescription(const PinPurpose& purpose, std::string_view credential, const Texts& texts) {
  std::string tries;
  if (purpose.tries_left) {
    tries = *purpose.tries_left == 1 ? texts.get("pin.one_try_left")
                                     : texts.get("pin.tries_left", {{"tries", std::to_string(*purpose.tries_left)}});
  }
  std::string text = texts.get(
      "pin.question",
      {{"client", purpose.client_name},
       {"action", purpose.action},
       {"patient", purpose.patient_ssin ? texts.get("pin.for_patient", {{"ssin", *purpose.patient_ssin}}) : ""},
       {"holder", purpose.holder_name},
       {"credential", credentialWords(credential, texts)},
       {"tries", tries}});
  if (!purpose.detail.empty()) text += "\n\n" + purpose.detail;
  return text;
}

}  // namespace ehagent::agent
