// The Cryptoki calls that inject faults. Every entry point is a C callback: it catches everything.
#include "tests/p11fault/entry_points.hpp"

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "tests/p11fault/fault_state.hpp"

namespace ehagent::p11fault {
namespace {

template <typename Body>
CK_RV guarded(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return CKR_HOST_MEMORY;
  } catch (...) {
    return CKR_GENERAL_ERROR;
  }
}

void pause(unsigned latency_ms) {
  if (latency_ms != 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms));
}

// The slow card and the card pulled mid-signature, shared by C_Sign and C_SignFinal.
template <typename Call>
CK_RV signWithFaults(CK_SESSION_HANDLE ours, Call&& call) {
  Fault& f = fault();
  unsigned latency_ms = 0;
  {
    std::lock_guard lock(f.mutex);
    Session* session = nullptr;
    if (const CK_RV rv = f.findSession(ours, session); rv != CKR_OK) return rv;
    latency_ms = f.config.sign_latency_ms;
  }
  pause(latency_ms);
  std::unique_lock lock(f.mutex);
  Session* session = nullptr;
  if (const CK_RV rv = f.findSession(ours, session); rv != CKR_OK) return rv;
  if (!f.config.pull_during_sign.empty() && f.config.pull_during_sign == session->label) {
    f.pull(session->label);
    return CKR_DEVICE_REMOVED;
  }
  const CK_SESSION_HANDLE real_handle = session->real;
  CK_FUNCTION_LIST* real = f.real;
  f.beginRealCall(session->slot);
  const CK_SLOT_ID slot = session->slot;
  lock.unlock();
  RealCall running(f, slot);
  return call(real, real_handle);
}

}  // namespace

CK_RV faultInitialize(void* init_args) {
  return guarded([&] {
    std::lock_guard lock(fault().mutex);
    return fault().initialize(init_args);
  });
}

CK_RV faultFinalize(void* reserved) {
  return guarded([&] {
    std::lock_guard lock(fault().mutex);
    return fault().finalize(reserved);
  });
}

