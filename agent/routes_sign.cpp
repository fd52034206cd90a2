// POST /v1/sign: a generic signature with the eID Signature key (non-repudiation). The input is
// validated and the request audited now; the signature itself needs the session.
#include "agent/crypto_util.hpp"
#include "agent/routes.hpp"

namespace ehagent::agent {
namespace {

struct SignInput {
  std::string data;  // the bytes to sign
  std::string patient_ssin;
};

SignInput readSignInput(const Request& request) {
  const nlohmann::json body = parseJsonBody(request);
  SignInput input;
  const std::string data = requireString(body, "data");
  if (data.empty() || !base64Decode(data, input.data)) {
    throw ProblemError(problems::invalidInput("/data", "data must be non-empty standard base64"));
  }
  if (body.contains("patient")) {
    const std::string patient = requireString(body, "patient");
    if (patient.size() != 11 ||
        patient.find_first_not_of("0123456789") != std::string::npos) {
      throw ProblemError(problems::invalidInput("/patient", "patient must be an 11-digit SSIN"));
    }
    input.patient_ssin = patient;
  }
  return input;
}

}  // namespace

void addSignRoutes(Router& router) {
  router.add({http::verb::post, "/v1/sign", true,
              "Sign data with the eID Signature key (the PIN is asked every time)",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                const SignInput input = readSignInput(request);
                const Problem refused = problems::noCard("no eID card is inserted");
                context.server.audit.append(AuditEntry{context.client, "", "sign",
                                                       input.patient_ssin, sha256Hex(input.data),
                                                       "refused", refused.code});
                throw ProblemError(refused);
                co_return Response{};
              }});
}

}  // namespace ehagent::agent
