#pragma once
// The module's process-wide state: the forwarded module, the current control settings, the slot
// labels, and our own session handles. A PKCS#11 module is process-global by nature, so this is one
// object, guarded by one mutex that is never held across a sleep or a blocking wait.
#include <p11-kit/pkcs11.h>
#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "tests/p11fault/fault_control.hpp"

namespace ehagent::p11fault {

inline constexpr const char* default_module = "/usr/lib/softhsm/libsofthsm2.so";

struct Config {
  std::string module = default_module;
  std::set<std::string> removed;
  std::string pull_during_sign;
  bool slot_events = true;
  unsigned pin_tries = 3;  // 0 turns the emulated counter off
  bool pinpad = false;
  std::optional<std::string> pinpad_pin;
  bool pinpad_cancel = false;
  unsigned sign_latency_ms = 0;
};

Config configFrom(const Settings& settings);

struct FileIdentity {
  ino_t inode = 0;
  std::int64_t mtime_ns = -1;
  std::int64_t size = -1;
  bool operator==(const FileIdentity&) const = default;
};

struct Session {
  CK_SLOT_ID slot = 0;
  std::string label;
  std::uint64_t epoch = 0;  // the token's removal count when the session was opened
  CK_SESSION_HANDLE real = 0;
};

class Fault {
 public:
  std::mutex mutex;
  std::condition_variable finalized;
  CK_FUNCTION_LIST* real = nullptr;
  bool finalizing = false;
  std::filesystem::path control;  // empty: the environment names no control file, so no faults
  Config config;

  // Everything below is called with `mutex` held.
  CK_RV initialize(void* init_args);
  CK_RV finalize(void* reserved);
  void refresh();
  std::string labelOf(CK_SLOT_ID slot);
  [[nodiscard]] bool isRemoved(const std::string& label) const { return config.removed.count(label) != 0; }
  [[nodiscard]] bool slotRemoved(CK_SLOT_ID slot) { return isRemoved(labelOf(slot)); }
  CK_SESSION_HANDLE addSession(CK_SLOT_ID slot, CK_SESSION_HANDLE real_handle);
  // CKR_OK and the session, or the error a pulled card gives.
  CK_RV findSession(CK_SESSION_HANDLE ours, Session*& session);
  [[nodiscard]] bool hasSession(CK_SESSION_HANDLE ours) const { return sessions_.count(ours) != 0; }
  void dropSession(CK_SESSION_HANDLE ours) { sessions_.erase(ours); }
  void dropSlotSessions(CK_SLOT_ID slot);
  // pull_during_sign fired: the card is out, for this process and, through the file, for all.
  void pull(const std::string& label);
  // Presence changes not yet reported by C_WaitForSlotEvent.
  std::optional<CK_SLOT_ID> nextSlotEvent();

  // A call on a real session runs without `mutex`; these bracket it (begin with `mutex` held, end
  // takes it), so that a card pull closes the card's real sessions only once no call runs on them:
  // SoftHSM frees a session's operation under a running C_Sign otherwise.
  void beginRealCall(CK_SLOT_ID slot) { ++in_flight_[slot]; }
  void endRealCall(CK_SLOT_ID slot);

  // The emulated beid PIN counter, kept in the state file so that it survives the process.
  unsigned countLogin(const std::string& label);  // returns the tries left
  void recordLoginResult(const std::string& label, CK_RV rv);
  unsigned triesLeft(const std::string& label);

 private:
  void applyRemovals(const std::set<std::string>& before, const std::set<std::string>& after);
  void loadLabels();

  FileIdentity seen_;
  std::map<CK_SLOT_ID, std::string> labels_;
  std::map<std::string, std::uint64_t> epochs_;
  std::map<CK_SESSION_HANDLE, Session> sessions_;
  std::map<CK_SLOT_ID, bool> reported_present_;
  std::map<CK_SLOT_ID, unsigned> in_flight_;
  std::condition_variable_any calls_done_;
  CK_SESSION_HANDLE next_handle_ = 1;
};

// Ends a real call begun with Fault::beginRealCall when it goes out of scope.
class RealCall {
 public:
  RealCall(Fault& fault, CK_SLOT_ID slot) : fault_(fault), slot_(slot) {}
  RealCall(const RealCall&) = delete;
  RealCall& operator=(const RealCall&) = delete;
  ~RealCall() { fault_.endRealCall(slot_); }

 private:
  Fault& fault_;
  CK_SLOT_ID slot_;
};

Fault& fault();

}  // namespace ehagent::p11fault