CK_RV faultGetSlotList(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
  return guarded([&]() -> CK_RV {
    Fault& f = fault();
    std::lock_guard lock(f.mutex);
    if (f.real == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (count == nullptr) return CKR_ARGUMENTS_BAD;
    f.refresh();
    CK_ULONG real_count = 0;
    if (const CK_RV rv = f.real->C_GetSlotList(token_present, nullptr, &real_count); rv != CKR_OK) return rv;
    std::vector<CK_SLOT_ID> slots(real_count);
    if (const CK_RV rv = f.real->C_GetSlotList(token_present, slots.data(), &real_count); rv != CKR_OK) {
      return rv;
    }
    slots.resize(real_count);
    if (token_present == CK_TRUE) std::erase_if(slots, [&](CK_SLOT_ID slot) { return f.slotRemoved(slot); });
    if (list == nullptr) {
      *count = slots.size();
      return CKR_OK;
    }
    const CK_ULONG capacity = *count;
    *count = slots.size();
    if (capacity < slots.size()) return CKR_BUFFER_TOO_SMALL;
    std::copy(slots.begin(), slots.end(), list);
    return CKR_OK;
  });
}

CK_RV faultGetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info) {
  return guarded([&]() -> CK_RV {
    Fault& f = fault();
    std::lock_guard lock(f.mutex);
    if (f.real == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    f.refresh();
    const CK_RV rv = f.real->C_GetSlotInfo(slot, info);
    if (rv == CKR_OK && f.slotRemoved(slot)) info->flags &= ~CK_FLAGS(CKF_TOKEN_PRESENT);
    return rv;
  });
}

CK_RV faultGetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  return guarded([&]() -> CK_RV {
    Fault& f = fault();
    std::lock_guard lock(f.mutex);
    if (f.real == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    f.refresh();
    if (f.slotRemoved(slot)) return CKR_TOKEN_NOT_PRESENT;
    const CK_RV rv = f.real->C_GetTokenInfo(slot, info);
    if (rv != CKR_OK) return rv;
    if (f.config.pin_tries != 0) {
      // As beid reports it: one flag at a time, from the emulated counter, never SoftHSM's own.
      info->flags &= ~CK_FLAGS(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
      const unsigned tries = f.triesLeft(f.labelOf(slot));
      if (tries == 0) info->flags |= CKF_USER_PIN_LOCKED;
      else if (tries == 1) info->flags |= CKF_USER_PIN_FINAL_TRY;
      else if (tries < f.config.pin_tries) info->flags |= CKF_USER_PIN_COUNT_LOW;
    }
    if (f.config.pinpad) info->flags |= CKF_PROTECTED_AUTHENTICATION_PATH;
    return CKR_OK;
  });
}

CK_RV faultSlotCall(CK_SLOT_ID slot) {
  return guarded([&]() -> CK_RV {
    Fault& f = fault();
    std::lock_guard lock(f.mutex);
    if (f.real == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    f.refresh();
    return f.slotRemoved(slot) ? CKR_TOKEN_NOT_PRESENT : CKR_OK;
  });
}

CK_RV faultOpenSession(CK_SLOT_ID slot, CK_FLAGS flags, void* application, CK_NOTIFY,
                       CK_SESSION_HANDLE_PTR session) {
  return guarded([&]() -> CK_RV {
    Fault& f = fault();
    std::lock_guard lock(f.mutex);
    if (f.real == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (session == nullptr) return CKR_ARGUMENTS_BAD;
    f.refresh();
    if (f.slotRemoved(slot)) return CKR_TOKEN_NOT_PRESENT;
    // The real module's notify callback would hand out its own handle, not ours: leave it out.
    CK_SESSION_HANDLE real_handle = 0;
    const CK_RV rv = f.real->C_OpenSession(slot, flags, application, nullptr, &real_handle);
    if (rv != CKR_OK) return rv;
    *session = f.addSession(slot, real_handle);
    return CKR_OK;
  });
}

CK_RV faultCloseSession(CK_SESSION_HANDLE ours) {
  return guarded([&]() -> CK_RV {
    Fault& f = fault();
    std::lock_guard lock(f.mutex);
    Session* session = nullptr;
    const CK_RV rv = f.findSession(ours, session);
    // A session lost with its card is already closed on the real module: forget it quietly, so
    // that RAII owners can close what they hold.
    if (rv != CKR_OK && f.hasSession(ours)) {
      f.dropSession(ours);
      return CKR_OK;
    }
    if (rv != CKR_OK) return rv;
    const CK_RV closed = f.real->C_CloseSession(session->real);
    f.dropSession(ours);
    return closed;
  });
}

CK_RV faultCloseAllSessions(CK_SLOT_ID slot) {
  return guarded([&]() -> CK_RV {
    Fault& f = fault();
    std::lock_guard lock(f.mutex);
    if (f.real == nullptr) return CKR_CRYPTOKI_NOT_INITIALIZED;
    f.refresh();
    f.dropSlotSessions(slot);
    return f.slotRemoved(slot) ? CKR_OK : f.real->C_CloseAllSessions(slot);
  });
}

CK_RV faultLogin(CK_SESSION_HANDLE ours, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG pin_length) {
  return guarded([&]() -> CK_RV {
    Fault& f = fault();
    std::lock_guard lock(f.mutex);
    Session* session = nullptr;
    if (const CK_RV rv = f.findSession(ours, session); rv != CKR_OK) return rv;
    const std::string label = session->label;
    const unsigned tries = f.countLogin(label);
    const bool counted = f.config.pin_tries != 0 && (user == CKU_USER || user == CKU_CONTEXT_SPECIFIC);
    if (counted && tries == 0) return CKR_PIN_LOCKED;
    std::string typed;
    if (pin == nullptr && f.config.pinpad) {
      if (f.config.pinpad_cancel || !f.config.pinpad_pin) return CKR_FUNCTION_CANCELED;
      typed = *f.config.pinpad_pin;
      pin = reinterpret_cast<CK_UTF8CHAR_PTR>(typed.data());
      pin_length = typed.size();
    }
    const CK_RV rv = f.real->C_Login(session->real, user, pin, pin_length);
    ::explicit_bzero(typed.data(), typed.size());
    if (counted) f.recordLoginResult(label, rv);
    return rv;
  });
}

CK_RV faultSign(CK_SESSION_HANDLE ours, CK_BYTE_PTR data, CK_ULONG data_length, CK_BYTE_PTR signature,
                CK_ULONG_PTR signature_length) {
  return guarded([&] {
    return signWithFaults(ours, [&](CK_FUNCTION_LIST* real, CK_SESSION_HANDLE handle) {
      return real->C_Sign(handle, data, data_length, signature, signature_length);
    });
  });
}

CK_RV faultSignFinal(CK_SESSION_HANDLE ours, CK_BYTE_PTR signature, CK_ULONG_PTR signature_length) {
  return guarded([&] {
    return signWithFaults(ours, [&](CK_FUNCTION_LIST* real, CK_SESSION_HANDLE handle) {
      return real->C_SignFinal(handle, signature, signature_length);
    });
  });
}

CK_RV faultWaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot, void*) {
  return guarded([&]() -> CK_RV {
    Fault& f = fault();
    std::unique_lock lock(f.mutex);
    if (slot == nullptr) return CKR_ARGUMENTS_BAD;
    for (;;) {
      if (f.real == nullptr || f.finalizing) return CKR_CRYPTOKI_NOT_INITIALIZED;
      f.refresh();
      if (!f.config.slot_events) return CKR_FUNCTION_NOT_SUPPORTED;
      if (const auto event = f.nextSlotEvent()) {
        *slot = *event;
        return CKR_OK;
      }
      if ((flags & CKF_DONT_BLOCK) != 0) return CKR_NO_EVENT;
      // Another process may rewrite the control file at any time; C_Finalize wakes us at once.
      f.finalized.wait_for(lock, std::chrono::milliseconds(50));
    }
  });
}

}  // namespace ehagent::p11fault
