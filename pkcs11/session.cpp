#include "pkcs11/session.hpp"

#include "pkcs11/cryptoki.hpp"
#include "pkcs11/error.hpp"
#include "core/secret.hpp"

namespace ehagent::pkcs11 {
namespace {

CK_UTF8CHAR_PTR pinBytes(const Secret& pin) {
  // Cryptoki takes a non-const pointer but does not write through it.
  return reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin.data()));
}

std::vector<CK_ATTRIBUTE> toTemplate(const std::vector<Attribute>& attributes) {
  std::vector<CK_ATTRIBUTE> raw;
  raw.reserve(attributes.size());
  for (const auto& a : attributes) {
    raw.push_back(CK_ATTRIBUTE{a.type, const_cast<std::uint8_t*>(a.value.data()),
                               static_cast<CK_ULONG>(a.value.size())});
  }
  return raw;
}

CK_OBJECT_CLASS classValue(ObjectClass cls) {
  switch (cls) {
    case ObjectClass::Data: return CKO_DATA;
    case ObjectClass::Certificate: return CKO_CERTIFICATE;
    case ObjectClass::PublicKey: return CKO_PUBLIC_KEY;
    case ObjectClass::PrivateKey: return CKO_PRIVATE_KEY;
    case ObjectClass::SecretKey: return CKO_SECRET_KEY;
  }
  return CKO_DATA;
}

void userLogin(CK_FUNCTION_LIST* f, CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
               CK_ULONG length) {
  const CK_RV rv = f->C_Login(session, user, pin, length);
  if (rv == CKR_USER_ALREADY_LOGGED_IN) return;
  check(rv, "C_Login");
}

}  // namespace

Session::Session(std::shared_ptr<Module> module, SlotId slot, bool readWrite)
    : module_(std::move(module)), slot_(slot) {
  CK_FLAGS flags = CKF_SERIAL_SESSION | (readWrite ? CKF_RW_SESSION : 0);
  CK_SESSION_HANDLE handle = 0;
  check(detail::functions(*module_)->C_OpenSession(slot, flags, nullptr, nullptr, &handle), "C_OpenSession");
  handle_ = handle;
  open_ = true;
}

Session::Session(Session&& other) noexcept
    : module_(std::move(other.module_)), slot_(other.slot_), handle_(other.handle_), open_(other.open_) {
  other.open_ = false;
}

Session& Session::operator=(Session&& other) noexcept {
  if (this != &other) {
    close();
    module_ = std::move(other.module_);
    slot_ = other.slot_;
    handle_ = other.handle_;
    open_ = other.open_;
    other.open_ = false;
  }
  return *this;
}

Session::~Session() noexcept { close(); }

void Session::close() noexcept {
  // After a card removal the handle is already gone; nothing useful can be done with the code.
  if (open_) detail::functions(*module_)->C_CloseSession(handle_);
  open_ = false;
}

TokenInfo Session::tokenInfo() const { return module_->tokenInfo(slot_); }

void Session::login(const Secret& pin) {
  userLogin(detail::functions(*module_), handle_, CKU_USER, pinBytes(pin), pin.size());
}

void Session::loginProtected() { userLogin(detail::functions(*module_), handle_, CKU_USER, nullptr, 0); }

void Session::loginSecurityOfficer(const Secret& soPin) {
  userLogin(detail::functions(*module_), handle_, CKU_SO, pinBytes(soPin), soPin.size());
}

void Session::initPin(const Secret& pin) {
  check(detail::functions(*module_)->C_InitPIN(handle_, pinBytes(pin), pin.size()), "C_InitPIN");
}

void Session::logout() {
  const CK_RV rv = detail::functions(*module_)->C_Logout(handle_);
  if (rv == CKR_USER_NOT_LOGGED_IN) return;
  check(rv, "C_Logout");
}

bool Session::loggedIn() const {
  CK_SESSION_INFO info{};
  check(detail::functions(*module_)->C_GetSessionInfo(handle_, &info), "C_GetSessionInfo");
  return info.state == CKS_RO_USER_FUNCTIONS || info.state == CKS_RW_USER_FUNCTIONS ||
         info.state == CKS_RW_SO_FUNCTIONS;
}

