// GET /problems/{code}: the page a problem's `type` resolves to (problem.cpp), for the person who
// follows the link from a log or an error report. No key: the pages say nothing about anyone.
#include "agent/routes/problem_texts.hpp"
#include "agent/routes/routes.hpp"
#include "tokens/xml/document.hpp"

namespace ehagent::agent {
namespace {

// XML's text escaping is HTML's too, for text and double-quoted attribute values.
std::string escapeHtml(std::string_view text) { return tokens::xml::escape(text); }

// The texts mark commands and members with `backquotes`, as Markdown does; they become <code>.
std::string paragraph(std::string_view text) {
  std::string out = "<p>";
  bool open = false;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t tick = std::min(text.find('`', start), text.size());
    out += escapeHtml(text.substr(start, tick - start));
    if (tick < text.size()) out += (open = !open) ? "<code>" : "</code>";
    start = tick + 1;
  }
  if (open) out += "</code>";
  return out + "</p>\n";
}

std::string page(const ProblemText& text) {
  const std::string title = escapeHtml(textsFor(Language::En).get("problem." + std::string(text.code) + ".title"));
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title +
         " (" + escapeHtml(text.code) + ")</title>\n</head>\n<body>\n<h1>" + title + "</h1>\n<p>Problem code <code>" +
         escapeHtml(text.code) + "</code>, as the agent's answers carry it.</p>\n<h2>What it means</h2>\n" +
         paragraph(text.meaning) + "<h2>What to do</h2>\n" + paragraph(text.action) + "</body>\n</html>\n";
}

}  // namespace

void addProblemPageRoutes(Router& router) {
  router.add({http::verb::get, "/problems/{code}", Access::none, "What a problem code means and what to do",
              [](const Request& request, RequestContext& context) -> boost::asio::awaitable<Response> {
                const std::string& code = context.path_params.at("code");
                const ProblemText* text = findProblemText(code);
                if (text == nullptr) {
                  throw ProblemError(problems::unknownProblem(code));
                }
                Response response{http::status::ok, request.version()};
                response.set(http::field::content_type, "text/html; charset=utf-8");
                // A page with no script, style or image of its own: a browser may load nothing else
                // from it, whatever a text held.
                response.set("Content-Security-Policy", "default-src 'none'");
                response.set("X-Content-Type-Options", "nosniff");
                response.keep_alive(request.keep_alive());
                response.body() = page(*text);
                response.prepare_payload();
                co_return response;
              }});
}

}  // namespace ehagent::agent
