// Generates TypeScript types from the agent's OpenAPI document with openapi-typescript, then
// type-checks with tsc: client.ts and the document's own examples (each typed by its schema or
// operation) must compile, and wrong_client.ts, which reads a field the agent does not send, must
// fail with exactly that error.
// Usage: node check.mjs OPENAPI_JSON WORK_DIR (WORK_DIR is where `npm ci` installed the packages).
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [documentPath, work] = process.argv.slice(2);
if (!documentPath || !work) throw new Error("usage: node check.mjs OPENAPI_JSON WORK_DIR");
const here = dirname(fileURLToPath(import.meta.url));
let failures = 0;

function fail(message) {
  console.error("FAIL: " + message);
  failures += 1;
}

function run(program, args) {
  const result = spawnSync(join(work, "node_modules", ".bin", program), args, { cwd: work, encoding: "utf8" });
  if (result.error) throw result.error;
  return { status: result.status, output: result.stdout + result.stderr };
}

// The generated types.
const generated = run("openapi-typescript", [documentPath, "-o", join(work, "api.d.ts")]);
if (generated.status !== 0) throw new Error("openapi-typescript failed:\n" + generated.output);
const types = readFileSync(join(work, "api.d.ts"), "utf8");
for (const name of ["ClientStatus", "Session", "SessionAnswer", "CardModule", "HubAnswer"]) {
  if (!new RegExp(`^ {8}${name}: \\{`, "m").test(types)) fail(`${name} is not generated as an object type`);
}
if (/^ {8}\w+: Record<string, never>/m.test(types)) fail("a schema is generated as Record<string, never>");

// The document's examples, each assigned to the type generated for it.
const doc = JSON.parse(readFileSync(documentPath, "utf8"));
const lines = ['import type { components, operations } from "./api";'];
for (const [name, schema] of Object.entries(doc.components.schemas)) {
  for (const [i, example] of (schema.examples ?? []).entries()) {
    if (typeof example === "object") {
      lines.push(`export const ${name}_${i}: components["schemas"]["${name}"] = ${JSON.stringify(example)};`);
    }
  }
}
for (const item of Object.values(doc.paths)) {
  for (const operation of Object.values(item)) {
    const media = operation.responses?.["200"]?.content?.["application/json"] ?? {};
    const named = Object.entries(media.examples ?? {}).map(([name, example]) => [name, example.value]);
    if (media.example !== undefined) named.push(["example", media.example]);
    const type = `operations["${operation.operationId}"]["responses"][200]["content"]["application/json"]`;
    for (const [name, value] of named) {
      lines.push(`export const ${operation.operationId}_${name}: ${type} = ${JSON.stringify(value)};`);
    }
  }
}
writeFileSync(join(work, "examples.ts"), lines.join("\n") + "\n");
if (lines.length < 8) fail(`only ${lines.length - 1} examples in the document`);

for (const file of ["client.ts", "wrong_client.ts"]) copyFileSync(join(here, file), join(work, file));
const tsc = (file) =>
  run("tsc", ["--noEmit", "--strict", "--target", "es2022", "--lib", "es2022,dom", "--module", "esnext",
              "--moduleResolution", "bundler", "--skipLibCheck", "false", file]);

const good = tsc("client.ts");
if (good.status !== 0) fail("client.ts does not type-check:\n" + good.output);
const examples = tsc("examples.ts");
if (examples.status !== 0) fail("an example does not fit its schema:\n" + examples.output);

const wrong = tsc("wrong_client.ts");
const errors = wrong.output.split("\n").filter((line) => / error TS\d+:/.test(line));
if (wrong.status === 0) fail("wrong_client.ts type-checks, though it reads token_expiry");
else if (errors.length !== 1 || !/wrong_client\.ts.* error TS(2339|2551): Property 'token_expiry' does not exist/.test(errors[0])) {
  fail("wrong_client.ts fails for another reason than its wrong field:\n" + wrong.output);
}

if (failures > 0) process.exit(1);
console.log(`ok: client.ts and ${lines.length - 1} examples type-check; wrong_client.ts is refused: ${errors[0]}`);
