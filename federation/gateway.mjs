// Serve a composed supergraph with the Hive federation gateway.
//
// Usage: node federation/gateway.mjs SUPERGRAPH_FILE [--host HOST] [--port PORT]
//
// Compose the supergraph first with compose.mjs and `--url` for each
// subgraph. The client's Authorization header is forwarded to every
// subgraph, so viax scopes what the gateway's caller may see. GraphQL is
// served at /graphql and readiness at /readiness.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import process from "node:process";
import { parseArgs } from "node:util";

import { createGatewayRuntime } from "@graphql-hive/gateway-runtime";

// Only the headers a subgraph needs to authorise and trace the request.
const FORWARDED_HEADERS = ["authorization", "x-request-id"];

function forwardHeaders({ request }) {
  const headers = {};
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "4000" },
    },
  });
  if (positionals.length !== 1) {
    process.stderr.write(
      "usage: node federation/gateway.mjs SUPERGRAPH_FILE [--host HOST] [--port PORT]\n",
    );
    process.exitCode = 2;
    return;
  }
  const gateway = createGatewayRuntime({
    supergraph: readFileSync(positionals[0], "utf8"),
    propagateHeaders: { fromClientToSubgraphs: forwardHeaders },
    graphqlEndpoint: "/graphql",
    landingPage: false,
  });
  const server = createServer(gateway);
  const stop = () => server.close(() => gateway.dispose());
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  server.listen(Number(values.port), values.host, () => {
    process.stdout.write(`gateway listening on ${values.host}:${values.port}\n`);
  });
}

main();
