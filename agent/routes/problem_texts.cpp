#include "agent/routes/problem_texts.hpp"

#include <algorithm>

namespace ehagent::agent {
namespace {

// Grouped by the status the code usually comes with (problem.cpp and problem_map.cpp set it).
constexpr ProblemText kTexts[] = {
    // The request itself (400, 401, 403, 404, 405, 413, 421, 431).
    {"invalid_input",
     "The request is not what the API accepts: a member is missing, has the wrong type or an impossible "
     "value, or the body is not valid JSON. The problem's `pointer` names the member (an RFC 6901 pointer).",
     "The developer of the client software corrects the request; /openapi.json describes each one. A "
     "practitioner who sees this reports it to the software's vendor with the detail."},
    {"duplicate_id",
     "An XML document carries two elements with the same ID. A signature that names an element by its ID "
     "could then cover another element than it appears to, so the document is refused.",
     "The developer of the software that wrote the XML gives each element its own ID."},
    {"client_disconnected",
     "The client closed its connection while the PIN dialog it had opened was waiting, and the agent closed "
     "the dialog. Nobody reads this answer: the code is for the audit log and the agent's log.",
     "Nothing, if the practitioner closed the program. Otherwise the client software's developer checks "
     "that it waits long enough for a PIN to be typed."},
    {"unauthorized",
     "The request has no `Authorization: Bearer` key, or one the agent does not know (never registered, or "
     "removed).",
     "IT staff register the client application with `ehagent-install clients add NAME` and give its key "
     "to the application's settings."},
    {"forbidden_origin",
     "A web page whose origin is not on the agent's allowed_origins called the agent from a browser.",
     "If the web application is trusted, IT staff add its origin (scheme, host and port) to "
     "allowed_origins in agent.toml. Otherwise nothing: the agent refused a page it does not know."},
    {"pin_incorrect",
     "The PIN typed in the dialog or on the pinpad was wrong. `tries_left` says how many tries remain and "
     "`credential` whose PIN it was. The agent never tries a PIN again on its own.",
     "The practitioner starts again (for a login, POST /v1/session) and types the PIN with care: after the "
     "last try the PIN is locked."},
    {"pin_locked",
     "The PIN is blocked after too many wrong tries; `credential` says whose. The card cannot be used "
     "with a PIN until it is unblocked.",
     "An eID's PIN is unblocked at the municipality, with the PUK letter that came with the card. An "
     "eHealth token's is for IT staff: unblock the token or import the eHealth certificate again "
     "(`ehagent-install certs import`)."},
    {"pin_cancelled",
     "The practitioner cancelled the PIN dialog or the pinpad entry.",
     "Nothing: ask again when the practitioner wants to go on."},
    {"certificate_expired",
     "The certificate's validity period has ended. At login, `certificate` names which one; no PIN was "
     "asked.",
     "An eID's certificates are renewed with a new card at the municipality. An eHealth certificate is "
     "requested anew from the eHealth platform and imported with `ehagent-install certs import`."},
    {"certificate_not_yet_valid",
     "The certificate's validity period has not begun. Most often this computer's date or time is wrong.",
     "Check the computer's date, time and time zone. A new certificate is usable from its first day."},
    {"certificate_untrusted",
     "The certificate's chain ends at a root that is not in the agent's trust store.",
     "If the root is genuine, IT staff add it with `ehagent-install trust add`; `ehagent-install certs "
     "list` shows each certificate's chain."},
    {"chain_incomplete",
     "The issuer of a certificate in the chain was not found: an intermediate certificate is missing, or "
     "its CA is not in the trust store.",
     "IT staff add the missing CA certificate with `ehagent-install trust add`."},
    {"key_usage",
     "The certificate's key usage does not allow this use, such as a signature certificate offered for a "
     "login.",
     "Use the card's own authentication certificate: the eID Authentication certificate and the eHealth "
     "certificate. A card or keystore that carries the wrong one is replaced."},
    {"certificate_invalid",
     "A certificate could not be read or checked for a reason other than its dates and chain; the detail "
     "says which check failed.",
     "IT staff look at the certificate with `ehagent-install certs list` and replace it if it is damaged."},
    {"certificate_revoked",
     "The certificate was revoked by its CA: it must not be used any more.",
     "An eID is replaced at the municipality. An eHealth certificate is requested anew from the eHealth "
     "platform and imported with `ehagent-install certs import`."},
    {"not_found",
     "No route of this API answers the path.",
     "The developer checks the path against /openapi.json."},
    {"unknown_hub",
     "The path names a hub that has no [hubs.<name>] section in agent.toml.",
     "Use the name of a configured hub, or IT staff add the hub's section to agent.toml."},
    {"unknown_problem",
     "There is no page for this problem code: this agent never answers it.",
     "Check the code in the link. An agent of another version may have other codes: /openapi.json lists "
     "this one's."},
    {"method_not_allowed",
     "The path exists, but not with this method. The problem's `allow` member and the Allow header list "
     "the methods it takes.",
     "The developer uses one of the allowed methods."},
    {"payload_too_large",
     "The request body is larger than the agent accepts ([limits] body_bytes in agent.toml).",
     "Send a smaller body. If such bodies are normal here, IT staff raise body_bytes."},
    {"misdirected",
     "The Host header does not name this agent's listener. A web page that reaches the agent under another "
     "host name (DNS rebinding) is refused this way.",
     "Call the agent as 127.0.0.1:PORT, localhost:PORT or [::1]:PORT, or as localhost over the Unix "
     "socket, and let no proxy rewrite the Host header."},
    {"headers_too_large",
     "The request's header is larger than the agent accepts ([limits] header_bytes in agent.toml).",
     "Send fewer or smaller header fields, such as cookies the agent does not need."},
    // The agent's state (409, 429).
    {"no_card",
     "The operation needs a card that is not inserted: the practitioner's eID, or for a patient's consent "
     "or link read from the card, the patient's eID. Or the agent watches no card reader at all.",
     "Insert the card and try again. If a card is in, check the reader and that the agent's modules list "
     "its PKCS#11 module (`ehagent cards`)."},
    {"card_removed",
     "The card was removed, replaced or reset while it was in use, and the login on it ended.",
     "Put the card back, log in again (POST /v1/session) and repeat the operation."},
    {"not_logged_in",
     "The operation needs the practitioner's login, and there is none: never made, logged out, or ended by "
     "the card's removal or pin_idle_timeout_minutes.",
     "Log in first with POST /v1/session (the practitioner types the PIN), then repeat."},
    {"key_not_found",
     "The card lacks the key or certificate the operation needs, such as an eID whose certificates were "
     "never activated.",
     "Check the card with GET /v1/cards or `ehagent cards`. An eID's certificates are activated at the "
     "municipality; an eHealth keystore is imported again by IT staff."},
    {"page_forbidden",
     "The status page was asked for from another account on this machine: it shows who is logged "
     "in and what was signed, so only the account the agent runs as gets it.",
     "Open the page from the practitioner's own session, or start an agent of your own."},
    {"page_session_required",
     "A request of the status page came without the page's session cookie, or with one from before "
     "the agent restarted.",
     "Load the page again (http://127.0.0.1:PORT/); it gets a new cookie."},
    {"key_refused_by_middleware",
     "The card's PKCS#11 module lists the key but will not use it. OpenSC does this with the Belgian "
     "eID's Signature key: its BELPIC driver makes no non-repudiation signatures.",
     "Install the Belgian eID middleware (eid-mw) and list its module, libbeidpkcs11.so, first in the "
     "config's modules; `ehagent cards` shows which module reads the card."},
    {"unknown_profession",
     "The eHealth STS profile has no entry for the practitioner's profession, so no token can be asked for.",
     "IT staff set the profession under [sts] in agent.toml, or add a profile for it (profiles_file)."},
    {"sts_not_configured",
     "A SAML token was asked for, but agent.toml has no [sts] section, so the agent logs in to the cards "
     "only.",
     "IT staff add the [sts] section (endpoint, trust and profession) to agent.toml."},
    {"busy",
     "The agent has as much work as it takes: the card's queue is full, a login is already waiting for the "
     "practitioner's PIN, or too many network calls are in flight.",
     "Wait and try again: once the PIN dialog that is open has been answered, or after a few seconds."},
    // The agent, its card or its configuration failed (500, 502, 503).
    {"internal",
     "Something failed inside the agent that it did not expect. The detail says little on purpose; the "
     "agent's log has the cause.",
     "IT staff read the agent's log and report the failure to the agent's maintainers."},
    {"signing_failed",
     "The private key could not make the signature.",
     "Try again. If it fails again, IT staff check the card or the eHealth keystore with `ehagent cards`."},
    {"crypto_error",
     "A cryptographic operation failed in the agent's crypto library.",
     "IT staff read the agent's log and report the failure to the agent's maintainers."},
    {"config_invalid",
     "A value in agent.toml cannot be used; the detail names it.",
     "IT staff correct agent.toml; `ehagent serve --check-config` checks it without starting the agent."},
    {"io_error",
     "A file the agent needs could not be read or written: its state folder, the trust store, a "
     "certificate or keystore file.",
     "IT staff check that the file named in the agent's log exists and belongs to the agent's user."},
    {"trust_store",
     "The agent's trust store cannot be used, such as a file in it that is not a CA certificate.",
     "IT staff look at the trust store with `ehagent-install certs list` and correct it with "
     "`ehagent-install trust`."},
    {"pinentry_failed",
     "The PIN dialog program did not start, answered what the agent does not expect, or had no answer "
     "from the practitioner within pin_timeout_seconds.",
     "IT staff check the pinentry setting in agent.toml and that the program opens on the practitioner's "
     "desktop."},
    {"pinentry_unavailable",
     "No program on this computer can show the PIN dialog to the practitioner.",
     "IT staff install a pinentry program (the detail names what fits), or set pinentry in agent.toml."},
    {"card_error",
     "The card, its reader or its PKCS#11 module answered with an error the agent cannot act on.",
     "Take the card out and put it back, then try again. If it persists, IT staff check the reader and the "
     "module (`ehagent cards`)."},
    {"signature_invalid",
     "A signature in an answer from the eHealth STS or a hub does not hold, or does not cover what it must. "
     "The answer was not used.",
     "Try again. If it persists, the answer may be altered on its way: IT staff check any proxy, and report "
     "it to the service."},
    {"signature_untrusted",
     "An answer is signed with a certificate the agent was not told to trust.",
     "IT staff check the service's signing certificate against the one configured for it (the trust key of "
     "[sts])."},
    {"timestamp_expired",
     "The validity period of an answer's timestamp does not hold: most often this computer's clock is off.",
     "Check the computer's date and time, then try again."},
    {"unsupported_algorithm",
     "An answer or a key uses an algorithm the agent does not accept.",
     "IT staff report it, with the detail, to the agent's maintainers."},
    {"sts_fault",
     "The eHealth STS refused to issue the token; the detail has its reason.",
     "The reason often concerns the eHealth certificate or the practitioner's registration: IT staff take "
     "it up with eHealth support."},
    {"sts_bad_signature",
     "The token the STS issued is not signed by the STS certificate the agent trusts.",
     "IT staff check [sts] trust in agent.toml against the STS's current signing certificate."},
    {"sts_expired",
     "The token the STS issued is not valid now: most often this computer's clock is off.",
     "Check the computer's date and time, then log in again."},
    {"sts_wrong_subject",
     "The token the STS issued is about another person, or not bound to the practitioner's eHealth "
     "certificate, so the agent does not use it.",
     "IT staff check the STS endpoint in agent.toml, and report it to eHealth support."},
    {"sts_bad_response",
     "The STS answered something the agent cannot use: an HTTP error or a message that is not the expected "
     "answer.",
     "Try again later. If it persists, IT staff check the STS endpoint in agent.toml."},
    {"sts_unreachable",
     "The STS could not be reached: no network, a name that does not resolve, a refused connection or TLS "
     "certificate. After the PINs were given the card logins stay: the next POST /v1/session asks the STS "
     "again without asking any PIN.",
     "Check the network connection (and proxy), then log in again."},
    {"hub_fault",
     "The hub refused the request with a SOAP fault; the detail has its reason.",
     "Read the hub's reason: it often concerns the patient's consent, the therapeutic link or the "
     "practitioner's rights. IT staff take it up with the hub if it is unclear."},
    {"hub_bad_response",
     "The hub answered something the agent cannot use: an HTTP error or a message that is not the expected "
     "answer.",
     "Try again later. If it persists, IT staff check the hub's endpoint in agent.toml."},
    {"hub_unreachable",
     "The hub could not be reached: no network, a name that does not resolve, a refused connection or TLS "
     "certificate.",
     "Check the network connection (and proxy), then try again."},
    {"revocation_unknown",
     "No revocation answer (OCSP or CRL) came for a certificate under the strict policy, so the login was "
     "refused before any PIN was asked.",
     "Try again once the responder answers. IT staff can make the OCSP responder reachable, list "
     "crl_files under [revocation], or set policy = \"soft-fail\" in agent.toml."},
};

}  // namespace

std::span<const ProblemText> problemTexts() { return kTexts; }

const ProblemText* findProblemText(std::string_view code) {
  const auto it = std::find_if(std::begin(kTexts), std::end(kTexts),
                               [code](const ProblemText& text) { return text.code == code; });
  return it == std::end(kTexts) ? nullptr : &*it;
}

}  // namespace ehagent::agent
