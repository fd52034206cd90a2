// The OpenAPI document as a client developer generates code from it: every operation named and
// its problems listed, every $ref resolving, and the problem codes the same as the pages' table.
#include <gtest/gtest.h>

#include <set>

#include "agent/http/problem.hpp"
#include "core/error.hpp"
#include "agent/routes/problem_texts.hpp"
#include "agent/routes/routes.hpp"

namespace ehagent::agent {
namespace {

using nlohmann::json;

const json& document() {
  static const json doc = json::parse(openApiDocument());
  return doc;
}

// Each (path, method, operation) of the document.
template <class F>
void forEachOperation(F visit) {
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method != "parameters") visit(path, method, operation);
    }
  }
}

void collectRefs(const json& node, std::vector<std::string>& refs) {
  if (node.is_object()) {
    if (node.contains("$ref")) refs.push_back(node["$ref"].get<std::string>());
    for (const auto& [key, value] : node.items()) collectRefs(value, refs);
  } else if (node.is_array()) {
    for (const auto& value : node) collectRefs(value, refs);
  }
}

TEST(OpenApiDocument, EveryOperationHasAUniqueOperationId) {
  std::set<std::string> seen;
  forEachOperation([&](const std::string& path, const std::string& method, const json& operation) {
    ASSERT_TRUE(operation.contains("operationId")) << method << " " << path;
    EXPECT_TRUE(seen.insert(operation["operationId"].get<std::string>()).second)
        << "operationId used twice: " << operation["operationId"];
  });
  EXPECT_GE(seen.size(), 18u);
}

TEST(OpenApiDocument, EveryOperationListsItsProblems) {
  forEachOperation([&](const std::string& path, const std::string& method, const json& operation) {
    const json& responses = operation["responses"];
    bool client_error = false;
    for (const auto& [status, response] : responses.items()) {
      if (status.starts_with("2")) continue;
      client_error = client_error || status.starts_with("4");
      // Each problem answer is the one shared Problem response, described for this operation.
      EXPECT_EQ(response.value("$ref", ""), "#/components/responses/Problem") << method << " " << path << " " << status;
      EXPECT_FALSE(response.value("description", "").empty()) << method << " " << path << " " << status;
    }
    EXPECT_TRUE(client_error) << method << " " << path << " lists no 4xx";
    EXPECT_TRUE(responses.contains("421")) << method << " " << path;  // the Host check holds for every route
    const bool keyed = !operation.contains("security");
    if (keyed) EXPECT_TRUE(responses.contains("401")) << method << " " << path;
  });
}

TEST(OpenApiDocument, EveryReferenceResolves) {
  std::vector<std::string> refs;
  collectRefs(document(), refs);
  ASSERT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    ASSERT_TRUE(ref.starts_with("#/")) << ref;
    EXPECT_TRUE(document().contains(json::json_pointer(ref.substr(1)))) << ref;
  }
}

std::set<std::string> documentCodes() {
  std::set<std::string> codes;
  for (const auto& code : document()["components"]["schemas"]["ProblemCode"]["enum"]) codes.insert(code.get<std::string>());
  return codes;
}

TEST(OpenApiDocument, ProblemCodesAreThePagesTable) {
  const std::set<std::string> listed = documentCodes();
  std::set<std::string> pages;
  for (const ProblemText& text : problemTexts()) {
    EXPECT_TRUE(pages.insert(std::string(text.code)).second) << "two pages for " << text.code;
    EXPECT_TRUE(listed.contains(std::string(text.code))) << text.code << " has a page but is not in ProblemCode";
    EXPECT_TRUE(textsFor(Language::En).has("problem." + std::string(text.code) + ".title")) << text.code;
    EXPECT_FALSE(text.meaning.empty() || text.action.empty()) << text.code;
  }
  for (const std::string& code : listed) EXPECT_TRUE(pages.contains(code)) << code << " is in ProblemCode without a page";
}

// The agent's own constructors and the codes its problem map makes up; codes of the layers below
// pass through the map as they are and are listed in the table by hand.
TEST(OpenApiDocument, TheAgentsOwnProblemsHavePages) {
  const std::vector<Problem> own = {
      problems::invalidInput("", ""), problems::unauthorized("no_key"), problems::forbiddenOrigin(""),
      problems::misdirected(""), problems::payloadTooLarge(1), problems::headersTooLarge(1), problems::notFound(""),
      problems::unknownHub(""), problems::methodNotAllowed("", ""), problems::busy("network_full"),
      problems::noCard("patient"), problems::cardRemoved("stopping"), problems::pinIncorrect(1, "eID"),
      problems::pinLocked("eID"), problems::pinCancelled(), problems::clientGone(), problems::notLoggedIn(),
      problems::stsNotConfigured(), problems::unknownProblem("x"), problems::pageForbidden(),
      problems::pageSessionRequired(), problems::cardError("C_Sign", "CKR_DEVICE_ERROR"),
      problems::keyRefusedByMiddleware({}), problems::internal("detail"),
      problems::certificateRefused("certificate_revoked", "eID Authentication certificate", ""),
      problemFromException(std::make_exception_ptr(ehagent::Error("sts_unreachable", ""))),
      problemFromException(std::make_exception_ptr(ehagent::Error("hub_fault", "")))};
  for (const Problem& problem : own) {
    EXPECT_NE(findProblemText(problem.code), nullptr) << problem.code;
    EXPECT_EQ(problemJson(problem)["type"], "/problems/" + problem.code);
    // A key the catalogs lack would show as the key itself.
    if (!problem.text.empty()) EXPECT_TRUE(textsFor(Language::En).has(problem.text)) << problem.text;
    EXPECT_EQ(problem.detail.find("problem."), std::string::npos) << problem.detail;
  }
}

TEST(OpenApiDocument, EventsDocumentResumeAndKeepAlive) {
  const json& events = document()["paths"]["/v1/events"]["get"];
  ASSERT_TRUE(events["parameters"].is_array());
  EXPECT_EQ(events["parameters"][0]["name"], "Last-Event-ID");
  EXPECT_EQ(events["parameters"][0]["in"], "header");
  EXPECT_NE(events["description"].get<std::string>().find(": keep-alive"), std::string::npos);
  // Each event the agent publishes has its schema, named by a const `event`.
  std::set<std::string> named;
  for (const auto& option : document()["components"]["schemas"]["ServerSentEvent"]["oneOf"]) {
    const json& schema = document().at(json::json_pointer(option["$ref"].get<std::string>().substr(1)));
    named.insert(schema["properties"]["event"]["const"].get<std::string>());
    EXPECT_TRUE(schema["properties"].contains("data")) << option;
  }
  for (const char* name : {"state", "card.inserted", "card.removed", "card.identified", "session.login",
                           "session.logout", "pin.pinpad", "status.readers", "status.practitioner", "status.session",
                           "status.last_logout"}) {
    EXPECT_TRUE(named.contains(name)) << name;
  }
}

}  // namespace
}  // namespace ehagent::agent
