// ehagent-test-pinentry: a stand-in for pinentry that speaks Assuan on stdin/stdout and takes its
// answers from a script, so tests can play the practitioner. See tests/pinentry/README.md.
//
// EHAGENT_PINENTRY_SCRIPT names the script: one action per line, consumed in order across runs (the
// cursor lives in "<script>.cursor"): `pin <PIN>`, `cancel`, `confirm`, `deny`, and for testing
// the client's error paths `crash` (dies by SIGABRT), `hang` (never answers) and `garbage` (a
// line that is not Assuan). EHAGENT_PINENTRY_TRANSCRIPT, when set, collects every command line
// received, as received; the PIN this program answers is never written there.
//
// Written independently of agent/assuan.*, so that a bug there cannot hide in a mirror image here.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

constexpr const char* cancelled = "ERR 83886179 Operation cancelled <Pinentry>";
constexpr const char* exhausted = "ERR 83886138 No scripted answer left <Pinentry>";
constexpr const char* unknown_command = "ERR 83886355 Unknown IPC command <Pinentry>";

void say(const std::string& line) {
  std::cout << line << '\n' << std::flush;
}

std::string percentEscape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '%' || byte < 0x20) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

void record(const char* transcript, const std::string& line) {
  if (transcript == nullptr) return;
  std::ofstream out(transcript, std::ios::app);
  out << line << '\n';
}

// The next unconsumed action, advancing the shared cursor under a lock.
std::optional<std::string> nextAction() {
  const char* script = std::getenv("EHAGENT_PINENTRY_SCRIPT");
  if (script == nullptr) return std::nullopt;
  const std::string cursor_path = std::string(script) + ".cursor";
  const int lock = ::open(cursor_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) return std::nullopt;
  std::vector<std::string> actions;
  std::ifstream in(script);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line.front() != '#') actions.push_back(line);
  }
  std::size_t consumed = 0;
  {
    std::ifstream cursor(cursor_path);
    cursor >> consumed;
  }
  std::optional<std::string> action;
  if (consumed < actions.size()) {
    action = actions[consumed];
    std::ofstream(cursor_path, std::ios::trunc) << consumed + 1 << '\n';
  }
  ::close(lock);
  return action;
}

// The actions any question may meet: they test the client, not the user.
bool misbehave(const std::string& action) {
  if (action == "crash") std::abort();
  if (action == "hang") {
    // The transcript names the hanging process, so that a test can watch it end.
    record(std::getenv("EHAGENT_PINENTRY_TRANSCRIPT"), "# hang pid " + std::to_string(::getpid()));
    for (;;) ::pause();
  }
  if (action == "garbage") {
    say("this is not an Assuan line");
    return true;
  }
  return false;
}

void getPin() {
  auto action = nextAction();
  if (!action) return say(exhausted);
  if (misbehave(*action)) return;
  // "slow <ms> pin 1234": a practitioner who takes a while to type.
  if (action->rfind("slow ", 0) == 0) {
    const auto space = action->find(' ', 5);
    ::usleep(static_cast<useconds_t>(std::stoul(action->substr(5, space - 5)) * 1000));
    action = action->substr(space == std::string::npos ? action->size() : space + 1);
  }
  if (action->rfind("pin ", 0) == 0) {
    say("D " + percentEscape(action->substr(4)));
    return say("OK");
  }
  if (*action == "cancel") return say(cancelled);
  say("ERR 83886335 The script says '" + *action + "', not a PIN <Pinentry>");
}

void confirm(const std::string& argument) {
  if (argument == "--one-button") return say("OK");  // a notice: nothing to decide
  const auto action = nextAction();
  if (!action) return say(exhausted);
  if (misbehave(*action)) return;
  if (*action == "confirm") return say("OK");
  if (*action == "deny" || *action == "cancel") return say(cancelled);
  say("ERR 83886335 The script says '" + action->substr(0, action->find(' ')) + "', not confirm or deny <Pinentry>");
}

}  // namespace

int main() {
  std::signal(SIGPIPE, SIG_DFL);
  const char* transcript = std::getenv("EHAGENT_PINENTRY_TRANSCRIPT");
  say("OK Pleased to meet you");
  for (std::string line; std::getline(std::cin, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    record(transcript, line);
    const auto space = line.find(' ');
    const std::string command = line.substr(0, space);
    const std::string argument = space == std::string::npos ? "" : line.substr(space + 1);
    if (command == "BYE") {
      say("OK closing connection");
      return 0;
    }
    if (command == "OPTION" || command == "SETTITLE" || command == "SETDESC" || command == "SETPROMPT" ||
        command == "SETERROR" || command == "SETOK" || command == "SETCANCEL" || command == "SETNOTOK" ||
        command == "SETKEYINFO" || command == "SETTIMEOUT" || command == "SETREPEAT" || command == "NOP" ||
        command == "RESET" || command == "MESSAGE") {
      say("OK");
    } else if (command == "GETINFO" && argument == "pid") {
      say("D " + std::to_string(::getpid()));
      say("OK");
    } else if (command == "GETINFO" && argument == "version") {
      say("D 1.2.1");
      say("OK");
    } else if (command == "GETPIN") {
      getPin();
    } else if (command == "CONFIRM") {
      confirm(argument);
    } else {
      say(unknown_command);
    }
  }
  return 0;
}
