#pragma once
// What the hub routes need from the logged-in session, so they depend on nothing but this
// interface: the session implements it, the tests implement it over OpenSSL keys.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "hubs/client.hpp"
#include "hubs/types.hpp"
#include "tokens/sign/signer.hpp"

namespace ehagent::agent {

struct PatientCard {
  std::string ssin;
  std::string cardNumber;
};

class HubSession {
 public:
  virtual ~HubSession() = default;
  // The logged-in practitioner; throws ProblemError(notLoggedIn) when nobody is.
  virtual hubs::Practitioner practitioner() = 0;
  // The current STS assertion, as issued (renewed by the token cache when due).
  virtual boost::asio::awaitable<std::string> samlAssertion() = 0;
  // Runs `work` with the practitioner's eHealth (holder-of-key) Signer, on that token's card queue.
  virtual boost::asio::awaitable<hubs::SignedHubRequest> withHolderOfKey(
      std::function<hubs::SignedHubRequest(tokens::Signer&)> work) = 0;
  // The patient's eID: the one in the other reader, or the only card that is not the practitioner's.
  // Throws ProblemError(noCard) when there is none.
  virtual boost::asio::awaitable<PatientCard> readPatientCard() = 0;
  // Runs `work` with the patient's eID Signature key; the PIN prompt says it is the patient's PIN.
  virtual boost::asio::awaitable<std::vector<std::uint8_t>> withPatientSignatureKey(
      std::function<std::vector<std::uint8_t>(tokens::Signer&)> work) = 0;
};

}  // namespace ehagent::agent
