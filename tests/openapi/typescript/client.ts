// A small client of the agent, typed only by what openapi-typescript generates from the OpenAPI
// document (./api): it must type-check. It reads the status, logs in, lists the cards, reads a
// hub answer and follows the event stream.
import type { components, operations } from "./api";

type Schemas = components["schemas"];
// The JSON a 200 answer of an operation holds.
type Answer<Op extends keyof operations> = operations[Op]["responses"] extends {
  200: { content: { "application/json": infer Body } };
}
  ? Body
  : never;

// The schemas a client reads must be objects with named members, not Record<string, never>.
type Named<T> = string extends keyof T ? false : keyof T extends never ? false : true;
export const named: [
  Named<Schemas["ClientStatus"]>,
  Named<Schemas["Session"]>,
  Named<Schemas["SessionAnswer"]>,
  Named<Schemas["CardModule"]>,
  Named<Schemas["CardToken"]>,
  Named<Schemas["HubAnswer"]>,
  Named<Schemas["Problem"]>,
] = [true, true, true, true, true, true, true];

const agent = "http://127.0.0.1:17443";

async function call<Op extends keyof operations>(key: string, method: string, path: string): Promise<Answer<Op>> {
  const answer = await fetch(agent + path, { method, headers: { Authorization: `Bearer ${key}` } });
  if (!answer.ok) {
    const problem = (await answer.json()) as Schemas["Problem"];
    // The type resolves against the agent: a page on what the code means.
    throw new Error(`${problem.code} (${problem.status}): ${problem.detail ?? problem.title}; see ${new URL(problem.type, agent)}`);
  }
  return (await answer.json()) as Answer<Op>;
}

export function describeProblem(problem: Schemas["Problem"]): string {
  switch (problem.code) {
    case "pin_incorrect":
      return `wrong ${problem.credential ?? ""} PIN, ${problem.tries_left ?? "?"} tries left`;
    case "busy":
      return "try again";
    default:
      return problem.title;
  }
}

export async function whoIsLoggedIn(key: string): Promise<string> {
  const status = await call<"getStatus">(key, "GET", "/v1/status");
  if (!("readers" in status)) return `agent ${status.version}, no key`;
  const readers = status.readers.map((reader) => `${reader.token} (${reader.kind}) in ${reader.reader}`);
  const session = status.session;
  const since = session ? `since ${session.since}, token until ${session.token_expires ?? "none"}` : "nobody";
  const pending = session?.token_pending === true ? " (STS pending)" : "";
  const last = status.last_logout ? `last logout: ${status.last_logout.reason} at ${status.last_logout.at}` : "";
  return `${status.practitioner?.name ?? "no practitioner"}: ${since}${pending}; ${readers.join(", ")}; ${last}`;
}

export async function logIn(key: string): Promise<number> {
  const answer = await call<"logIn">(key, "POST", "/v1/session");
  const warnings = answer.session.warnings.map((warning) => `${warning.code}: ${warning.detail}`);
  const certificates = answer.session.certificates.filter((c) => c.revocation === "good").map((c) => c.subject);
  console.log(answer.practitioner?.nihii, answer.session.ehealth, warnings, certificates);
  return answer.session.pin_idle_timeout_minutes;
}

export async function holders(key: string): Promise<string[]> {
  const modules = await call<"listCards">(key, "GET", "/v1/cards");
  const out: string[] = [];
  for (const module of modules) {
    for (const slot of module.slots ?? []) {
      const token = slot.token;
      if (!token) continue;
      const pin = token.pin.locked ? "locked" : `${token.pin.tries_left} tries`;
      out.push(`${module.path} ${slot.id}: ${token.holder?.surname ?? token.label}, PIN ${pin}, ${token.certificates?.length ?? 0} certificates`);
    }
  }
  return out;
}

export async function sumehrAuthors(key: string, ssin: string): Promise<string[]> {
  const answer = await call<"getTransactionList">(key, "GET", `/v1/hubs/rsw/transactions?patient=${ssin}`);
  if (answer.mode === "sign") return [answer.envelope.length.toString()];
  if (!answer.acknowledge.iscomplete) return answer.acknowledge.errors.map((error) => error.description);
  return answer.transactions
    .filter((transaction) => transaction.type === "sumehr")
    .flatMap((transaction) => transaction.author.map((author) => `${author.familyname} ${author.nihii} ${transaction.date}`));
}

export function onEvent(event: Schemas["ServerSentEvent"]): string {
  switch (event.event) {
    case "card.inserted":
    case "card.removed":
      return `${event.event} ${event.data.token} ${event.data.holder?.ssin ?? ""}`;
    case "session.logout":
      return `logged out: ${event.data.reason}`;
    case "pin.pinpad":
      return event.data.message;
    case "status.session":
      return event.data ? `session since ${event.data.since}` : "no session";
    case "state":
      return `${event.data.readers.length} readers, resume after ${event.id}`;
    default:
      return event.event;
  }
}
