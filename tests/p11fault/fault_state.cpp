#include "tests/p11fault/fault_state.hpp"

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace ehagent::p11fault {
namespace {

unsigned toUnsigned(const Settings& settings, const char* key, unsigned fallback) {
  const auto it = settings.find(key);
  if (it == settings.end() || it->second.empty()) return fallback;
  try {
    return static_cast<unsigned>(std::stoul(it->second));
  } catch (const std::exception&) {
    return fallback;
  }
}

std::string valueOr(const Settings& settings, const char* key, std::string fallback) {
  const auto it = settings.find(key);
  return it == settings.end() ? fallback : it->second;
}

FileIdentity identityOf(const std::filesystem::path& file) {
  struct stat st{};
  if (::stat(file.c_str(), &st) != 0) return {};
  return {st.st_ino, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
          static_cast<std::int64_t>(st.st_size)};
}

std::string paddedToString(const unsigned char* text, std::size_t size) {
  std::string value(reinterpret_cast<const char*>(text), size);
  return trim(value);
}

}  // namespace

Config configFrom(const Settings& settings) {
  Config config;
  config.module = valueOr(settings, "module", default_module);
  config.removed = splitList(valueOr(settings, "removed", ""));
  config.pull_during_sign = valueOr(settings, "pull_during_sign", "");
  config.slot_events = valueOr(settings, "slot_events", "supported") != "unsupported";
  config.pin_tries = toUnsigned(settings, "pin_tries", 3);
  config.pinpad = valueOr(settings, "pinpad", "0") == "1";
  if (settings.count("pinpad_pin") != 0) config.pinpad_pin = valueOr(settings, "pinpad_pin", "");
  config.pinpad_cancel = valueOr(settings, "pinpad_result", "") == "cancel";
  config.sign_latency_ms = toUnsigned(settings, "sign_latency_ms", 0);
  return config;
}

Fault& fault() {
  static Fault instance;
  return instance;
}

CK_RV Fault::initialize(void* init_args) {
  if (real != nullptr) return CKR_CRYPTOKI_ALREADY_INITIALIZED;
  const char* control_env = std::getenv(control_env_var);
  control = control_env != nullptr ? control_env : "";
  seen_ = control.empty() ? FileIdentity{} : identityOf(control);
  config = control.empty() ? Config{} : configFrom(readSettings(control));
  // The forwarded module stays loaded for the life of the process: a re-initialised module then
  // finds the same library, and SoftHSM's singletons are never torn down under a live caller.
  void* library = ::dlopen(config.module.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) return CKR_GENERAL_ERROR;
  auto* get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(library, "C_GetFunctionList"));
  CK_FUNCTION_LIST* list = nullptr;
  if (get_list == nullptr || get_list(&list) != CKR_OK || list == nullptr) return CKR_GENERAL_ERROR;
  const CK_RV rv = list->C_Initialize(init_args);
  if (rv != CKR_OK) return rv;
  real = list;
  finalizing = false;
  loadLabels();
  reported_present_.clear();
  for (const auto& [slot, label] : labels_) reported_present_[slot] = !isRemoved(label);
  return CKR_OK;
}

