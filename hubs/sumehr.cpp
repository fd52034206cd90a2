#include "hubs/sumehr.hpp"

#include <libxml/tree.h>

#include "hubs/checks.hpp"
#include "hubs/error.hpp"
#include "hubs/xml.hpp"

namespace ehagent::hubs {
namespace {

constexpr std::string_view K = ns::kmehr;

std::optional<std::string> codedValue(const tokens::xml::Element& parent, std::string_view element,
                                      std::string_view scheme) {
  for (const auto& e : parent.childrenNamed(K, element)) {
    if (e.attribute("S") == std::string(scheme)) return e.text();
  }
  return std::nullopt;
}

tokens::xml::Element need(const std::optional<tokens::xml::Element>& e, const std::string& pointer,
                  const std::string& what) {
  if (!e) throw InvalidField(pointer, "the Sumehr has no " + what);
  return *e;
}

// The practitioner's NIHII may be written with 8 digits (the person) or 11 (with qualification).
bool sameNihii(std::string_view given, std::string_view loggedIn) {
  if (given.size() == 11) return given == loggedIn;
  return given.size() == 8 && loggedIn.substr(0, 8) == given;
}

void checkSender(const tokens::xml::Element& header, const Practitioner& p) {
  const std::string base = "/kmehrmessage/header/sender";
  const auto sender = need(header.child(K, "sender"), base, "sender");
  bool practitionerFound = false;
  for (const auto& hc : sender.childrenNamed(K, "hcparty")) {
    const auto nihii = codedValue(hc, "id", "ID-HCPARTY");
    const auto ssin = codedValue(hc, "id", "INSS");
    if (!nihii && !ssin) continue;  // the application hcparty, or an organisation without ids
    practitionerFound = true;
    if (!nihii || !sameNihii(*nihii, p.nihii)) {
      throw InvalidField(base + "/hcparty/id", "the Sumehr sender's NIHII is not the logged-in practitioner's");
    }
    if (!ssin || *ssin != p.ssin) {
      throw InvalidField(base + "/hcparty/id", "the Sumehr sender's SSIN is not the logged-in practitioner's");
    }
  }
  if (!practitionerFound) {
    throw InvalidField(base + "/hcparty", "the Sumehr sender names no practitioner (ID-HCPARTY and INSS)");
  }
}

std::string checkFolder(const tokens::xml::Element& folder) {
  const std::string base = "/kmehrmessage/folder";
  const auto patient = need(folder.child(K, "patient"), base + "/patient", "patient");
  const auto ssin = codedValue(patient, "id", "ID-PATIENT");
  if (!ssin) throw InvalidField(base + "/patient/id", "the Sumehr patient has no ID-PATIENT (SSIN)");
  checkSsin(base + "/patient/id", *ssin);
  const auto transactions = folder.childrenNamed(K, "transaction");
  if (transactions.empty()) throw InvalidField(base + "/transaction", "the Sumehr has no transaction");
  for (const auto& tx : transactions) {
    const auto type = codedValue(tx, "cd", "CD-TRANSACTION");
    if (type != std::string("sumehr")) {
      throw InvalidField(base + "/transaction/cd", "the transaction is not CD-TRANSACTION sumehr");
    }
  }
  return *ssin;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The root element's own text, or empty when anything but whitespace and the declaration
// surrounds it, or the text is not UTF-8 (it would then need re-encoding, which the tree copy does).
std::string verbatimRoot(std::string_view text, const tokens::xml::Document& doc) {
  const xmlChar* encoding = doc.native()->encoding;
  if (encoding != nullptr && xmlStrcasecmp(encoding, reinterpret_cast<const xmlChar*>("UTF-8")) != 0) return {};
  std::string_view root = tokens::xml::withoutDeclaration(text);
  while (!root.empty() && isSpace(root.front())) root.remove_prefix(1);
  while (!root.empty() && isSpace(root.back())) root.remove_suffix(1);
  // A comment or PI before or after the element: leave it to the tree copy, which drops them.
  if (root.size() < 2 || root[1] == '!' || root[1] == '?' || root.ends_with("-->") || root.ends_with("?>")) return {};
  return std::string(root);
}

}  // namespace

ValidatedSumehr validateSumehr(std::string_view text, const Practitioner& sender,
                               const SumehrLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw InvalidField("", "the Sumehr is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  std::optional<tokens::xml::Document> doc;
  try {
    doc = tokens::xml::Document::parse(text, {limits.max_bytes, limits.max_depth});
  } catch (const InvalidField&) {
    throw;
  } catch (const tokens::Error& e) {
    // Malformed, DOCTYPE (so no entity can be declared), or too deep: the whole body is at fault.
    throw InvalidField("", std::string("the Sumehr is not acceptable XML: ") + e.what());
  }
  const auto root = doc->root();
  if (!root.is(K, "kmehrmessage")) {
    throw InvalidField("/kmehrmessage", "the root element is not kmehrmessage in the KMEHR namespace");
  }
  const auto header = need(root.child(K, "header"), "/kmehrmessage/header", "header");
  checkSender(header, sender);
  const auto folders = root.childrenNamed(K, "folder");
  if (folders.size() != 1) {
    throw InvalidField("/kmehrmessage/folder", "a Sumehr holds exactly one folder");
  }
  std::string patient = checkFolder(folders.front());
  std::string verbatim = verbatimRoot(text, *doc);
  return ValidatedSumehr{std::move(*doc), std::move(patient), std::move(verbatim)};
}

std::string buildPutTransaction(const RequestHeader& header, const ValidatedSumehr& sumehr) {
  detail::BodyBuilder b("PutTransactionRequest");
  detail::addRequestHeader(b, header);
  // Copying the tree only to serialise it again cost as much as parsing it: the checked text,
  // when it can, goes in as it came.
  if (!sumehr.verbatim.empty()) return b.serializeAppending(sumehr.verbatim);
  b.adoptCopy(b.root(), sumehr.document.root().native());
  return b.serialize();
}

}  // namespace ehagent::hubs
