// The same kind of client, reading one field the agent does not send (the session's expiry is
// `token_expires`): tsc must refuse it, or the generated types would not be telling fields apart.
import type { components } from "./api";

export function expiry(status: components["schemas"]["ClientStatus"]): string | undefined {
  return status.session?.token_expiry;
}
