#include <libxml/c14n.h>
#include <libxml/tree.h>

#include "core/owned.hpp"
#include "tokens/error.hpp"
#include "tokens/xml/document.hpp"
#include "tokens/xml/internal.hpp"

namespace ehagent::tokens::xml {

namespace {
struct Subset {
  const xmlNode* root;
  const xmlNode* excluded;  // the enveloped ds:Signature, or null
};

bool within(const xmlNode* node, const xmlNode* ancestor) {
  for (; node != nullptr; node = node->parent)
    if (node == ancestor) return true;
  return false;
}

// libxml2 asks about every node of the document, namespace nodes included (then `node` is an
// xmlNs and `parent` its element).
extern "C" int visible(void* user, xmlNode* node, xmlNode* parent) noexcept {
  const auto* subset = static_cast<const Subset*>(user);
  const xmlNode* n = (node == nullptr || node->type == XML_NAMESPACE_DECL) ? parent : node;
  if (n == nullptr || !within(n, subset->root)) return 0;
  return subset->excluded != nullptr && within(n, subset->excluded) ? 0 : 1;
}
}  // namespace

std::string excC14nExcluding(Element element, const _xmlNode* excluded, std::span<const std::string> inclusive_prefixes) {
  std::vector<xmlChar*> prefixes;
  for (const std::string& p : inclusive_prefixes)
    prefixes.push_back(const_cast<xmlChar*>(reinterpret_cast<const xmlChar*>(p.c_str())));
  prefixes.push_back(nullptr);
  xmlOutputBuffer* out = xmlAllocOutputBuffer(nullptr);
  if (out == nullptr) throw Error("invalid_input", "out of memory");
  Subset subset{element.native(), excluded};
  const int rc = xmlC14NExecute(element.native()->doc, visible, &subset, XML_C14N_EXCLUSIVE_1_0,
                                inclusive_prefixes.empty() ? nullptr : prefixes.data(), 0, out);
  std::string result;
  if (rc >= 0) {
    xmlOutputBufferFlush(out);
    result.assign(reinterpret_cast<const char*>(xmlOutputBufferGetContent(out)), xmlOutputBufferGetSize(out));
  }
  xmlOutputBufferClose(out);
  if (rc < 0) throw Error("invalid_input", "exclusive canonicalization failed");
  return result;
}

std::string excC14nAlone(Element element) {
  const Owned<xmlDoc, xmlFreeDoc> doc(xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0")));
  xmlNode* copy = doc ? xmlDocCopyNode(element.native(), doc.get(), 1) : nullptr;
  if (copy == nullptr) throw Error("invalid_input", "out of memory");
  xmlDocSetRootElement(doc.get(), copy);
  xmlChar* out = nullptr;
  const int rc = xmlC14NDocDumpMemory(doc.get(), nullptr, XML_C14N_EXCLUSIVE_1_0, nullptr, 0, &out);
  std::string result;
  if (rc >= 0 && out != nullptr) result.assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(rc));
  xmlFree(out);
  if (rc < 0) throw Error("invalid_input", "exclusive canonicalization failed");
  return result;
}

std::string excC14n(Element element, std::span<const std::string> inclusive_prefixes) {
  return excC14nExcluding(element, nullptr, inclusive_prefixes);
}

}  // namespace ehagent::tokens::xml
