#pragma once
// Test helper: parse XML with libxml2 and ask XPath questions with the hub namespaces bound, so
// the builders are checked by structure, never by comparing strings they produced.
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ehagent::testing {

class XPathDoc {
 public:
  explicit XPathDoc(const std::string& xml)
      : doc_(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "test.xml", nullptr,
                           XML_PARSE_NONET | XML_PARSE_NOBLANKS)) {
    if (!doc_) throw std::runtime_error("test XML does not parse");
    ctx_.reset(xmlXPathNewContext(doc_.get()));
    if (!ctx_) throw std::runtime_error("no XPath context");
    const std::pair<const char*, const char*> bindings[] = {
        {"hub", "http://www.ehealth.fgov.be/hubservices/protocol/v3"},
        {"core", "http://www.ehealth.fgov.be/hubservices/core/v3"},
        {"k", "http://www.ehealth.fgov.be/standards/kmehr/schema/v1"},
        {"soap", "http://schemas.xmlsoap.org/soap/envelope/"},
        {"wsse", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"},
        {"wsu", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"},
        {"ds", "http://www.w3.org/2000/09/xmldsig#"},
        {"saml", "urn:oasis:names:tc:SAML:1.0:assertion"},
    };
    for (const auto& [prefix, uri] : bindings) {
      xmlXPathRegisterNs(ctx_.get(), reinterpret_cast<const xmlChar*>(prefix),
                         reinterpret_cast<const xmlChar*>(uri));
    }
  }

  std::vector<std::string> values(const std::string& expr) const {
    std::unique_ptr<xmlXPathObject, ObjDel> obj(
        xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expr.c_str()), ctx_.get()));
    std::vector<std::string> out;
    if (!obj || obj->type != XPATH_NODESET || !obj->nodesetval) return out;
    for (int i = 0; i < obj->nodesetval->nodeNr; ++i) {
      xmlChar* text = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);
      out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      xmlFree(text);
    }
    return out;
  }
  std::size_t count(const std::string& expr) const { return values(expr).size(); }
  std::string value(const std::string& expr) const {
    auto v = values(expr);
    return v.size() == 1 ? v.front() : "<" + std::to_string(v.size()) + " matches>";
  }

 private:
  struct DocDel {
    void operator()(xmlDoc* d) const noexcept { xmlFreeDoc(d); }
  };
  struct CtxDel {
    void operator()(xmlXPathContext* c) const noexcept { xmlXPathFreeContext(c); }
  };
  struct ObjDel {
    void operator()(xmlXPathObject* o) const noexcept { xmlXPathFreeObject(o); }
  };
  std::unique_ptr<xmlDoc, DocDel> doc_;
  std::unique_ptr<xmlXPathContext, CtxDel> ctx_;
};

}  // namespace ehagent::testing
