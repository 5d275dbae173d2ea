// Compose subgraph SDL files into a federation v2 supergraph.
//
// Usage: node federation/compose.mjs [--url NAME=URL ...] NAME=FILE [NAME=FILE ...]
//
// `--url` sets the routing URL the gateway sends the subgraph's share of a
// query to; without it the supergraph only documents the composition.
// Prints the supergraph SDL on standard output and exits 0 when the
// subgraphs compose; prints every error on standard error and exits 1 when
// they do not; exits 2 when the arguments themselves are wrong.

import { readFileSync } from "node:fs";
import process from "node:process";

import {
  composeServices,
  compositionHasErrors,
} from "@theguild/federation-composition";
import { GraphQLError, parse } from "graphql";

const USAGE =
  "usage: node federation/compose.mjs [--url NAME=URL ...] NAME=FILE [NAME=FILE ...]";

class UsageError extends Error {}

function splitPair(argument) {
  const separator = argument.indexOf("=");
  const name = argument.slice(0, separator);
  const value = argument.slice(separator + 1);
  if (separator <= 0 || value === "") {
    throw new UsageError(`expected NAME=VALUE, got "${argument}"`);
  }
  return [name, value];
}

// Leading `--url NAME=URL` pairs, then the subgraphs.
function parseUrls(argv) {
  const urls = new Map();
  let index = 0;
  while (argv[index] === "--url") {
    if (index + 1 >= argv.length) {
      throw new UsageError("--url needs NAME=URL");
    }
    const [name, url] = splitPair(argv[index + 1]);
    urls.set(name, url);
    index += 2;
  }
  return { urls, rest: argv.slice(index) };
}

function parseArguments(argv) {
  if (argv.length === 0) {
    throw new UsageError("no subgraph given");
  }
  const names = new Set();
  return argv.map((argument) => {
    const separator = argument.indexOf("=");
    const name = argument.slice(0, separator);
    const file = argument.slice(separator + 1);
    if (separator <= 0 || file === "") {
      throw new UsageError(`expected NAME=FILE, got "${argument}"`);
    }
    if (names.has(name)) {
      throw new UsageError(`subgraph "${name}" given twice`);
    }
    names.add(name);
    return { name, file };
  });
}

// Reading and parsing are reported per file so that one broken SDL does not
// hide the problems of the others.
function loadSubgraphs(subgraphs, urls) {
  const services = [];
  const errors = [];
  for (const { name, file } of subgraphs) {
    try {
      const typeDefs = parse(readFileSync(file, "utf8"));
      services.push({ name, typeDefs, url: urls.get(name) });
    } catch (error) {
      errors.push(`${name} (${file}): ${describe(error)}`);
    }
  }
  return { services, errors };
}

function describe(error) {
  if (error instanceof GraphQLError) {
    const code = error.extensions?.code;
    return code ? `[${code}] ${error.message}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

function report(errors) {
  for (const error of errors) {
    process.stderr.write(`error: ${error}\n`);
  }
  process.stderr.write(`composition failed with ${errors.length} error(s)\n`);
}

function main(argv) {
  let subgraphs;
  let urls;
  try {
    const parsed = parseUrls(argv);
    urls = parsed.urls;
    subgraphs = parseArguments(parsed.rest);
    for (const name of urls.keys()) {
      if (!subgraphs.some((subgraph) => subgraph.name === name)) {
        throw new UsageError(`--url names unknown subgraph "${name}"`);
      }
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }

  const { services, errors } = loadSubgraphs(subgraphs, urls);
  if (errors.length > 0) {
    report(errors);
    return 1;
  }

  const result = composeServices(services);
  if (compositionHasErrors(result)) {
    report(result.errors.map(describe));
    return 1;
  }
  process.stdout.write(result.supergraphSdl.trimEnd() + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
