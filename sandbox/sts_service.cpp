#include "sandbox/sts_service.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sandbox/random_failure.hpp"
#include "sandbox/sts_assertion.hpp"
#include "core/base64.hpp"
#include "tokens/error.hpp"
#include "tokens/sts/assertion.hpp"
#include "tokens/sts/messages.hpp"
#include "tokens/sts/protocol.hpp"
#include "certs/trust_store.hpp"
#include "tokens/xml/document.hpp"
#include "tokens/xml/wssecurity.hpp"
#include "tokens/xml/xmldsig.hpp"

namespace ehagent::sandbox {

namespace sts = tokens::sts;
namespace xml = tokens::xml;
using SysClock = std::chrono::system_clock;

// What a verified request asks for.
struct IssueWish {
  std::string ssin;
  std::vector<std::string> identity_attributes;
  std::vector<std::string> designators;
  std::optional<certs::Certificate> use_key;
  std::chrono::seconds lifetime{3600};
  std::string context;
};

struct StsService::Pending {
  IssueWish wish;
  SysClock::time_point deadline;
};

namespace {

struct Refusal {
  std::string reason;
};

Response soapFault(const std::string& code, const std::string& reason) {
  Response r;
  r.status = 500;
  r.body = "<soapenv:Envelope xmlns:soapenv=\"" + std::string(tokens::wss::kSoap11Ns) +
           "\"><soapenv:Body><soapenv:Fault><faultcode>" + code + "</faultcode><faultstring>" + tokens::xml::escape(reason) +
           "</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
  return r;
}

Response rstr(const std::string& context, const std::string& inner) {
  Response r;
  r.body = "<soapenv:Envelope xmlns:soapenv=\"" + std::string(tokens::wss::kSoap11Ns) +
           "\"><soapenv:Body><wst:RequestSecurityTokenResponse xmlns:wst=\"" + std::string(sts::kWstNs) +
           "\" Context=\"" + tokens::xml::escape(context) + "\">" + inner +
           "</wst:RequestSecurityTokenResponse></soapenv:Body></soapenv:Envelope>";
  return r;
}

std::string randomHex(std::size_t bytes) {
  std::vector<unsigned char> b(bytes);
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  return certs::toHex(b);
}

// eID certificates carry the SSIN in serialNumber; eHealth ones in "SSIN=..." OU or CN values.
std::string ssinOf(const certs::Certificate& cert) {
  if (const auto serial = cert.subjectAttribute("serialNumber"); !serial.empty()) return serial.front();
  for (const char* attribute : {"CN", "OU"}) {
    for (const auto& value : cert.subjectAttribute(attribute)) {
      if (value.rfind("SSIN=", 0) == 0) return value.substr(5);
    }
  }
  return {};
}

xml::Element need(std::optional<xml::Element> e, const char* what) {
  if (!e) throw Refusal{std::string("the request has no ") + what};
  return *e;
}

IssueWish readIssue(xml::Element rst, const std::vector<certs::Certificate>& trust) {
  IssueWish wish;
  wish.context = rst.attribute("Context").value_or("");
  const auto claims = need(rst.child(sts::kWstNs, "Claims"), "wst:Claims");
  for (const auto& claim : claims.childrenNamed(sts::kAuthNs, "ClaimType")) {
    const auto uri = claim.attribute("Uri");
    if (!uri) throw Refusal{"a ClaimType without Uri"};
    if (const auto value = claim.child(sts::kAuthNs, "Value")) {
      wish.identity_attributes.push_back(*uri);
      if (*uri == sts::kHolderSsinAttribute || wish.ssin.empty()) wish.ssin = value->text();
    } else {
      wish.designators.push_back(*uri);
    }
  }
  if (wish.ssin.empty()) throw Refusal{"the claims carry no SSIN"};
  const auto use_key = need(rst.child(sts::kWstNs, "UseKey"), "wst:UseKey");
  const auto reference = need(use_key.child(tokens::xmldsig::kWsseNs, "SecurityTokenReference"), "SecurityTokenReference");
  const auto data = need(reference.child(tokens::xmldsig::kDsigNs, "X509Data"), "ds:X509Data");
  const auto cert = need(data.child(tokens::xmldsig::kDsigNs, "X509Certificate"), "ds:X509Certificate");
  try {
    wish.use_key = certs::Certificate::fromDer(ehagent::base64Decode(cert.text()));
    certs::TrustStore(trust).requirePinned(*wish.use_key, "signature_untrusted");
  } catch (const std::exception& e) {
    throw Refusal{std::string("the UseKey certificate is refused: ") + e.what()};
  }
  if (ssinOf(*wish.use_key) != wish.ssin) throw Refusal{"the UseKey certificate belongs to another SSIN"};
  if (const auto lifetime = rst.child(sts::kWstNs, "Lifetime")) {
    const auto created = lifetime->child(xml::kWsuNs, "Created");
    const auto expires = lifetime->child(xml::kWsuNs, "Expires");
    if (created && expires) {
      const auto span = ehagent::parseDateTime(expires->text()) - ehagent::parseDateTime(created->text());
      wish.lifetime = std::chrono::duration_cast<std::chrono::seconds>(span);
    }
  }
  if (wish.lifetime.count() <= 0) throw Refusal{"the requested Lifetime is empty"};
  return wish;
}

// Renew: the old assertion must be ours, still valid, and held by the signer.
IssueWish readRenew(xml::Element rst, const certs::Certificate& signer, const tokens::Signer& sts_signer) {
  const auto target = need(rst.child(sts::kWstNs, "RenewTarget"), "wst:RenewTarget");
  const auto children = target.children();
  if (children.size() != 1) throw Refusal{"RenewTarget must hold one assertion"};
  tokens::SamlCheck check;
  check.sts_trust = {sts_signer.certificate()};
  check.holder = &signer;
  check.now = SysClock::now();
  tokens::SamlToken old;
  try {
    old = tokens::verifySamlAssertion(xml::excC14n(children.front()), check);
  } catch (const tokens::Error& e) {
    throw Refusal{std::string("the RenewTarget is refused (") + e.code() + "): " + e.what()};
  }
  IssueWish wish;
  wish.context = rst.attribute("Context").value_or("");
  wish.ssin = old.first(std::string(sts::kHolderSsinAttribute));
  wish.use_key = signer;
  wish.lifetime = std::chrono::duration_cast<std::chrono::seconds>(old.not_on_or_after - old.not_before);
  const auto& profiles = tokens::StsProfiles::builtin();
  for (const auto& [name, values] : old.attributes) {
    const bool identity = std::find(profiles.identityAttributes().begin(), profiles.identityAttributes().end(), name) !=
                          profiles.identityAttributes().end();
    (identity ? wish.identity_attributes : wish.designators).push_back(name);
  }
  return wish;
}

std::string otherSsin(const std::string& ssin) { return ssin == "15062034820" ? "78031215280" : "15062034820"; }

}  // namespace

StsService::StsService(StsServiceOptions options) : options_(std::move(options)) {
  if (!options_.sts_signer) throw std::invalid_argument("the sandbox STS needs a signing key");
}

void StsService::registerWith(Server& server, const std::string& path) {
  server.route("POST", path, [this](const Request& r) { return handle(r); });
  server.route("POST", kStsAdminPath, [this](const Request& r) { return handleAdmin(r); });
  server.route("DELETE", kStsAdminPath, [this](const Request& r) { return handleAdmin(r); });
}

StsControl StsService::control() const {
  {
    std::lock_guard lock(mutex_);
    if (admin_control_) return *admin_control_;
  }
  return options_.control_file.empty() ? StsControl{} : StsControl::fromFile(options_.control_file);
}

Response StsService::handleAdmin(const Request& request) {
  std::lock_guard lock(mutex_);
  if (request.method == "DELETE") {
    admin_control_.reset();
    return Response::json(200, R"({"mode":"normal"})");
  }
  try {
    admin_control_ = StsControl::fromJson(request.body);
  } catch (const std::exception& e) {
    return Response::json(400, nlohmann::json{{"error", e.what()}}.dump());
  }
  return Response::json(200, request.body);
}

Response StsService::handle(const Request& request) {
  ++calls_;
  StsControl ctl;
  try {
    ctl = control();
  } catch (const std::exception& e) {
    return soapFault("soapenv:Server", std::string("sandbox control file: ") + e.what());
  }
  if (ctl.mode == "drop") {
    Response r;
    r.drop_connection = true;
    return r;
  }
  if (ctl.mode == "fault") return soapFault("soapenv:Server", "sandbox: told to fault");
  if (failThisCall(ctl.fail_percent)) return soapFault("soapenv:Server", "sandbox: random failure");
  Response response = answer(request, ctl);
  if (ctl.mode == "slow") response.delay = std::chrono::milliseconds(ctl.delay_ms);
  return response;
}

Response StsService::answer(const Request& request, const StsControl& ctl) {
  tokens::wss::VerifyEnvelopeOptions verify;
  verify.signature.trusted = options_.client_trust;
  std::optional<tokens::wss::VerifiedEnvelope> envelope;
  try {
    envelope.emplace(tokens::wss::verifyEnvelope(request.body, verify));
  } catch (const tokens::Error& e) {
    return soapFault("soapenv:Client", std::string("the WS-Security header is refused (") + e.code() + "): " + e.what());
  }
  const certs::Certificate signer = envelope->signature.certificate;
  const auto content = envelope->body.children();
  if (content.size() != 1) return soapFault("soapenv:Client", "the Body must hold one element");
  const xml::Element message = content.front();
  try {
    if (message.is(sts::kWstNs, "RequestSecurityTokenResponse")) {
      const auto response = need(message.child(sts::kWstNs, "SignChallengeResponse"), "SignChallengeResponse");
      const auto challenge = need(response.child(sts::kWstNs, "Challenge"), "Challenge").text();
      std::shared_ptr<Pending> pending;
      {
        std::lock_guard lock(mutex_);
        const auto it = pending_.find(challenge);
        if (it != pending_.end()) {
          pending = it->second;
          pending_.erase(it);
        }
      }
      if (!pending || pending->deadline < SysClock::now()) throw Refusal{"unknown or stale challenge"};
      if (!(signer == *pending->wish.use_key)) throw Refusal{"the challenge answer is not signed with the UseKey"};
      return issueFor(pending->wish, ctl);
    }
    if (!message.is(sts::kWstNs, "RequestSecurityToken")) throw Refusal{"the Body holds no wst:RequestSecurityToken"};
    const auto type = need(message.child(sts::kWstNs, "RequestType"), "wst:RequestType").text();
    if (type == sts::kRequestRenew) return issueFor(readRenew(message, signer, *options_.sts_signer), ctl);
    if (type != sts::kRequestIssue) throw Refusal{"unsupported RequestType " + type};
    IssueWish wish = readIssue(message, options_.client_trust);
    if (ssinOf(signer) != wish.ssin) throw Refusal{"the request is signed by another person than the claims name"};
    if (signer == *wish.use_key || !ctl.challenge) return issueFor(wish, ctl);
    const std::string challenge = randomHex(32);
    {
      std::lock_guard lock(mutex_);
      pending_[challenge] = std::make_shared<Pending>(Pending{wish, SysClock::now() + std::chrono::minutes(5)});
    }
    return rstr(wish.context, "<wst:SignChallenge><wst:Challenge>" + challenge + "</wst:Challenge></wst:SignChallenge>");
  } catch (const Refusal& refusal) {
    return soapFault("soapenv:Client", refusal.reason);
  } catch (const tokens::Error& e) {
    return soapFault("soapenv:Client", std::string("malformed request (") + e.code() + "): " + e.what());
  }
}

Response StsService::issueFor(const IssueWish& wish, const StsControl& ctl) {
  const auto who = options_.practitioners.find(wish.ssin);
  if (!who) throw Refusal{"no practitioner with SSIN " + wish.ssin};
  const auto& profiles = tokens::StsProfiles::builtin();
  AssertionContent content{*wish.use_key, SysClock::now(), {}, {}};
  auto lifetime = std::min(wish.lifetime, options_.max_lifetime);
  if (ctl.lifetime_seconds) lifetime = std::min(lifetime, std::chrono::seconds(*ctl.lifetime_seconds));
  content.not_on_or_after = content.not_before + lifetime;
  const std::string ssin = ctl.mode == "wrong_ssin" ? otherSsin(wish.ssin) : wish.ssin;
  for (const auto& uri : wish.identity_attributes) {
    content.attributes.push_back({uri, std::string(sts::kIdentificationNamespace), ssin});
  }
  for (const auto& uri : wish.designators) {
    std::string value;
    if (uri == profiles.givenNameAttribute()) {
      value = who->given_name;
    } else if (uri == profiles.surnameAttribute()) {
      value = who->surname;
    } else if (const auto* owner = profiles.ownerOf(uri)) {
      const bool holds = owner->name == who->profession;
      if (uri == owner->nihii_attribute) {
        if (!holds) continue;  // no NIHII for a profession the person does not practise
        value = who->nihii;
      } else {
        value = holds ? "true" : "false";
      }
    } else {
      throw Refusal{"unknown claim " + uri};
    }
    content.attributes.push_back({uri, std::string(sts::kCertifiedNamespace), value});
  }
  std::string assertion = buildSignedAssertion(content, *options_.sts_signer);
  if (ctl.mode == "bad_signature") {
    // Flip one character of the signature value: well-formed, but it no longer verifies.
    const auto at = assertion.find("SignatureValue>");
    if (at != std::string::npos) {
      char& c = assertion[at + 16];
      c = c == 'A' ? 'B' : 'A';
    }
  }
  return rstr(wish.context, "<wst:RequestedSecurityToken>" + assertion + "</wst:RequestedSecurityToken>");
}

}  // namespace ehagent::sandbox
