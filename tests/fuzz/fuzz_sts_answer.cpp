// The STS answer parser and the SAML assertion verifier: the input is the body of the STS's HTTP
// answer, read as a 200 and as a 500. An assertion it yields is verified against the fixed STS
// certificate, for Alice SPECIMEN, at a fixed instant, as the STS client does before caching.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "certs/certificate.hpp"
#include "tests/fuzz/sts_fixture.hpp"
#include "tokens/error.hpp"
#include "tokens/sts/assertion.hpp"
#include "tokens/sts/messages.hpp"

namespace sts = ehagent::tokens::sts;
using ehagent::certs::Certificate;

namespace {

struct Trust {
  Certificate sts = Certificate::fromPem(ehagent::fuzz::sts_certificate_pem);
  Certificate holder = Certificate::fromPem(ehagent::fuzz::holder_certificate_pem);
};

// EHAGENT_FUZZ_VERBOSE=1 shows what each replayed seed reached, to keep the corpus meaningful.
bool verbose() {
  static const bool on = std::getenv("EHAGENT_FUZZ_VERBOSE") != nullptr;
  return on;
}

void readAnswer(int http_status, const std::string& body, const Trust& trust) {
  sts::Answer answer;
  try {
    answer = sts::parseAnswer(http_status, body);
  } catch (const ehagent::tokens::Error&) {
    return;  // sts_fault, sts_bad_response
  }
  if (answer.kind != sts::Answer::Kind::Assertion) return;
  ehagent::tokens::SamlCheck check;
  check.sts_trust = {trust.sts};
  check.expected_ssin = "78031215280";
  check.holder = &trust.holder;
  check.now = std::chrono::system_clock::time_point(std::chrono::seconds(ehagent::fuzz::check_time_epoch_seconds));
  try {
    const auto token = ehagent::tokens::verifySamlAssertion(answer.assertion, check);
    (void)token.first("urn:be:fgov:person:ssin");
    if (verbose()) std::fprintf(stderr, "  assertion %s verified\n", token.assertion_id.c_str());
  } catch (const ehagent::tokens::Error& e) {
    // sts_bad_signature, sts_expired, sts_wrong_subject, sts_bad_response
    if (verbose()) std::fprintf(stderr, "  refused: %s\n", e.code().c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Trust trust;
  const std::string body(reinterpret_cast<const char*>(data), size);
  readAnswer(200, body, trust);
  readAnswer(500, body, trust);
  return 0;
}
