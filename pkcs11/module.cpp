#include "pkcs11/module.hpp"
#include "pkcs11/uri.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <thread>

#include "pkcs11/cryptoki.hpp"
#include "core/owned.hpp"
#include "pkcs11/error.hpp"
#include "core/secret.hpp"

namespace ehagent::pkcs11 {

struct Module::Impl {
  std::string path;
  void* handle = nullptr;
  CK_FUNCTION_LIST* functions = nullptr;
  bool finalizeOnClose = false;

  std::mutex eventMutex;
  bool waitUnsupported = false;
  std::map<SlotId, std::string> lastSeen;  // slot -> token identity ("" when no token)
};

namespace {

[[noreturn]] void loadFailure(const std::string& path, const std::string& why) {
  fail(ErrorKind::ModuleLoad, "load", "cannot load PKCS#11 module " + path + ": " + why);
}

std::map<SlotId, std::string> takeSnapshot(const Module& module) {
  std::map<SlotId, std::string> seen;
  for (const auto& slot : module.slots()) {
    std::string identity;
    if (slot.tokenPresent) {
      try {
        const auto token = module.tokenInfo(slot.id);
        identity = "present:" + token.serialNumber + ":" + token.label;
      } catch (const Error&) {
        identity = "present:unreadable";  // a card half-inserted still counts as present
      }
    }
    seen.emplace(slot.id, std::move(identity));
  }
  return seen;
}

}  // namespace

std::shared_ptr<Module> Module::load(const std::string& entry) {
  const std::string path = resolveModule(entry);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) loadFailure(path, "no such file");

  Owned<void, dlclose> handle(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!handle) {
    const char* why = dlerror();
    loadFailure(path, why ? why : "dlopen failed");
  }
  auto* getList = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle.get(), "C_GetFunctionList"));
  if (!getList) loadFailure(path, "not a PKCS#11 module (no C_GetFunctionList)");

  CK_FUNCTION_LIST* functions = nullptr;
  const CK_RV listRv = getList(&functions);
  if (listRv != CKR_OK || !functions) loadFailure(path, "C_GetFunctionList failed: " + ckrName(listRv));

  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  const CK_RV initRv = functions->C_Initialize(&args);
  // Another part of this process may have initialised the same library (dlopen shares it); then
  // it is theirs to finalise.
  if (initRv != CKR_OK && initRv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    loadFailure(path, "C_Initialize failed: " + ckrName(initRv));
  }

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->functions = functions;
  impl->finalizeOnClose = initRv == CKR_OK;
  impl->handle = handle.release();  // adopted: Impl's owner closes it in ~Module
  std::shared_ptr<Module> module(new Module(std::move(impl)));
  // The baseline for polled slot events: what is inserted now is not an event.
  try {
    module->impl_->lastSeen = takeSnapshot(*module);
  } catch (const Error&) {
    // A reader in a bad state at load time: the first poll will report it instead.
  }
  return module;
}

