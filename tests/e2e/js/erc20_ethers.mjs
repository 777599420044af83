// ethers v6 against a pysei node: compile the test ERC-20 with solc from npm, deploy,
// transfer, read balances (eth_call), find Transfer with eth_getLogs and a WebSocket
// subscription, wait for receipts, see a revert reason. Prints one JSON line of results.
// Usage: node erc20_ethers.mjs <http url> <ws url> <private key> <path to TestToken.sol>
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { ethers } from "ethers";
import { FAST_CHAIN } from "./fast_chain.mjs";

const require = createRequire(import.meta.url);
const solc = require("solc");
const [httpUrl, wsUrl, key, source] = process.argv.slice(2);

function compile(file) {
  const name = path.basename(file);
  const input = {
    language: "Solidity",
    sources: { [name]: { content: fs.readFileSync(file, "utf8") } },
    settings: { outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors || []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const c = out.contracts[name].TestToken;
  return { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
}

const { abi, bytecode } = compile(source);
const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { ...FAST_CHAIN, pollingInterval: 250 });
const wallet = new ethers.Wallet(key, provider);
const network = await provider.getNetwork();
const other = ethers.Wallet.createRandom().address;

const token = await new ethers.ContractFactory(abi, bytecode, wallet).deploy("Ethers Token", "ETK", 10n ** 24n);
const deployReceipt = await token.deploymentTransaction().wait();
const address = await token.getAddress();

const ws = new ethers.WebSocketProvider(wsUrl);
const wsToken = new ethers.Contract(address, abi, ws);
const seen = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("no Transfer over WebSocket")), 30000);
  // With a topic filter ethers passes only the event payload (decoded args in .args).
  wsToken.on(wsToken.filters.Transfer(null, other), (...args) => {
    const event = args[args.length - 1];
    const [from, to, value] = event.args;
    clearTimeout(timer);
    resolve({ from, to, value: value.toString(), tx: event.log.transactionHash });
  });
});
await new Promise((r) => setTimeout(r, 500)); // let the subscription register

const tx = await token.transfer(other, 777n);
const receipt = await tx.wait();
const wsEvent = await seen;
const balance = await token.balanceOf(other);
const logs = await token.queryFilter(token.filters.Transfer(), deployReceipt.blockNumber, "latest");

let revert = null;
try {
  await token.connect(new ethers.Wallet(ethers.Wallet.createRandom().privateKey, provider)).transfer.staticCall(other, 1n);
} catch (e) {
  revert = e.reason ?? e.shortMessage;
}
const feeData = await provider.getFeeData();

console.log(JSON.stringify({
  chainId: network.chainId.toString(),
  address,
  deployStatus: deployReceipt.status,
  transferStatus: receipt.status,
  transferHash: receipt.hash,
  balance: balance.toString(),
  logs: logs.map((l) => ({ to: l.args[1], value: l.args[2].toString(), tx: l.transactionHash })),
  wsEvent,
  revert,
  maxFeePerGas: feeData.maxFeePerGas?.toString(),
}));
await ws.destroy();
provider.destroy();
