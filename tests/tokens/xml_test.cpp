// The hardened parser, exclusive c14n (checked against xmllint, an independent canonicalizer) and
// lookup by ID.
#include <gtest/gtest.h>

#include "test_keys.hpp"
#include "tokens/error.hpp"
#include "tokens/xml/document.hpp"

namespace ehagent::tokens {
namespace {

using testing::TempDir;

std::string errorCode(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "no error";
}

TEST(XmlParse, RefusesDoctype) {
  EXPECT_EQ(errorCode([] { xml::Document::parse("<!DOCTYPE a><a/>"); }), "invalid_input");
  EXPECT_EQ(errorCode([] { xml::Document::parse("<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>"); }), "invalid_input");
}

TEST(XmlParse, RefusesEntityBomb) {
  const std::string bomb =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><lolz>&lol3;</lolz>";
  try {
    xml::Document::parse(bomb);
    FAIL() << "entity bomb accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "invalid_input");
    EXPECT_NE(std::string(e.what()).find("DOCTYPE"), std::string::npos) << e.what();
  }
}

TEST(XmlParse, UndeclaredEntityIsMalformed) {
  EXPECT_EQ(errorCode([] { xml::Document::parse("<a>&xxe;</a>"); }), "invalid_input");
}

TEST(XmlParse, EnforcesLimits) {
  EXPECT_EQ(errorCode([] { xml::Document::parse("<a>0123456789</a>", {.max_bytes = 10}); }), "invalid_input");
  std::string deep;
  for (int i = 0; i < 20; ++i) deep += "<a>";
  deep += "x";
  for (int i = 0; i < 20; ++i) deep += "</a>";
  EXPECT_EQ(errorCode([&] { xml::Document::parse(deep, {.max_depth = 19}); }), "invalid_input");
  EXPECT_NO_THROW(xml::Document::parse(deep, {.max_depth = 20}));
}

TEST(XmlParse, MalformedAndEmpty) {
  EXPECT_EQ(errorCode([] { xml::Document::parse("<a><b></a>"); }), "invalid_input");
  EXPECT_EQ(errorCode([] { xml::Document::parse(""); }), "invalid_input");
  EXPECT_EQ(errorCode([] { xml::Document::parse("not xml"); }), "invalid_input");
}

TEST(XmlParse, ElementView) {
  const auto doc = xml::Document::parse(
      "<r xmlns='urn:r' xmlns:x='urn:x' a='1' x:b='2'><c>hi</c><x:d/><c>there</c></r>");
  const auto root = doc.root();
  EXPECT_TRUE(root.is("urn:r", "r"));
  EXPECT_EQ(root.attribute("a"), "1");
  EXPECT_EQ(root.attribute("b", "urn:x"), "2");
  EXPECT_FALSE(root.attribute("b").has_value());
  EXPECT_EQ(root.childrenNamed("urn:r", "c").size(), 2u);
  ASSERT_TRUE(root.child("urn:x", "d").has_value());
  EXPECT_EQ(root.child("urn:r", "c")->text(), "hi");
  EXPECT_EQ(root.child("urn:r", "c")->parent(), root);
}

TEST(XmlIds, FindsByEveryIdKindAndRefusesDuplicates) {
  const std::string wsu(xml::kWsuNs);
  const auto doc = xml::Document::parse("<r xmlns:wsu='" + wsu +
                                        "'><a wsu:Id='one'/><b ID='two'/><c AssertionID='three'/><d Id='four'/></r>");
  EXPECT_EQ(xml::findById(doc, "one")->localName(), "a");
  EXPECT_EQ(xml::findById(doc, "two")->localName(), "b");
  EXPECT_EQ(xml::findById(doc, "three")->localName(), "c");
  EXPECT_EQ(xml::findById(doc, "four")->localName(), "d");
  EXPECT_FALSE(xml::findById(doc, "five").has_value());
  EXPECT_NO_THROW(xml::requireUniqueIds(doc));

  const auto dup = xml::Document::parse("<r xmlns:wsu='" + wsu + "'><a wsu:Id='x'/><b><c ID='x'/></b></r>");
  EXPECT_EQ(errorCode([&] { xml::findById(dup, "x"); }), "duplicate_id");
  EXPECT_EQ(errorCode([&] { xml::requireUniqueIds(dup); }), "duplicate_id");
}

// A document with the things c14n rewrites: attribute order, namespace declarations that are not
// used, empty elements, character references, whitespace in tags and a PI. (No comments:
// xmllint --exc-c14n keeps them, a signature transform does not.)
constexpr const char* kTricky =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<root xmlns=\"urn:default\" xmlns:unused=\"urn:unused\" xmlns:b=\"urn:b\"   z=\"1\" a=\"2\" b:c='&quot;q&quot;'>\n"
    "  <b:child b:z=\"x\" xmlns:a=\"urn:a\"   a:y=\"&#x41;\"/>\n"
    "  <empty></empty><text>a &amp; b &lt; c &gt; d&#13;</text><?pi data?>\n"
    "</root>";

TEST(ExcC14n, WholeDocumentMatchesXmllint) {
  TempDir dir;
  testing::writeFile(dir / "in.xml", kTricky);
  std::string expected;
  ASSERT_EQ(testing::runShell("xmllint --exc-c14n " + testing::quote(dir / "in.xml"), &expected), 0) << expected;
  const auto doc = xml::Document::parse(kTricky);
  EXPECT_EQ(xml::excC14n(doc.root()), expected);
}

TEST(ExcC14n, SubtreeMatchesXmllintOnTheSameElementStandalone) {
  // Exclusive c14n of a subtree does not depend on the ancestors' unused declarations, so the
  // subtree canonicalized in place must equal xmllint's output for the element on its own
  // (with the one declaration it uses).
  const auto doc = xml::Document::parse(kTricky);
  const auto child = doc.root().child("urn:b", "child");
  ASSERT_TRUE(child.has_value());
  TempDir dir;
  testing::writeFile(dir / "sub.xml", "<b:child xmlns:b=\"urn:b\" b:z=\"x\" xmlns:a=\"urn:a\" a:y=\"A\"/>");
  std::string expected;
  ASSERT_EQ(testing::runShell("xmllint --exc-c14n " + testing::quote(dir / "sub.xml"), &expected), 0) << expected;
  EXPECT_EQ(xml::excC14n(*child), expected);
}

TEST(ExcC14n, InclusivePrefixListKeepsTheListedDeclaration) {
  const auto doc = xml::Document::parse("<r xmlns:p='urn:p' xmlns:q='urn:q'><e attr='p:qname'/></r>");
  const auto e = doc.root().children().front();
  EXPECT_EQ(xml::excC14n(e), "<e attr=\"p:qname\"></e>");
  const std::vector<std::string> prefixes{"p"};
  EXPECT_EQ(xml::excC14n(e, prefixes), "<e xmlns:p=\"urn:p\" attr=\"p:qname\"></e>");
}

}  // namespace
}  // namespace ehagent::tokens
