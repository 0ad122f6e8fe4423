// The main flow of a frontend, through a TypeScript client generated from openapi.yaml
// (openapi-typescript types, openapi-fetch calls), type-checked with `tsc --strict`:
// create organization -> search -> provision -> simulated inbound message -> list messages ->
// usage -> release -> delete. The customer's message goes to the sandbox's simulator
// (`POST /sandbox/messages`), which is outside the spec, with plain fetch.
//
//   npm run generate && npm run build
//   SWITCHBOARD_URL=http://127.0.0.1:8080 SWITCHBOARD_API_KEY=dev-key npm run flow
//
// Exits non-zero, naming the step, at the first answer that is not the expected one.

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type Problem = components["schemas"]["Problem"];

class FlowFailed extends Error {}

const baseUrl = (process.env.SWITCHBOARD_URL ?? "").replace(/\/$/, "");
const apiKey = process.env.SWITCHBOARD_API_KEY ?? "";
if (!baseUrl || !apiKey) {
  throw new FlowFailed("set SWITCHBOARD_URL and SWITCHBOARD_API_KEY");
}

const client = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${apiKey}` },
});

const reported = new Set<string>();

/** The body of an answer that must have `status`; anything else fails the step. */
function expect<T>(
  step: string,
  result: { data?: T; error?: Problem | undefined; response: Response },
  status: number,
): T {
  if (result.response.status !== status || result.data === undefined) {
    throw new FlowFailed(
      `${step}: expected ${status}, got ${result.response.status} ${JSON.stringify(result.error ?? null)}`,
    );
  }
  if (!reported.has(step)) {
    reported.add(step);
    console.log(`ok  ${step}`);
  }
  return result.data;
}

function check(step: string, condition: boolean, detail: string): void {
  if (!condition) {
    throw new FlowFailed(`${step}: ${detail}`);
  }
}

async function main(): Promise<void> {
  const org = expect(
    "create organization",
    await client.POST("/v1/organizations", {
      body: { name: "Acme Shoes", industry: "retail", plan: "starter" },
    }),
    201,
  );
  // Settings a new organization never set are absent, never null.
  check("create organization", org.settings.business_hours === undefined, "business_hours set");
  check("create organization", org.plan === "starter", `plan ${org.plan}`);

  const available = expect(
    "search available numbers",
    await client.GET("/v1/available-numbers", {
      params: { query: { country: "US", type: "local", area_code: "415", limit: 3 } },
    }),
    200,
  );
  const offered = available.items[0];
  if (offered === undefined) {
    throw new FlowFailed("search available numbers: no number offered in 415");
  }
  const wanted = offered.phone_number;

  const number = expect(
    "provision number",
    await client.POST("/v1/organizations/{id}/numbers", {
      params: { path: { id: org.id } },
      body: { phone_number: wanted },
    }),
    201,
  );
  check("provision number", number.phone_number === wanted, `got ${number.phone_number}`);
  check("provision number", number.status === "active", `status ${number.status}`);

  // The customer writes: the sandbox posts a signed Twilio webhook to the number's SmsUrl.
  const inbound = await fetch(`${baseUrl}/sandbox/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ from: "+15551230000", to: wanted, body: "Do you have size 42?" }),
  });
  check("simulated inbound message", inbound.status === 200, await inbound.text());
  console.log("ok  simulated inbound message");

  // The read models follow the event log within moments: poll briefly for the outcome.
  let page = expect(
    "list messages",
    await client.GET("/v1/organizations/{id}/messages", { params: { path: { id: org.id } } }),
    200,
  );
  for (let i = 0; i < 50 && page.items[0]?.outcome === undefined; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    page = expect(
      "list messages",
      await client.GET("/v1/organizations/{id}/messages", { params: { path: { id: org.id } } }),
      200,
    );
  }
  const message = page.items[0];
  check("list messages", page.items.length === 1 && message !== undefined, `${page.items.length} messages`);
  check(
    "list messages",
    message?.direction === "inbound" && message.body === "Do you have size 42?" && message.outcome === "accepted",
    JSON.stringify(message),
  );
  check("list messages", page.next_cursor === undefined, "a last page has no cursor");

  const usage = expect(
    "usage",
    await client.GET("/v1/organizations/{id}/usage", { params: { path: { id: org.id } } }),
    200,
  );
  check("usage", usage.used === 1 && usage.limit === 500, `used ${usage.used}/${usage.limit}`);

  const released = await client.DELETE("/v1/organizations/{id}/numbers/{phone_number}", {
    params: { path: { id: org.id, phone_number: wanted } },
  });
  check("release number", released.response.status === 204, JSON.stringify(released.error ?? null));
  console.log("ok  release number");

  const deleted = await client.DELETE("/v1/organizations/{id}", { params: { path: { id: org.id } } });
  check("delete organization", deleted.response.status === 204, JSON.stringify(deleted.error ?? null));
  console.log("ok  delete organization");

  const gone = await client.GET("/v1/organizations/{id}", { params: { path: { id: org.id } } });
  check(
    "deleted organization is gone",
    gone.response.status === 404 && gone.error?.code === "organization_not_found",
    `${gone.response.status} ${JSON.stringify(gone.error ?? null)}`,
  );
  console.log("ok  deleted organization is gone");
}

main().then(
  () => console.log("typescript client flow: passed (create, search, provision, inbound, messages, usage, release, delete)"),
  (error: unknown) => {
    console.error(`typescript client flow: FAILED at ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
