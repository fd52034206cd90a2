#pragma once
// Checks a client-supplied Sumehr before it is wrapped in PutTransaction and signed: well formed,
// no DTD, within size and depth limits, KMEHR namespace, CD-TRANSACTION sumehr, a patient with a
// valid SSIN, and a sender who is the logged-in practitioner (a client cannot publish in another
// practitioner's name). Failures throw hubs::InvalidField with a pointer into the message, written
// as the path of KMEHR elements ("/kmehrmessage/folder/patient/id").
#include <cstddef>
#include <string>
#include <string_view>

#include "hubs/types.hpp"
#include "tokens/xml/document.hpp"

namespace ehagent::hubs {

// Below the WS-Security helper's own body limit (4 MiB), leaving room for the request header.
struct SumehrLimits {
  std::size_t max_bytes = 3 * 1024 * 1024;
  std::size_t max_depth = 48;
};

struct ValidatedSumehr {
  tokens::xml::Document document;
  std::string patientSsin;
  // The kmehrmessage element as the client sent it, when it can go into the request unchanged
  // (UTF-8, nothing but whitespace and the declaration around it); empty otherwise.
  std::string verbatim;
};

ValidatedSumehr validateSumehr(std::string_view xml, const Practitioner& sender,
                               const SumehrLimits& limits = {});

// PutTransactionRequest: the request header plus the validated kmehrmessage (its verbatim text
// when there is one, else a copy of its tree).
std::string buildPutTransaction(const RequestHeader& header, const ValidatedSumehr& sumehr);

}  // namespace ehagent::hubs
