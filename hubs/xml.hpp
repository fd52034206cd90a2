#pragma once
// Private to tokens/: a small builder over the libxml2 tree API for the intrahub v3 bodies. Elements
// of the hub protocol, the hub core and KMEHR each get their own prefix so that a reader (and the
// sandbox hub) can address them by namespace, never by prefix.
#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/owned.hpp"

namespace ehagent::hubs {
struct RequestHeader;
}

namespace ehagent::hubs::detail {

using XmlDocPtr = Owned<xmlDoc, xmlFreeDoc>;

enum class Ns { Protocol, Core, Kmehr };

class BodyBuilder {
 public:
  // The root element, by default in the protocol namespace (e.g. "PutPatientConsentRequest").
  explicit BodyBuilder(std::string_view rootName, Ns rootNs = Ns::Protocol);

  [[nodiscard]] xmlNode* root() const noexcept { return root_; }
  xmlNode* add(xmlNode* parent, Ns ns, std::string_view name, std::string_view text = {});
  void attr(xmlNode* node, std::string_view name, std::string_view value);
  // Adds <ns:id S=".." SV=".."> or <ns:cd ...>, the KMEHR coded-value shape.
  xmlNode* coded(xmlNode* parent, Ns ns, std::string_view element, std::string_view s,
                 std::string_view sv, std::string_view value);
  // Copies `node` (from another document) under `parent`; the copy belongs to this document.
  void adoptCopy(xmlNode* parent, const xmlNode* node);
  // The root element serialised without an XML declaration, ready to go inside soap:Body.
  [[nodiscard]] std::string serialize() const;
  // The same, with `element_xml` (one well-formed, namespace-complete element, UTF-8) as the
  // root's last child, inserted as text.
  [[nodiscard]] std::string serializeAppending(std::string_view element_xml);

 private:
  XmlDocPtr doc_;
  xmlNode* root_ = nullptr;
  xmlNs* protocol_ = nullptr;
  xmlNs* core_ = nullptr;
  xmlNs* kmehr_ = nullptr;

  [[nodiscard]] xmlNs* ns(Ns which) const noexcept;
};

// Adds the protocol `request` element (id, author, date, time) under the root; checks the author.
void addRequestHeader(BodyBuilder& b, const RequestHeader& header);

}  // namespace ehagent::hubs::detail