Module::Module(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Module::~Module() noexcept {
  if (impl_->finalizeOnClose) impl_->functions->C_Finalize(nullptr);
  dlclose(impl_->handle);
}

const std::string& Module::path() const noexcept { return impl_->path; }

const void* Module::functionList() const noexcept { return impl_->functions; }

ModuleInfo Module::info() const {
  CK_INFO raw{};
  check(impl_->functions->C_GetInfo(&raw), "C_GetInfo");
  return ModuleInfo{detail::paddedText(raw.manufacturerID), detail::paddedText(raw.libraryDescription),
                    raw.cryptokiVersion.major, raw.cryptokiVersion.minor};
}

std::vector<SlotId> Module::slotIds(bool tokenPresentOnly) const {
  const CK_BBOOL present = tokenPresentOnly ? CK_TRUE : CK_FALSE;
  // The count can grow between the two calls (a reader plugged in); retry on BUFFER_TOO_SMALL.
  for (;;) {
    CK_ULONG count = 0;
    check(impl_->functions->C_GetSlotList(present, nullptr, &count), "C_GetSlotList");
    std::vector<CK_SLOT_ID> ids(count);
    const CK_RV rv = impl_->functions->C_GetSlotList(present, ids.data(), &count);
    if (rv == CKR_BUFFER_TOO_SMALL) continue;
    check(rv, "C_GetSlotList");
    ids.resize(count);
    return {ids.begin(), ids.end()};
  }
}

SlotInfo Module::slotInfo(SlotId slot) const {
  CK_SLOT_INFO raw{};
  check(impl_->functions->C_GetSlotInfo(slot, &raw), "C_GetSlotInfo");
  SlotInfo info;
  info.id = slot;
  info.description = detail::paddedText(raw.slotDescription);
  info.manufacturer = detail::paddedText(raw.manufacturerID);
  info.tokenPresent = (raw.flags & CKF_TOKEN_PRESENT) != 0;
  info.removableDevice = (raw.flags & CKF_REMOVABLE_DEVICE) != 0;
  info.hardwareSlot = (raw.flags & CKF_HW_SLOT) != 0;
  return info;
}

std::vector<SlotInfo> Module::slots(bool tokenPresentOnly) const {
  std::vector<SlotInfo> result;
  for (SlotId id : slotIds(tokenPresentOnly)) result.push_back(slotInfo(id));
  return result;
}

TokenInfo Module::tokenInfo(SlotId slot) const {
  CK_TOKEN_INFO raw{};
  check(impl_->functions->C_GetTokenInfo(slot, &raw), "C_GetTokenInfo");
  TokenInfo info;
  info.label = detail::paddedText(raw.label);
  info.manufacturer = detail::paddedText(raw.manufacturerID);
  info.model = detail::paddedText(raw.model);
  info.serialNumber = detail::paddedText(raw.serialNumber);
  info.flags = raw.flags;
  info.loginRequired = (raw.flags & CKF_LOGIN_REQUIRED) != 0;
  info.protectedAuthenticationPath = (raw.flags & CKF_PROTECTED_AUTHENTICATION_PATH) != 0;
  info.tokenInitialized = (raw.flags & CKF_TOKEN_INITIALIZED) != 0;
  info.writeProtected = (raw.flags & CKF_WRITE_PROTECTED) != 0;
  info.minPinLength = raw.ulMinPinLen;
  info.maxPinLength = raw.ulMaxPinLen;
  info.pin = pinStatusFromFlags(raw.flags);
  return info;
}

std::vector<unsigned long> Module::mechanisms(SlotId slot) const {
  CK_ULONG count = 0;
  check(impl_->functions->C_GetMechanismList(slot, nullptr, &count), "C_GetMechanismList");
  std::vector<CK_MECHANISM_TYPE> list(count);
  check(impl_->functions->C_GetMechanismList(slot, list.data(), &count), "C_GetMechanismList");
  list.resize(count);
  return {list.begin(), list.end()};
}

void Module::initToken(SlotId slot, const Secret& soPin, const std::string& label) {
  CK_UTF8CHAR padded[32];
  std::fill(std::begin(padded), std::end(padded), static_cast<CK_UTF8CHAR>(' '));
  std::copy_n(label.begin(), std::min(label.size(), sizeof padded), padded);
  check(impl_->functions->C_InitToken(slot, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(soPin.data())),
                                      soPin.size(), padded),
        "C_InitToken");
}

std::optional<SlotId> Module::waitForSlotEvent(bool block, std::chrono::milliseconds poll_interval,
                                               std::stop_token stop) {
  {
    std::lock_guard lock(impl_->eventMutex);
    if (!impl_->waitUnsupported) {
      CK_SLOT_ID slot = 0;
      const CK_RV rv = impl_->functions->C_WaitForSlotEvent(block ? 0 : CKF_DONT_BLOCK, &slot, nullptr);
      if (rv == CKR_OK) return slot;
      if (rv == CKR_NO_EVENT) return std::nullopt;
      if (rv != CKR_FUNCTION_NOT_SUPPORTED) check(rv, "C_WaitForSlotEvent");
      // SoftHSM and some middleware do not implement it: poll the slot list from here on.
      impl_->waitUnsupported = true;
    }
  }
  for (;;) {
    if (auto slot = pollSlotEvent()) return slot;
    if (!block || stop.stop_requested()) return std::nullopt;
    // Sleep in small steps so that a stop request is seen quickly even with a long interval.
    const auto until = std::chrono::steady_clock::now() + poll_interval;
    while (std::chrono::steady_clock::now() < until && !stop.stop_requested()) {
      std::this_thread::sleep_for(std::min(poll_interval, std::chrono::milliseconds(50)));
    }
    if (stop.stop_requested()) return std::nullopt;
  }
}

std::optional<SlotId> Module::pollSlotEvent() {
  std::lock_guard lock(impl_->eventMutex);
  auto now = takeSnapshot(*this);
  std::optional<SlotId> changed;
  for (const auto& [slot, identity] : now) {
    auto before = impl_->lastSeen.find(slot);
    if (before == impl_->lastSeen.end() ? !identity.empty() : before->second != identity) {
      changed = slot;
      break;
    }
  }
  if (!changed) {
    for (const auto& [slot, identity] : impl_->lastSeen) {
      if (!identity.empty() && !now.contains(slot)) {  // the reader itself went away
        changed = slot;
        break;
      }
    }
  }
  // Report one event per call, as C_WaitForSlotEvent does; remember only that slot's new state
  // so that a second simultaneous change is reported by the next call.
  if (changed) {
    auto it = now.find(*changed);
    if (it == now.end()) impl_->lastSeen.erase(*changed);
    else impl_->lastSeen[*changed] = it->second;
  }
  return changed;
}

}  // namespace ehagent::pkcs11
