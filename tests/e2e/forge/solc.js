// solc for forge (`forge --use tests/e2e/forge/solc`): the npm solc-js compiler behind the
// command-line interface forge drives: `--version`, and `--standard-json` on stdin.
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require(path.join(__dirname, "..", "js", "node_modules", "solc"));

const args = process.argv.slice(2);
if (args.includes("--version")) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!args.includes("--standard-json")) {
  process.stderr.write("only --version and --standard-json are supported\n");
  process.exit(1);
}
const roots = [process.cwd()];
for (let i = 0; i < args.length; i++) {
  if (["--base-path", "--include-path", "--allow-paths"].includes(args[i]) && args[i + 1]) {
    roots.push(...args[i + 1].split(","));
  }
}
function findImports(name) {
  for (const root of roots) {
    const file = path.resolve(root, name);
    if (fs.existsSync(file)) return { contents: fs.readFileSync(file, "utf8") };
  }
  if (fs.existsSync(name)) return { contents: fs.readFileSync(name, "utf8") };
  return { error: `file not found: ${name}` };
}
const input = fs.readFileSync(0, "utf8");
process.stdout.write(solc.compile(input, { import: findImports }));
