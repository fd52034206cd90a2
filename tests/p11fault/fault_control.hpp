#pragma once
// Drives libehagent_p11fault.so at run time: the key=value control file it re-reads whenever the
// file changes, and the state file beside it where it keeps the emulated PIN counter and the count
// of C_Login calls. Header-only, so both the module itself and any test (in-process or driving a
// separate agent process) share one reading of the format. See tests/p11fault/README.md.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ehagent::p11fault {

using Settings = std::map<std::string, std::string, std::less<>>;

inline constexpr const char* control_env_var = "EHAGENT_P11FAULT_CONF";

inline std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Lines are `key = value`; blank lines and lines starting with '#' are skipped. A later line wins.
inline Settings parseSettings(std::string_view text) {
  Settings settings;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    const std::string trimmed = trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    const auto eq = trimmed.find('=');
    if (eq == std::string::npos) continue;
    settings[trim(std::string_view(trimmed).substr(0, eq))] =
        trim(std::string_view(trimmed).substr(eq + 1));
  }
  return settings;
}

inline std::string formatSettings(const Settings& settings) {
  std::string text;
  for (const auto& [key, value] : settings) text += key + " = " + value + "\n";
  return text;
}

// A missing file reads as no settings: no faults.
inline Settings readSettings(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return {};
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parseSettings(buffer.str());
}

// Written to a temporary file and renamed over the old one, so a reader in another process never
// sees half a file and always sees a new inode (mtime alone can repeat within a clock tick).
inline void writeSettings(const std::filesystem::path& file, const Settings& settings) {
  const std::filesystem::path temp = file.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    out << formatSettings(settings);
    out.flush();
    if (!out) throw std::runtime_error("p11fault: cannot write " + temp.string());
  }
  std::error_code ec;
  std::filesystem::rename(temp, file, ec);
  if (ec) throw std::runtime_error("p11fault: cannot replace " + file.string() + ": " + ec.message());
}

inline std::set<std::string> splitList(std::string_view text) {
  std::set<std::string> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string item = trim(text.substr(0, comma));
    if (!item.empty()) items.insert(std::move(item));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

inline std::string joinList(const std::set<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ",") + item;
  return text;
}

// An exclusive flock on "<file>.lock" around a read-modify-write, shared by the module (which
// rewrites the control file when it pulls a card) and the tests, across processes.
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& file)
      : fd_(::open((file.string() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ < 0) throw std::runtime_error("p11fault: cannot open lock for " + file.string());
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        ::close(fd_);
        throw std::runtime_error("p11fault: cannot lock " + file.string());
      }
    }
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() { ::close(fd_); }  // closing drops the flock

 private:
  int fd_;
};

inline std::filesystem::path statePathFor(const std::filesystem::path& control_file) {
  return control_file.string() + ".state";
}
inline std::string triesLeftKey(std::string_view label) { return "tries_left." + std::string(label); }
inline std::string loginsKey(std::string_view label) { return "logins." + std::string(label); }

class FaultControl {
 public:
  explicit FaultControl(std::filesystem::path control_file) : file_(std::move(control_file)) {}

#ifdef EHAGENT_P11FAULT_MODULE
  // The built module, for tests that link ehagent::p11fault_control.
  static std::filesystem::path modulePath() { return EHAGENT_P11FAULT_MODULE; }
#endif

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }
  [[nodiscard]] std::filesystem::path stateFile() const { return statePathFor(file_); }
  [[nodiscard]] Settings settings() const { return readSettings(file_); }

  // Read-modify-write: the module may have rewritten the file since (pull_during_sign).
  void set(std::string_view key, std::string_view value) {
    FileLock lock(file_);
    Settings settings = readSettings(file_);
    settings[std::string(key)] = std::string(value);
    writeSettings(file_, settings);
  }
  void erase(std::string_view key) {
    FileLock lock(file_);
    Settings settings = readSettings(file_);
    settings.erase(std::string(key));
    writeSettings(file_, settings);
  }

  void removeCard(std::string_view label) { editRemoved(label, true); }
  void insertCard(std::string_view label) { editRemoved(label, false); }
  [[nodiscard]] bool isRemoved(std::string_view label) const {
    const Settings s = settings();
    const auto it = s.find("removed");
    return it != s.end() && splitList(it->second).count(std::string(label)) != 0;
  }
  void pullDuringSign(std::string_view label) { set("pull_during_sign", label); }
  void setSignLatency(unsigned latency_ms) { set("sign_latency_ms", std::to_string(latency_ms)); }
  void setSlotEventsSupported(bool supported) {
    supported ? erase("slot_events") : set("slot_events", "unsupported");
  }
  void setPinTries(unsigned tries) { set("pin_tries", std::to_string(tries)); }
  // A pinpad reader: the PIN "typed" on it, or nullopt for the user pressing cancel.
  void setPinpad(std::optional<std::string_view> typed_pin) {
    FileLock lock(file_);
    Settings settings = readSettings(file_);
    settings["pinpad"] = "1";
    if (typed_pin) {
      settings["pinpad_pin"] = std::string(*typed_pin);
      settings.erase("pinpad_result");
    } else {
      settings["pinpad_result"] = "cancel";
    }
    writeSettings(file_, settings);
  }

  // How many C_Login calls reached the module for this token, in every process.
  [[nodiscard]] unsigned loginCount(std::string_view label) const { return stateNumber(loginsKey(label)).value_or(0); }
  // nullopt until the first wrong PIN: the counter is then at its maximum.
  [[nodiscard]] std::optional<unsigned> triesLeft(std::string_view label) const {
    return stateNumber(triesLeftKey(label));
  }

 private:
  void editRemoved(std::string_view label, bool removed) {
    FileLock lock(file_);
    Settings settings = readSettings(file_);
    std::set<std::string> labels = splitList(settings["removed"]);
    removed ? (void)labels.insert(std::string(label)) : (void)labels.erase(std::string(label));
    if (labels.empty()) settings.erase("removed");
    else settings["removed"] = joinList(labels);
    writeSettings(file_, settings);
  }

  [[nodiscard]] std::optional<unsigned> stateNumber(const std::string& key) const {
    FileLock lock(stateFile());
    const Settings state = readSettings(stateFile());
    const auto it = state.find(key);
    if (it == state.end()) return std::nullopt;
    return static_cast<unsigned>(std::stoul(it->second));
  }

  std::filesystem::path file_;
};

}  // namespace ehagent::p11fault
