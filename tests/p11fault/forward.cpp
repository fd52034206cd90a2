// The function list: fault-injecting entry points where a fault can happen, plain forwarders that
// translate our session handles everywhere else, and the one exported symbol, C_GetFunctionList.
#include <p11-kit/pkcs11.h>

#include "tests/p11fault/entry_points.hpp"
#include "tests/p11fault/fault_state.hpp"

namespace ehagent::p11fault {
namespace {

// On CKR_OK the real call has begun (Fault::beginRealCall): the caller ends it with a RealCall.
CK_RV resolve(CK_SESSION_HANDLE ours, CK_SESSION_HANDLE& real_handle, CK_SLOT_ID& slot,
              CK_FUNCTION_LIST*& list) noexcept {
  try {
    Fault& f = fault();
    std::lock_guard lock(f.mutex);
    Session* session = nullptr;
    if (const CK_RV rv = f.findSession(ours, session); rv != CKR_OK) return rv;
    real_handle = session->real;
    slot = session->slot;
    list = f.real;
    f.beginRealCall(slot);
    return CKR_OK;
  } catch (...) {
    return CKR_GENERAL_ERROR;
  }
}

// Args are deduced from the function-list member the instantiation is assigned to.
template <auto Member, typename... Args>
CK_RV forwardSession(CK_SESSION_HANDLE ours, Args... args) {
  CK_SESSION_HANDLE real_handle = 0;
  CK_SLOT_ID slot = 0;
  CK_FUNCTION_LIST* list = nullptr;
  if (const CK_RV rv = resolve(ours, real_handle, slot, list); rv != CKR_OK) return rv;
  RealCall running(fault(), slot);
  return (list->*Member)(real_handle, args...);
}

template <auto Member, typename... Args>
CK_RV forwardSlot(CK_SLOT_ID slot, Args... args) {
  if (const CK_RV rv = faultSlotCall(slot); rv != CKR_OK) return rv;
  return (fault().real->*Member)(slot, args...);
}

CK_RV forwardGetInfo(CK_INFO_PTR info) {
  CK_FUNCTION_LIST* list = fault().real;
  return list == nullptr ? CKR_CRYPTOKI_NOT_INITIALIZED : list->C_GetInfo(info);
}

CK_RV getFunctionList(CK_FUNCTION_LIST_PTR_PTR list);

CK_FUNCTION_LIST makeList() {
  using L = CK_FUNCTION_LIST;
  L l{};
  l.version = {2, 40};
  l.C_Initialize = faultInitialize;
  l.C_Finalize = faultFinalize;
  l.C_GetInfo = forwardGetInfo;
  l.C_GetFunctionList = getFunctionList;
  l.C_GetSlotList = faultGetSlotList;
  l.C_GetSlotInfo = faultGetSlotInfo;
  l.C_GetTokenInfo = faultGetTokenInfo;
  l.C_GetMechanismList = forwardSlot<&L::C_GetMechanismList>;
  l.C_GetMechanismInfo = forwardSlot<&L::C_GetMechanismInfo>;
  l.C_InitToken = forwardSlot<&L::C_InitToken>;
  l.C_InitPIN = forwardSession<&L::C_InitPIN>;
  l.C_SetPIN = forwardSession<&L::C_SetPIN>;
  l.C_OpenSession = faultOpenSession;
  l.C_CloseSession = faultCloseSession;
  l.C_CloseAllSessions = faultCloseAllSessions;
  l.C_GetSessionInfo = forwardSession<&L::C_GetSessionInfo>;
  l.C_GetOperationState = forwardSession<&L::C_GetOperationState>;
  l.C_SetOperationState = forwardSession<&L::C_SetOperationState>;
  l.C_Login = faultLogin;
  l.C_Logout = forwardSession<&L::C_Logout>;
  l.C_CreateObject = forwardSession<&L::C_CreateObject>;
  l.C_CopyObject = forwardSession<&L::C_CopyObject>;
  l.C_DestroyObject = forwardSession<&L::C_DestroyObject>;
  l.C_GetObjectSize = forwardSession<&L::C_GetObjectSize>;
  l.C_GetAttributeValue = forwardSession<&L::C_GetAttributeValue>;
  l.C_SetAttributeValue = forwardSession<&L::C_SetAttributeValue>;
  l.C_FindObjectsInit = forwardSession<&L::C_FindObjectsInit>;
  l.C_FindObjects = forwardSession<&L::C_FindObjects>;
  l.C_FindObjectsFinal = forwardSession<&L::C_FindObjectsFinal>;
  l.C_EncryptInit = forwardSession<&L::C_EncryptInit>;
  l.C_Encrypt = forwardSession<&L::C_Encrypt>;
  l.C_EncryptUpdate = forwardSession<&L::C_EncryptUpdate>;
  l.C_EncryptFinal = forwardSession<&L::C_EncryptFinal>;
  l.C_DecryptInit = forwardSession<&L::C_DecryptInit>;
  l.C_Decrypt = forwardSession<&L::C_Decrypt>;
  l.C_DecryptUpdate = forwardSession<&L::C_DecryptUpdate>;
  l.C_DecryptFinal = forwardSession<&L::C_DecryptFinal>;
  l.C_DigestInit = forwardSession<&L::C_DigestInit>;
  l.C_Digest = forwardSession<&L::C_Digest>;
  l.C_DigestUpdate = forwardSession<&L::C_DigestUpdate>;
  l.C_DigestKey = forwardSession<&L::C_DigestKey>;
  l.C_DigestFinal = forwardSession<&L::C_DigestFinal>;
  l.C_SignInit = forwardSession<&L::C_SignInit>;
  l.C_Sign = faultSign;
  l.C_SignUpdate = forwardSession<&L::C_SignUpdate>;
  l.C_SignFinal = faultSignFinal;
  l.C_SignRecoverInit = forwardSession<&L::C_SignRecoverInit>;
  l.C_SignRecover = forwardSession<&L::C_SignRecover>;
  l.C_VerifyInit = forwardSession<&L::C_VerifyInit>;
  l.C_Verify = forwardSession<&L::C_Verify>;
  l.C_VerifyUpdate = forwardSession<&L::C_VerifyUpdate>;
  l.C_VerifyFinal = forwardSession<&L::C_VerifyFinal>;
  l.C_VerifyRecoverInit = forwardSession<&L::C_VerifyRecoverInit>;
  l.C_VerifyRecover = forwardSession<&L::C_VerifyRecover>;
  l.C_DigestEncryptUpdate = forwardSession<&L::C_DigestEncryptUpdate>;
  l.C_DecryptDigestUpdate = forwardSession<&L::C_DecryptDigestUpdate>;
  l.C_SignEncryptUpdate = forwardSession<&L::C_SignEncryptUpdate>;
  l.C_DecryptVerifyUpdate = forwardSession<&L::C_DecryptVerifyUpdate>;
  l.C_GenerateKey = forwardSession<&L::C_GenerateKey>;
  l.C_GenerateKeyPair = forwardSession<&L::C_GenerateKeyPair>;
  l.C_WrapKey = forwardSession<&L::C_WrapKey>;
  l.C_UnwrapKey = forwardSession<&L::C_UnwrapKey>;
  l.C_DeriveKey = forwardSession<&L::C_DeriveKey>;
  l.C_SeedRandom = forwardSession<&L::C_SeedRandom>;
  l.C_GenerateRandom = forwardSession<&L::C_GenerateRandom>;
  l.C_GetFunctionStatus = forwardSession<&L::C_GetFunctionStatus>;
  l.C_CancelFunction = forwardSession<&L::C_CancelFunction>;
  l.C_WaitForSlotEvent = faultWaitForSlotEvent;
  return l;
}

CK_RV getFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  static CK_FUNCTION_LIST functions = makeList();
  if (list == nullptr) return CKR_ARGUMENTS_BAD;
  *list = &functions;
  return CKR_OK;
}

}  // namespace
}  // namespace ehagent::p11fault

extern "C" __attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  return ehagent::p11fault::getFunctionList(list);
}