std::vector<ObjectHandle> Session::find(const std::vector<Attribute>& query) const {
  auto* f = detail::functions(*module_);
  auto raw = toTemplate(query);
  check(f->C_FindObjectsInit(handle_, raw.data(), raw.size()), "C_FindObjectsInit");
  // The find operation must end even when a batch fails, or the session stays unusable.
  struct FindFinal {
    CK_FUNCTION_LIST* f;
    CK_SESSION_HANDLE h;
    ~FindFinal() { f->C_FindObjectsFinal(h); }
  } finalGuard{f, handle_};
  std::vector<ObjectHandle> found;
  CK_OBJECT_HANDLE batch[32];
  for (;;) {
    CK_ULONG count = 0;
    check(f->C_FindObjects(handle_, batch, std::size(batch), &count), "C_FindObjects");
    if (count == 0) break;
    found.insert(found.end(), batch, batch + count);
  }
  return found;
}

std::vector<ObjectHandle> Session::find(ObjectClass cls, std::optional<std::string> label,
                                        std::optional<Bytes> id) const {
  std::vector<Attribute> query{Attribute::ulong(CKA_CLASS, classValue(cls))};
  if (label) query.push_back(Attribute::text(CKA_LABEL, *label));
  if (id) query.push_back(Attribute::bytes(CKA_ID, *id));
  return find(query);
}

std::optional<Bytes> Session::attribute(ObjectHandle object, unsigned long type) const {
  auto* f = detail::functions(*module_);
  CK_ATTRIBUTE probe{type, nullptr, 0};
  CK_RV rv = f->C_GetAttributeValue(handle_, object, &probe, 1);
  if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE) return std::nullopt;
  check(rv, "C_GetAttributeValue");
  if (probe.ulValueLen == CK_UNAVAILABLE_INFORMATION) return std::nullopt;
  Bytes value(probe.ulValueLen);
  CK_ATTRIBUTE read{type, value.data(), static_cast<CK_ULONG>(value.size())};
  rv = f->C_GetAttributeValue(handle_, object, &read, 1);
  check(rv, "C_GetAttributeValue");
  value.resize(read.ulValueLen);
  return value;
}

std::optional<std::string> Session::textAttribute(ObjectHandle object, unsigned long type) const {
  auto raw = attribute(object, type);
  if (!raw) return std::nullopt;
  return std::string(raw->begin(), raw->end());
}

std::optional<unsigned long> Session::ulongAttribute(ObjectHandle object, unsigned long type) const {
  auto raw = attribute(object, type);
  if (!raw) return std::nullopt;
  return parseNativeUlongId(*raw);
}

std::optional<bool> Session::boolAttribute(ObjectHandle object, unsigned long type) const {
  auto raw = attribute(object, type);
  if (!raw || raw->size() != 1) return std::nullopt;
  return (*raw)[0] != CK_FALSE;
}

ObjectHandle Session::create(const std::vector<Attribute>& object) {
  auto raw = toTemplate(object);
  CK_OBJECT_HANDLE handle = 0;
  check(detail::functions(*module_)->C_CreateObject(handle_, raw.data(), raw.size(), &handle), "C_CreateObject");
  return handle;
}

void Session::destroy(ObjectHandle object) {
  check(detail::functions(*module_)->C_DestroyObject(handle_, object), "C_DestroyObject");
}

std::pair<ObjectHandle, ObjectHandle> Session::generateKeyPair(unsigned long mechanism,
                                                               const std::vector<Attribute>& publicKey,
                                                               const std::vector<Attribute>& privateKey) {
  CK_MECHANISM mech{mechanism, nullptr, 0};
  auto pub = toTemplate(publicKey);
  auto priv = toTemplate(privateKey);
  CK_OBJECT_HANDLE pubHandle = 0;
  CK_OBJECT_HANDLE privHandle = 0;
  check(detail::functions(*module_)->C_GenerateKeyPair(handle_, &mech, pub.data(), pub.size(), priv.data(),
                                                       priv.size(), &pubHandle, &privHandle),
        "C_GenerateKeyPair");
  return {pubHandle, privHandle};
}

}  // namespace ehagent::pkcs11
