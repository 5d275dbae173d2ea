// Run the graphql-http audit suite against a live GraphQL over HTTP server.
//
// Usage: AUDIT_TOKEN=JWT node federation/audit.mjs URL
//
// Prints one line per audit (ok, warn or error, its id and name) and exits 1
// when any audit, MUST or SHOULD, does not pass. AUDIT_TOKEN, when set, is
// sent as a bearer token with every request, as viax requires.

import process from "node:process";

import { auditServer } from "graphql-http";

function authorisedFetch(token) {
  return (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

async function main(argv) {
  if (argv.length !== 1) {
    process.stderr.write("usage: AUDIT_TOKEN=JWT node federation/audit.mjs URL\n");
    return 2;
  }
  const results = await auditServer({
    url: argv[0],
    fetchFn: authorisedFetch(process.env.AUDIT_TOKEN),
  });
  let failed = 0;
  for (const result of results) {
    const line = `${result.status} ${result.id} ${result.name}`;
    if (result.status === "ok") {
      process.stdout.write(`${line}\n`);
      continue;
    }
    failed += 1;
    process.stdout.write(`${line}: ${result.reason}\n`);
  }
  process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
