#pragma once
// A loaded Cryptoki module. It owns the dlopen handle and the C_Initialize/C_Finalize pair, is
// never copied, and is shared (shared_ptr) by the sessions that use it, so it outlives them.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "pkcs11/types.hpp"

namespace ehagent {
class Secret;
}

namespace ehagent::pkcs11 {

struct ModuleInfo {
  std::string manufacturer;
  std::string libraryDescription;
  int cryptokiMajor = 0;
  int cryptokiMinor = 0;
};

class Module {
 public:
  // Loads the module at a path, or the one a PKCS#11 URI names (module-path, or module-name of a
  // module registered with p11-kit: pkcs11/uri.hpp). Throws Error(ModuleLoad) naming it when the
  // file is missing, cannot be loaded, is not a PKCS#11 module (no C_GetFunctionList), or fails
  // C_Initialize.
  static std::shared_ptr<Module> load(const std::string& path);

  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  ~Module() noexcept;

  [[nodiscard]] const std::string& path() const noexcept;
  [[nodiscard]] ModuleInfo info() const;
  [[nodiscard]] std::vector<SlotId> slotIds(bool tokenPresentOnly = false) const;
  [[nodiscard]] std::vector<SlotInfo> slots(bool tokenPresentOnly = false) const;
  [[nodiscard]] SlotInfo slotInfo(SlotId slot) const;
  [[nodiscard]] TokenInfo tokenInfo(SlotId slot) const;
  // Mechanism numbers (CKM_*) the token in this slot supports.
  [[nodiscard]] std::vector<unsigned long> mechanisms(SlotId slot) const;

  // Initialises (erases!) the token in slot with a security-officer PIN and a label.
  void initToken(SlotId slot, const Secret& soPin, const std::string& label);

  // Waits for a slot event (card inserted or removed) and returns the slot, or nullopt when
  // nothing happened (non-blocking) or stop was requested. Where the module does not implement
  // C_WaitForSlotEvent (SoftHSM), the slot list is compared against the last one seen, once every
  // poll_interval. A blocking wait on a module that does implement it ends only on an event.
  [[nodiscard]] std::optional<SlotId> waitForSlotEvent(
      bool block, std::chrono::milliseconds poll_interval = std::chrono::seconds(1),
      std::stop_token stop = {});

  // The CK_FUNCTION_LIST*, for the other files of this folder (see cryptoki.hpp).
  [[nodiscard]] const void* functionList() const noexcept;

 private:
  struct Impl;
  explicit Module(std::unique_ptr<Impl> impl);
  std::optional<SlotId> pollSlotEvent();

  std::unique_ptr<Impl> impl_;
};

}  // namespace ehagent::pkcs11
