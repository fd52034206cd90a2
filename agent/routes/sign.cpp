// POST /v1/sign: a generic signature with the eID Signature key (non-repudiation), the PIN asked
// for this one signature. Body: {"data": base64} or {"digest": base64, "digest_algorithm":
// "SHA-256"|"SHA-384"|"SHA-512"}, optional "patient" (SSIN, for the prompt and the audit) and
// "document_kind" (the client's word for the document, for the prompt: "prescription").
// The Authentication key is never used here: it signs only what the agent builds itself.
#include <openssl/evp.h>

#include <algorithm>

#include "core/base64.hpp"
#include "core/bytes.hpp"
#include "core/digest.hpp"
#include "core/error.hpp"
#include "agent/routes/routes.hpp"
#include "agent/session/session.hpp"

namespace ehagent::agent {
namespace {

std::vector<std::uint8_t> decodeMember(const nlohmann::json& body, const std::string& member) {
  const std::string text = requireString(body, member);
  std::vector<std::uint8_t> bytes;
  try {
    bytes = base64Decode(text);
  } catch (const ehagent::Error&) {
  }
  if (bytes.empty()) {
    throw ProblemError(problems::invalidInput("/" + member, member + " must be non-empty standard base64"));
  }
  return bytes;
}

SignatureRequest readSignInput(const Request& request, const std::string& client) {
  const nlohmann::json body = parseJsonBody(request);
  if (!body.is_object()) throw ProblemError(problems::invalidInput("", "the body must be a JSON object"));
  SignatureRequest input;
  input.client = client;
  const bool has_data = body.contains("data");
  if (has_data == body.contains("digest")) {
    throw ProblemError(problems::invalidInput("/data", "give exactly one of data and digest"));
  }
  if (has_data) input.data = decodeMember(body, "data");
  else input.digest = decodeMember(body, "digest");
  if (body.contains("digest_algorithm")) input.digest_algorithm = requireString(body, "digest_algorithm");
  if (!has_data && input.digest_algorithm.empty()) {
    throw ProblemError(problems::invalidInput("/digest_algorithm", "a digest needs its digest_algorithm"));
  }
  if (body.contains("patient")) {
    const std::string patient = requireString(body, "patient");
    if (patient.size() != 11 || patient.find_first_not_of("0123456789") != std::string::npos) {
      throw ProblemError(problems::invalidInput("/patient", "patient must be an 11-digit SSIN"));
    }
    input.patient_ssin = patient;
  }
  if (body.contains("document_kind")) {
    // Shown in the PIN dialog as the client's name for the document: one short printable line.
    const std::string kind = requireString(body, "document_kind");
    const bool printable = std::none_of(kind.begin(), kind.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (kind.empty() || kind.size() > 60 || !printable) {
      throw ProblemError(problems::invalidInput("/document_kind", "document_kind must be 1 to 60 printable characters"));
    }
    input.document_kind = kind;
  }
  return input;
}

std::string base64(const std::vector<std::uint8_t>& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                     static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

}  // namespace

void addSignRoutes(Router& router) {
  router.add({http::verb::post, "/v1/sign", Access::key,
              "Sign data with the eID Signature key (the PIN is asked every time)",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                SignatureRequest input = readSignInput(request, context.client);
                input.abandon = context.client_gone;
                const std::vector<std::uint8_t>& shown = input.data.empty() ? input.digest : input.data;
                input.data_sha256 = sha256Hex(asText(shown));  // hashed once, for the audit and the prompt
                const std::string signed_sha256 = input.data_sha256;
                AgentSession* session = context.server.session;
                const auto who = session ? session->identified() : std::nullopt;
                input.audit = std::make_shared<SignatureAudit>(
                    context.server.audit,
                    AuditEntry{context.client, who ? who->ssin : "", "sign", input.patient_ssin, signed_sha256, "", ""});
                const std::shared_ptr<SignatureAudit> audit = input.audit;
                std::exception_ptr failure;
                SignatureResult result;
                try {
                  if (!session) throw ProblemError(problems::noCard("no_reader"));
                  result = co_await session->signWithSignatureKey(std::move(input));
                } catch (...) {
                  failure = std::current_exception();
                }
                if (failure) {
                  audit->finish("refused", problemFromException(failure).code);
                  std::rethrow_exception(failure);
                }
                audit->finish("ok", "");
                const bool ec = result.algorithm.rfind("ecdsa", 0) == 0;
                co_return jsonResponse(request, http::status::ok,
                                       {{"signature", base64(result.signature)},
                                        {"signature_format", ec ? "raw-r-s" : "pkcs1-v1_5"},
                                        {"algorithm", result.algorithm},
                                        {"digest_algorithm", result.digest_algorithm},
                                        {"digest", base64(result.digest)},
                                        {"certificate", result.certificate_pem},
                                        {"certificate_der", base64(result.certificate_der)}});
              }});
}

}  // namespace ehagent::agent