CK_RV Fault::finalize(void* reserved) {
  if (real == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
  finalizing = true;
  finalized.notify_all();
  const CK_RV rv = real->C_Finalize(reserved);
  real = nullptr;
  sessions_.clear();
  labels_.clear();
  epochs_.clear();
  reported_present_.clear();
  return rv;
}

void Fault::loadLabels() {
  CK_ULONG count = 0;
  if (real->C_GetSlotList(CK_TRUE, nullptr, &count) != CKR_OK) return;
  std::vector<CK_SLOT_ID> slots(count);
  if (real->C_GetSlotList(CK_TRUE, slots.data(), &count) != CKR_OK) return;
  slots.resize(count);
  for (const CK_SLOT_ID slot : slots) labelOf(slot);
}

std::string Fault::labelOf(CK_SLOT_ID slot) {
  if (const auto it = labels_.find(slot); it != labels_.end()) return it->second;
  CK_TOKEN_INFO info{};
  if (real == nullptr || real->C_GetTokenInfo(slot, &info) != CKR_OK) return {};
  std::string label = paddedToString(info.label, sizeof info.label);
  // An uninitialised SoftHSM slot has no label and no identity to pull out.
  if (!label.empty()) {
    labels_[slot] = label;
    reported_present_.try_emplace(slot, !isRemoved(label));
  }
  return label;
}

void Fault::refresh() {
  if (control.empty()) return;
  const FileIdentity now = identityOf(control);
  if (now == seen_) return;
  seen_ = now;
  Config next = configFrom(readSettings(control));
  next.module = config.module;  // the forwarded module is fixed at C_Initialize
  const std::set<std::string> before = config.removed;
  config = std::move(next);
  // A copy: applyRemovals may let go of `mutex` while it waits, and another refresh may come in.
  const std::set<std::string> after = config.removed;
  applyRemovals(before, after);
}

void Fault::applyRemovals(const std::set<std::string>& before, const std::set<std::string>& after) {
  std::vector<CK_SLOT_ID> pulled;
  for (const auto& label : after) {
    if (before.count(label) != 0) continue;
    ++epochs_[label];  // from here on, the card's sessions refuse new calls
    for (const auto& [slot, slot_label] : labels_) {
      if (slot_label == label) pulled.push_back(slot);
    }
  }
  // A pulled card forgets its login state; closing the real sessions makes SoftHSM forget too,
  // once the calls already running on them have returned (the wait lets go of `mutex`).
  for (const CK_SLOT_ID slot : pulled) {
    calls_done_.wait(mutex, [&] { return in_flight_[slot] == 0; });
    if (real != nullptr) real->C_CloseAllSessions(slot);
  }
}

void Fault::endRealCall(CK_SLOT_ID slot) {
  std::lock_guard lock(mutex);
  if (--in_flight_[slot] == 0) calls_done_.notify_all();
}

CK_SESSION_HANDLE Fault::addSession(CK_SLOT_ID slot, CK_SESSION_HANDLE real_handle) {
  // Our own handles never repeat, unlike SoftHSM's, so a stale handle from before a removal can
  // never reach a session opened after re-insertion.
  const CK_SESSION_HANDLE ours = next_handle_++;
  std::string label = labelOf(slot);
  const std::uint64_t epoch = epochs_[label];
  sessions_[ours] = Session{slot, std::move(label), epoch, real_handle};
  return ours;
}

CK_RV Fault::findSession(CK_SESSION_HANDLE ours, Session*& session) {
  if (real == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
  refresh();
  const auto it = sessions_.find(ours);
  if (it == sessions_.end()) return CKR_SESSION_HANDLE_INVALID;
  if (it->second.epoch != epochs_[it->second.label]) {
    return isRemoved(it->second.label) ? CKR_DEVICE_REMOVED : CKR_SESSION_HANDLE_INVALID;
  }
  session = &it->second;
  return CKR_OK;
}

void Fault::dropSlotSessions(CK_SLOT_ID slot) {
  std::erase_if(sessions_, [slot](const auto& entry) { return entry.second.slot == slot; });
}

void Fault::pull(const std::string& label) {
  {
    FileLock lock(control);
    Settings settings = readSettings(control);
    std::set<std::string> removed = splitList(settings["removed"]);
    removed.insert(label);
    settings["removed"] = joinList(removed);
    settings.erase("pull_during_sign");
    writeSettings(control, settings);
  }
  refresh();
}

std::optional<CK_SLOT_ID> Fault::nextSlotEvent() {
  for (auto& [slot, present] : reported_present_) {
    const bool now_present = !isRemoved(labels_[slot]);
    if (now_present != present) {
      present = now_present;
      return slot;
    }
  }
  return std::nullopt;
}

unsigned Fault::triesLeft(const std::string& label) {
  if (control.empty() || config.pin_tries == 0) return config.pin_tries;
  FileLock lock(statePathFor(control));
  const Settings state = readSettings(statePathFor(control));
  const auto it = state.find(triesLeftKey(label));
  if (it == state.end()) return config.pin_tries;
  return std::min<unsigned>(config.pin_tries, static_cast<unsigned>(std::stoul(it->second)));
}

unsigned Fault::countLogin(const std::string& label) {
  if (control.empty()) return config.pin_tries;
  const auto state_file = statePathFor(control);
  FileLock lock(state_file);
  Settings state = readSettings(state_file);
  const auto logins = state.find(loginsKey(label));
  const unsigned count = logins == state.end() ? 0 : static_cast<unsigned>(std::stoul(logins->second));
  state[loginsKey(label)] = std::to_string(count + 1);
  writeSettings(state_file, state);
  const auto tries = state.find(triesLeftKey(label));
  if (tries == state.end()) return config.pin_tries;
  return std::min<unsigned>(config.pin_tries, static_cast<unsigned>(std::stoul(tries->second)));
}

void Fault::recordLoginResult(const std::string& label, CK_RV rv) {
  if (control.empty() || config.pin_tries == 0) return;
  const bool wrong = rv == CKR_PIN_INCORRECT;
  if (!wrong && rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) return;
  const auto state_file = statePathFor(control);
  FileLock lock(state_file);
  Settings state = readSettings(state_file);
  if (wrong) {
    const auto it = state.find(triesLeftKey(label));
    const unsigned tries =
        it == state.end() ? config.pin_tries : std::min<unsigned>(config.pin_tries, std::stoul(it->second));
    state[triesLeftKey(label)] = std::to_string(tries == 0 ? 0 : tries - 1);
  } else {
    state.erase(triesLeftKey(label));
  }
  writeSettings(state_file, state);
}

}  // namespace ehagent::p11fault
