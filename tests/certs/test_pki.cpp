#include "tests/certs/test_pki.hpp"

#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

namespace ehagent::certs::testing {
namespace fs = std::filesystem;

void run(const std::string& command, const fs::path& log) {
  std::string output;
  const int rc = testsupport::runShell(command, &output);
  std::ofstream(log, std::ios::app) << output;
  if (rc != 0) {
    throw std::runtime_error("command failed: " + command + "\n" +
                             output.substr(output.size() > 2000 ? output.size() - 2000 : 0));
  }
}

namespace {

const char* kExtensions = R"(
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[eid_auth]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
authorityInfoAccess = OCSP;URI:http://127.0.0.1:9/ocsp
[eid_sign]
basicConstraints = CA:FALSE
keyUsage = critical, nonRepudiation
[ehealth]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
authorityInfoAccess = OCSP;URI:http://127.0.0.1:9/ocsp
crlDistributionPoints = URI:http://127.0.0.1:9/ehealth.crl
[encryption_only]
basicConstraints = CA:FALSE
keyUsage = critical, keyEncipherment
[ocsp]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
)";

struct Builder {
  fs::path dir;
  fs::path log = dir / "openssl.log";
  fs::path ext = dir / "extensions.cnf";

  std::string q(const fs::path& p) const { return "'" + p.string() + "'"; }

  void selfSigned(const std::string& name, const std::string& subject) {
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
            q(dir / (name + ".key")) + " -out " + q(dir / (name + ".pem")) + " -subj '" + subject +
            "' -days 3650 -config " + q(ext) + " -extensions ca -set_serial 1",
        log);
  }

  // keySpec: "rsa:2048" or "ec:P-384"
  void issue(const std::string& name, const std::string& subject, const std::string& keySpec,
             const std::string& ca, const std::string& section, const std::string& serialHex,
             int days = 1000) {
    const std::string newkey = keySpec.rfind("ec:", 0) == 0
                                   ? "-newkey ec -pkeyopt ec_paramgen_curve:" + keySpec.substr(3)
                                   : "-newkey " + keySpec;
    run("openssl req -new " + newkey + " -nodes -keyout " + q(dir / (name + ".key")) + " -out " +
            q(dir / (name + ".csr")) + " -subj '" + subject + "' -config " + q(ext),
        log);
    run("openssl x509 -req -in " + q(dir / (name + ".csr")) + " -CA " + q(dir / (ca + ".pem")) +
            " -CAkey " + q(dir / (ca + ".key")) + " -set_serial 0x" + serialHex + " -days " +
            std::to_string(days) + " -extfile " + q(ext) + " -extensions " + section + " -out " +
            q(dir / (name + ".pem")),
        log);
  }

  void p12(const std::string& name, const std::string& chain, const std::string& password) {
    run("openssl pkcs12 -export -inkey " + q(dir / (name + ".key")) + " -in " +
            q(dir / (name + ".pem")) + " -certfile " + q(dir / (chain + ".pem")) +
            " -name authentication -passout pass:" + password + " -out " +
            q(dir / (name + ".p12")),
        log);
  }
};

std::string ehealthSubject(const std::string& nihii, const std::string& ssin) {
  return "/C=BE/O=Federal Government/OU=eHealth-platform Belgium/OU=DOCTOR/OU=NIHII-NUMBER=" +
         nihii + "/OU=SSIN=" + ssin + "/CN=SSIN=" + ssin;
}

}  // namespace

fs::path issueExtra(const TestPki& pki, const std::string& name, const std::string& subject,
                    const std::string& extensionLines, const std::string& ca, int days) {
  Builder b{pki.dir};
  b.ext = pki.dir / (name + ".cnf");
  writeFile(b.ext, "[req]\ndistinguished_name = dn\n[dn]\n[extra]\n" + extensionLines + "\n");
  // A serial derived from the name keeps extras distinct without a shared counter.
  const std::string serial = std::to_string(5000 + std::hash<std::string>{}(name) % 4000);
  b.issue(name, subject, "ec:P-256", ca, "extra", serial, days);
  return pki.dir / (name + ".pem");
}

TestPki makeTestPki(const fs::path& dir) {
  Builder b{dir};
  writeFile(b.ext, kExtensions);
  b.selfSigned("root", "/C=BE/CN=Belgium Root CA Test");
  b.issue("citizen", "/C=BE/CN=Citizen CA Test/serialNumber=202401", "ec:P-256", "root", "ca", "10");
  b.issue("alice_auth",
          "/C=BE/CN=Alice SPECIMEN (Authentication)/SN=SPECIMEN/GN=Alice/serialNumber=78031215280",
          "rsa:2048", "citizen", "eid_auth", "2001");
  b.issue("alice_sign",
          "/C=BE/CN=Alice SPECIMEN (Signature)/SN=SPECIMEN/GN=Alice/serialNumber=78031215280",
          "rsa:2048", "citizen", "eid_sign", "2002");
  b.issue("bob_auth",
          "/C=BE/CN=Bob SPECIMEN (Authentication)/SN=SPECIMEN/GN=Bob/serialNumber=82110523358",
          "ec:P-384", "citizen", "eid_auth", "2003");

  b.selfSigned("ehealth_ca", "/C=BE/O=Federal Government/CN=eHealth CA Test");
  b.issue("alice_ehealth", ehealthSubject("10012378004", "78031215280"), "rsa:2048", "ehealth_ca",
          "ehealth", "1001");
  b.issue("bob_ehealth", ehealthSubject("10045636003", "82110523358"), "ec:P-256", "ehealth_ca",
          "ehealth", "1002");
  b.issue("ocsp_signer", "/C=BE/CN=eHealth OCSP Test", "ec:P-256", "ehealth_ca", "ocsp", "1003");
  b.issue("encryption_only", ehealthSubject("10012378004", "78031215280"), "ec:P-256",
          "ehealth_ca", "encryption_only", "1004");

  b.selfSigned("rogue_ca", "/C=BE/CN=Rogue CA");
  b.issue("rogue_ehealth", ehealthSubject("10012378004", "78031215280"), "ec:P-256", "rogue_ca",
          "ehealth", "9001");

  TestPki pki;
  pki.p12Password = "p12-secret";
  b.p12("alice_ehealth", "ehealth_ca", pki.p12Password);
  b.p12("rogue_ehealth", "rogue_ca", pki.p12Password);

  pki.dir = dir;
  pki.root = dir / "root.pem";
  pki.citizenCa = dir / "citizen.pem";
  pki.aliceAuth = dir / "alice_auth.pem";
  pki.aliceSign = dir / "alice_sign.pem";
  pki.bobAuth = dir / "bob_auth.pem";
  pki.ehealthCa = dir / "ehealth_ca.pem";
  pki.ehealthCaKey = dir / "ehealth_ca.key";
  pki.aliceEhealth = dir / "alice_ehealth.pem";
  pki.aliceEhealthKey = dir / "alice_ehealth.key";
  pki.bobEhealth = dir / "bob_ehealth.pem";
  pki.ocspSigner = dir / "ocsp_signer.pem";
  pki.ocspSignerKey = dir / "ocsp_signer.key";
  pki.encryptionOnly = dir / "encryption_only.pem";
  pki.rogueCa = dir / "rogue_ca.pem";
  pki.rogueEhealth = dir / "rogue_ehealth.pem";
  pki.aliceP12 = dir / "alice_ehealth.p12";
  pki.rogueP12 = dir / "rogue_ehealth.p12";
  return pki;
}

}  // namespace ehagent::certs::testing
