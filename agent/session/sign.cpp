// The eID Signature key (non-repudiation): the practitioner's generic signature and the patient's
// proof. The PIN is asked for every signature, whatever the login state, because the key has
// CKA_ALWAYS_AUTHENTICATE; one question serves both the user login and the context login.
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/bytes.hpp"
#include "core/digest.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "core/base64.hpp"
#include "agent/session/state.hpp"
#include "agent/http/problem.hpp"
#include "pkcs11/error.hpp"
#include "pkcs11/module.hpp"
#include "tokens/sign/pkcs11_signer.hpp"

namespace ehagent::agent {
namespace {

struct DigestChoice {
  pkcs11::HashAlgorithm hash;
  DigestAlgorithm algorithm;
  std::string name;
};

DigestChoice digestChoice(const std::string& name, const std::string& key_algorithm) {
  std::string chosen = name;
  if (chosen.empty()) chosen = key_algorithm == "EC P-384" ? "SHA-384" : key_algorithm == "EC P-521" ? "SHA-512" : "SHA-256";
  if (chosen == "SHA-256") return {pkcs11::HashAlgorithm::Sha256, DigestAlgorithm::Sha256, chosen};
  if (chosen == "SHA-384") return {pkcs11::HashAlgorithm::Sha384, DigestAlgorithm::Sha384, chosen};
  if (chosen == "SHA-512") return {pkcs11::HashAlgorithm::Sha512, DigestAlgorithm::Sha512, chosen};
  throw ProblemError(problems::invalidInput("/digest_algorithm", "digest_algorithm must be SHA-256, SHA-384 or SHA-512"));
}

std::string signatureAlgorithmName(const std::string& key_algorithm, const std::string& digest) {
  const std::string bits = digest.substr(4);  // "SHA-256" -> "256"
  if (key_algorithm.rfind("EC", 0) == 0) return "ecdsa-with-SHA" + bits;
  return "sha" + bits + "WithRSAEncryption";
}

std::string asText(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

// Units are the same in the four languages; the decimal mark is not.
std::string sizeInWords(std::size_t bytes, const Texts& texts) {
  if (bytes < 1000) {
    return bytes == 1 ? texts.get("sign.one_byte") : texts.get("sign.bytes", {{"n", std::to_string(bytes)}});
  }
  const bool mega = bytes >= 1000 * 1000;
  const double value = static_cast<double>(bytes) / (mega ? 1e6 : 1e3);
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, mega ? "MB" : "kB");
  std::string out = text;
  if (texts.language() != Language::En) std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

// What the bytes look like, from their first bytes: the agent's own reading, not the client's.
// The catalogs' key: sign.format.<it>.
std::string formatOf(const std::vector<std::uint8_t>& data) {
  const std::string head(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(data.size(), 64)));
  if (head.starts_with("%PDF-")) return "pdf";
  const std::size_t first = head.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && head[first] == '<') return "xml";
  const bool text = std::all_of(data.begin(), data.end(), [](std::uint8_t b) { return b >= 0x20 || b == '\n' || b == '\r' || b == '\t'; });
  return text ? "text" : "binary";
}

// English alone puts an article before the document; the other catalogs name it after a colon,
// where no article (and so no gender) is needed.
std::string withArticle(const std::string& noun, const Texts& texts, bool countable = true) {
  if (texts.language() != Language::En || !countable) return noun;
  const bool vowel = !noun.empty() && std::string_view("aeiouAEIOUX").find(noun[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + noun;
}

// The Signature-key dialog says what is signed in words the practitioner checks (the client's
// name for the document, what the agent sees it is, its size); the digest is only the detail line.
// All of it is in the dialog's language but the client's own name for the document.
std::pair<std::string, std::string> signatureWords(const SignatureRequest& request, const Texts& texts) {
  const std::string kind = request.document_kind;
  const auto action = [&](const std::string& what) { return texts.get("action.sign", {{"what", what}}); };
  if (request.data.empty()) {
    const std::string algorithm = request.digest_algorithm.empty() ? "SHA-256" : request.digest_algorithm;
    const std::string document = withArticle(kind.empty() ? texts.get("sign.document") : kind, texts);
    return {action(texts.get("sign.hashed", {{"document", document}, {"client", request.client}})),
            texts.get("sign.digest", {{"algorithm", algorithm}, {"hash", toHex(request.digest)}})};
  }
  const std::string format_key = formatOf(request.data);
  const std::string format = texts.get("sign.format." + format_key);
  const std::string size = sizeInWords(request.data.size(), texts);
  const bool countable = format_key == "pdf" || format_key == "xml";
  const std::string what =
      kind.empty() ? texts.get("sign.data", {{"format", withArticle(format, texts, countable)}, {"size", size}})
                   : texts.get("sign.data_kind", {{"kind", withArticle(kind, texts)}, {"format", format}, {"size", size}});
  const std::string sha256 = request.data_sha256.empty() ? sha256Hex(asText(request.data)) : request.data_sha256;
  return {action(what), texts.get("sign.sha256", {{"hash", sha256}})};
}

// OpenSC's BELPIC driver lists the Signature key but refuses it at MSE SET (it has no dialog for
// the non-repudiation PIN), so C_Sign answers CKR_FUNCTION_NOT_SUPPORTED. The problem names the
// module, since the fix is another middleware, not another try.
Problem signatureKeyRefused(const pkcs11::Module& module, const pkcs11::Error& e) {
  const pkcs11::ModuleInfo info = module.info();
  return problems::keyRefusedByMiddleware(
      {{"module", info.libraryDescription + ", " + info.manufacturer + ", " + module.path()},
       {"function", e.function()},
       {"ckr", std::string(e.ckrName())}});
}

}  // namespace

void AgentSession::useSignatureKey(
    const CardInfo& card, const PinQuestion& question,
    const std::function<void(pkcs11::Session&, const CardKey&, const Secret*)>& work) {
  pkcs11::Session session(card.module, card.slot);
  std::optional<Secret> pin = prompter_->askForSignature(session, question);
  bool logged_in_here = false;
  try {
    if (!session.loggedIn()) {
      // The key object is private on most tokens; the same PIN opens it for this one signature.
      pin ? session.login(*pin) : session.loginProtected();
      logged_in_here = true;
    }
    const CardKey key = findCardKey(session, CardKeyRole::EidSignature);
    work(session, key, pin ? &*pin : nullptr);
  } catch (const pkcs11::Error& e) {
    if (logged_in_here) {
      try {
        session.logout();
      } catch (const pkcs11::Error&) {
      }
    }
    if (e.kind() == pkcs11::ErrorKind::NotSupported) throw ProblemError(signatureKeyRefused(*card.module, e));
    PinPrompter::rethrowWithTries(session, e, question.credential);
  }
  if (logged_in_here) session.logout();
}

boost::asio::awaitable<SignatureResult> AgentSession::signWithSignatureKey(SignatureRequest request) {
  std::optional<PractitionerInfo> who = identified();
  std::optional<CardInfo> card;
  if (who) {
    for (const CardInfo& c : cards()) {
      if (c.token_label == who->eid_token) card = c;
    }
  }
  if (!card) throw ProblemError(problems::noCard("practitioner"));

  auto [action, detail] = signatureWords(request, prompter_->texts());
  PinQuestion question{PinPurpose{request.client, std::move(action),
                                  request.patient_ssin.empty() ? std::nullopt
                                                               : std::optional<std::string>(request.patient_ssin),
                                  holderName(*card), std::nullopt, std::move(detail)},
                       "eID", request.abandon};
  const CardInfo chosen = *card;
  // GCC 12 destroys a coroutine parameter twice when it is captured by a lambda inside a
  // co_await expression: the job is a named local first.
  auto shared_request = std::make_shared<const SignatureRequest>(std::move(request));
  std::function<SignatureResult()> job([this, chosen, question, shared_request] {
        const SignatureRequest& request = *shared_request;
        SignatureResult result;
        useSignatureKey(chosen, question, [&](pkcs11::Session& session, const CardKey& key, const Secret* pin) {
          const std::string key_algorithm = key.certificate.keyAlgorithm();
          const DigestChoice digest = digestChoice(request.digest_algorithm, key_algorithm);
          result.digest = request.data.empty() ? request.digest : digestOf(digest.algorithm, request.data);
          if (result.digest.size() != digestSize(digest.algorithm)) {
            throw ProblemError(problems::invalidInput("/digest", "the digest length does not match " + digest.name));
          }
          if (request.audit) request.audit->start(request.data_sha256);
          result.signature = session.signDigest(key.key, digest.hash, result.digest, pin);
          if (request.audit) request.audit->durable();
          result.digest_algorithm = digest.name;
          result.algorithm = signatureAlgorithmName(key_algorithm, digest.name);
          result.certificate_pem = key.certificate.pem();
          result.certificate_der = key.certificate.der();
        });
        return result;
      });
  co_return co_await server_.queues.forToken(chosen.token_label).run<SignatureResult>(std::move(job));
}

boost::asio::awaitable<PatientCard> AgentSession::readPatientCard() {
  std::optional<PractitionerInfo> who = identified();
  for (const CardInfo& card : cards()) {
    if (!card.holder || (who && card.token_label == who->eid_token)) continue;
    co_return PatientCard{card.holder->ssin, card.holder->cardNumber};
  }
  throw ProblemError(problems::noCard("patient"));
}

boost::asio::awaitable<std::vector<std::uint8_t>> AgentSession::withPatientSignatureKey(
    std::function<std::vector<std::uint8_t>(tokens::Signer&)> work) {
  std::optional<PractitionerInfo> who = identified();
  std::optional<CardInfo> patient;
  for (const CardInfo& card : cards()) {
    if (card.holder && !(who && card.token_label == who->eid_token)) patient = card;
  }
  if (!patient) throw ProblemError(problems::noCard("patient"));
  const CardInfo chosen = *patient;
  PinQuestion question{PinPurpose{prompter_->texts().get("client.your_practitioner"),
                                  prompter_->texts().get("action.patient_consent"),
                                  chosen.holder->ssin, holderName(chosen), std::nullopt},
                       "eID (patient's PIN)"};
  auto shared = std::make_shared<decltype(work)>(std::move(work));
  std::function<std::vector<std::uint8_t>()> job([this, chosen, question, shared] {
        std::vector<std::uint8_t> out;
        useSignatureKey(chosen, question, [&](pkcs11::Session& session, const CardKey& key, const Secret* pin) {
          tokens::Pkcs11Signer signer(session, key.key, key.certificate, pin);
          out = (*shared)(signer);
        });
        return out;
      });
  co_return co_await server_.queues.forToken(chosen.token_label).run<std::vector<std::uint8_t>>(std::move(job));
}

}  // namespace ehagent::agent
