// Writes the seed corpus of the STS answer harness into the folder named on the command line:
// answers in the sandbox STS's shapes, with an assertion signed by the fixed fuzz STS key, and
// variants the verifier must refuse. Run by hand when the answer shapes change.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "sandbox/sts_assertion.hpp"
#include "tests/fuzz/sts_fixture.hpp"
#include "tokens/sign/openssl_signer.hpp"
#include "tokens/sts/protocol.hpp"
#include "tokens/xml/wssecurity.hpp"

namespace fs = std::filesystem;
using namespace ehagent;

namespace {

std::string envelope(const std::string& body) {
  return "<soapenv:Envelope xmlns:soapenv=\"" + std::string(tokens::wss::kSoap11Ns) + "\"><soapenv:Body>" + body +
         "</soapenv:Body></soapenv:Envelope>";
}

std::string rstr(const std::string& inner) {
  return envelope("<wst:RequestSecurityTokenResponse xmlns:wst=\"" + std::string(tokens::sts::kWstNs) +
                  "\" Context=\"uuid-5f0c6c1e-3f4e-4b8a-9d61-0c1f2e3d4c5b\">" + inner +
                  "</wst:RequestSecurityTokenResponse>");
}

void write(const fs::path& dir, const std::string& name, const std::string& content) {
  std::ofstream(dir / name, std::ios::binary) << content;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_sts_seeds <folder>\n";
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  const auto sts_cert = certs::Certificate::fromPem(fuzz::sts_certificate_pem);
  auto signer = tokens::OpenSslSigner::fromPem(fuzz::sts_key_pem, sts_cert);

  using namespace std::chrono;
  const system_clock::time_point check_time{seconds(fuzz::check_time_epoch_seconds)};
  sandbox::AssertionContent content{certs::Certificate::fromPem(fuzz::holder_certificate_pem),
                                    check_time - hours(24 * 30), check_time + hours(24 * 365 * 10), {}};
  const std::string ns(tokens::sts::kCertifiedNamespace);
  content.attributes = {{std::string(tokens::sts::kHolderSsinAttribute), ns, "78031215280"},
                        {"urn:be:fgov:person:ssin", ns, "78031215280"},
                        {"urn:be:fgov:person:ssin:doctor:boolean", ns, "true"},
                        {"urn:be:fgov:person:ssin:ehealth:1.0:doctor:nihii11", ns, "10012378004"}};
  const std::string assertion = sandbox::buildSignedAssertion(content, signer);
  const auto token = [](const std::string& a) { return rstr("<wst:RequestedSecurityToken>" + a + "</wst:RequestedSecurityToken>"); };

  write(dir, "assertion-valid.xml", token(assertion));
  std::string flipped = assertion;
  if (const auto at = flipped.find("SignatureValue>"); at != std::string::npos) {
    flipped[at + 16] = flipped[at + 16] == 'A' ? 'B' : 'A';
  }
  write(dir, "assertion-bad-signature.xml", token(flipped));
  std::string other = assertion;
  if (const auto at = other.find(">78031215280<"); at != std::string::npos) other.replace(at + 1, 11, "82110523358");
  write(dir, "assertion-altered-ssin.xml", token(other));

  content.not_before = check_time - hours(24 * 400);
  content.not_on_or_after = check_time - hours(24 * 300);
  write(dir, "assertion-expired.xml", token(sandbox::buildSignedAssertion(content, signer)));
  content.not_on_or_after = check_time + hours(24);
  content.attributes[0].value = "82110523358";
  write(dir, "assertion-wrong-subject.xml", token(sandbox::buildSignedAssertion(content, signer)));

  write(dir, "challenge.xml",
        rstr("<wst:SignChallenge><wst:Challenge>c2lnbiBtZSwgcGxlYXNl</wst:Challenge></wst:SignChallenge>"));
  write(dir, "fault.xml", envelope("<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>"
                                   "unknown claim urn:x</faultstring></soapenv:Fault>"));
  write(dir, "empty-token.xml", rstr("<wst:RequestedSecurityToken/>"));
  write(dir, "doctype.xml", "<!DOCTYPE a [<!ENTITY e \"x\">]>" + token("<a>&e;</a>"));
  std::cout << "wrote seeds to " << dir << "\n";
  return 0;
}
