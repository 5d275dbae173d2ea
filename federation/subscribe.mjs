// Subscribe to the gateway with the graphql-ws client, as a browser would.
// Usage: node subscribe.mjs URL TOKEN QUERY VARIABLES_JSON COUNT
// Prints each result as one JSON line, then {"closed": code} or {"done": n}.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, token, query, variables, count] = process.argv.slice(2);
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: false,
  retryAttempts: 0,
  connectionParams: { Authorization: `Bearer ${token}` },
  on: { connected: () => print({ connected: true }) },
});

let seen = 0;
try {
  const results = client.iterate({ query, variables: JSON.parse(variables) });
  for await (const result of results) {
    print(result);
    seen += 1;
    if (seen >= Number(count)) break;
  }
  print({ done: seen });
} catch (error) {
  print({ closed: error?.code ?? null, reason: String(error?.reason ?? error) });
}
await client.dispose();
