#pragma once
// The Cryptoki entry points that inject faults; forward.cpp puts them in the function list next to
// the plain forwarders. Not exported: only C_GetFunctionList is, so that the forwarded module's own
// calls to its C_* symbols can never be interposed by ours.
#include <p11-kit/pkcs11.h>

namespace ehagent::p11fault {

CK_RV faultInitialize(void* init_args);
CK_RV faultFinalize(void* reserved);
CK_RV faultGetSlotList(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count);
CK_RV faultGetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info);
CK_RV faultGetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info);
// CKR_TOKEN_NOT_PRESENT when the slot's card is out, else CKR_OK: the gate for slot-level calls.
CK_RV faultSlotCall(CK_SLOT_ID slot);
CK_RV faultOpenSession(CK_SLOT_ID slot, CK_FLAGS flags, void* application, CK_NOTIFY notify,
                       CK_SESSION_HANDLE_PTR session);
CK_RV faultCloseSession(CK_SESSION_HANDLE session);
CK_RV faultCloseAllSessions(CK_SLOT_ID slot);
CK_RV faultLogin(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG pin_length);
CK_RV faultSign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG data_length, CK_BYTE_PTR signature,
                CK_ULONG_PTR signature_length);
CK_RV faultSignFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature, CK_ULONG_PTR signature_length);
CK_RV faultWaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR slot, void* reserved);

}  // namespace ehagent::p11fault
