#pragma once
// The PKI of the STS tests, made by the openssl CLI (independent of the code under test) in a
// fresh directory: Belgium Root CA -> Citizen CA -> eID Authentication certificates for Alice
// (RSA-2048) and Bob (EC P-384); eHealth CA -> their eHealth certificates (RSA-2048).
#include <filesystem>
#include <stdexcept>
#include <string>

#include "tests/support/support.hpp"

namespace ehagent::sts_testing {

using testsupport::readFile;
using testsupport::TempDir;
using testsupport::runShell;
using testsupport::writeFile;

struct StsPki {
  std::filesystem::path dir;
  std::filesystem::path pem(const std::string& name) const { return dir / (name + ".pem"); }
  std::filesystem::path key(const std::string& name) const { return dir / (name + ".key"); }
};

inline StsPki makeStsPki(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::string script = R"SH(
set -e
cd "$1"
cat > ext.cnf <<'X'
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
authorityKeyIdentifier=keyid
X
ca() { # name subject [issuer]
  openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  if [ -z "$3" ]; then
    openssl x509 -req -in "$1.csr" -signkey "$1.key" -days 3650 -extfile ext.cnf -extensions ca -out "$1.pem" 2>/dev/null
  else
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 3650 -extfile ext.cnf -extensions ca -out "$1.pem" 2>/dev/null
  fi
}
leaf() { # name subject issuer keyspec
  if [ "$4" = ec ]; then
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  else
    openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  fi
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 365 -extfile ext.cnf -extensions leaf -out "$1.pem" 2>/dev/null
}
ca root "/C=BE/CN=Belgium Root CA (test)"
ca citizen "/C=BE/CN=Citizen CA (test)" root
ca ehealth_ca "/C=BE/O=Federal Government/CN=eHealth CA (test)"
leaf alice_auth "/C=BE/CN=Alice SPECIMEN (Authentication)/SN=SPECIMEN/GN=Alice/serialNumber=78031215280" citizen rsa
leaf bob_auth "/C=BE/CN=Bob SPECIMEN (Authentication)/SN=SPECIMEN/GN=Bob/serialNumber=82110523358" citizen ec
leaf alice_ehealth "/C=BE/O=Federal Government/OU=eHealth-platform Belgium/OU=DOCTOR/OU=NIHII-NUMBER=10012378004/OU=SSIN=78031215280/CN=SSIN=78031215280" ehealth_ca rsa
leaf bob_ehealth "/C=BE/O=Federal Government/OU=eHealth-platform Belgium/OU=DOCTOR/OU=NIHII-NUMBER=10045636003/OU=SSIN=82110523358/CN=SSIN=82110523358" ehealth_ca rsa
)SH";
  writeFile(dir / "make.sh", script);
  std::string out;
  if (runShell("sh " + (dir / "make.sh").string() + " " + dir.string(), &out) != 0) {
    throw std::runtime_error("the test PKI could not be made: " + out);
  }
  return StsPki{dir};
}

}  // namespace ehagent::sts_testing
