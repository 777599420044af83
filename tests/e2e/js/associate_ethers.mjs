// ethers v6 against a pysei node: money sent to an unlinked EVM address, then the address
// linked through the addr precompile's associate(v, r, s, message) by a relayer.
// Usage:
//   node associate_ethers.mjs fund <http url> <payer key> <to address> <wei>
//   node associate_ethers.mjs associate <http url> <relayer key> <signer key> <Addr.sol dir>
//   node associate_ethers.mjs read <http url> <address> <Addr.sol dir>
// Prints one JSON line.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { ethers } from "ethers";
import { FAST_CHAIN } from "./fast_chain.mjs";

const require = createRequire(import.meta.url);
const solc = require("solc");
const ADDR = "0x" + "1004".padStart(40, "0");
const [mode, httpUrl, ...rest] = process.argv.slice(2);
const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { ...FAST_CHAIN, pollingInterval: 250 });

function addrAbi(dir) {
  const sources = { "Addr.sol": { content: fs.readFileSync(path.join(dir, "Addr.sol"), "utf8") } };
  const input = { language: "Solidity", sources, settings: { outputSelection: { "*": { "*": ["abi"] } } } };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  return out.contracts["Addr.sol"].IAddr.abi;
}

if (mode === "fund") {
  const [payerKey, to, wei] = rest;
  const tx = await new ethers.Wallet(payerKey, provider).sendTransaction({ to, value: BigInt(wei) });
  const receipt = await tx.wait();
  console.log(JSON.stringify({ status: receipt.status, block: receipt.blockNumber,
    balance: (await provider.getBalance(to, receipt.blockNumber)).toString() }));
} else if (mode === "associate") {
  const [relayerKey, signerKey, dir] = rest;
  const signer = new ethers.Wallet(signerKey);
  const message = `link ${signer.address}`;
  const sig = ethers.Signature.from(await signer.signMessage(message));
  const addr = new ethers.Contract(ADDR, addrAbi(dir), new ethers.Wallet(relayerKey, provider));
  const receipt = await (await addr.associate(ethers.toBeHex(sig.v), sig.r, sig.s, message)).wait();
  const at = { blockTag: receipt.blockNumber };
  console.log(JSON.stringify({ status: receipt.status, block: receipt.blockNumber, address: signer.address,
    seiAddr: await addr.getSeiAddr(signer.address, at),
    balance: (await provider.getBalance(signer.address, receipt.blockNumber)).toString() }));
} else if (mode === "read") {
  const [address, dir] = rest;
  const addr = new ethers.Contract(ADDR, addrAbi(dir), provider);
  console.log(JSON.stringify({ seiAddr: await addr.getSeiAddr(address),
    balance: (await provider.getBalance(address)).toString() }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
