#pragma once
// What every problem `code` the agent answers means, for the page GET /problems/{code} serves
// (each problem's `type` points there). One table: the OpenAPI document's list of codes is checked
// against it by a test, so a code added to the agent without its text fails the build's tests.
#include <span>
#include <string_view>

namespace ehagent::agent {

struct ProblemText {
  std::string_view code;  // its title is the catalog's problem.<code>.title (agent/i18n)
  std::string_view meaning;  // what happened
  std::string_view action;   // who does what about it
};

std::span<const ProblemText> problemTexts();
const ProblemText* findProblemText(std::string_view code);  // null: no such code

}  // namespace ehagent::agent
