// The JSON-RPC conversation of an ethers provider, kept in memory and written to stderr only
// when the script fails (exit code not 0), each line stamped with milliseconds since start:
// an intermittent failure then shows what was asked and answered, in order.
const started = Date.now();

export function traceOnFailure(provider, keep = 400) {
  const lines = [];
  provider.on("debug", (event) => {
    const body = event.payload ?? event.result ?? event.error;
    lines.push(`${Date.now() - started}ms ${event.action} ${JSON.stringify(body, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    if (lines.length > keep) lines.shift();
  });
  process.on("exit", (code) => {
    if (code !== 0) process.stderr.write(`--- JSON-RPC trace (last ${lines.length}) ---\n${lines.join("\n")}\n`);
  });
}
