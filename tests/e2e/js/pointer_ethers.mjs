// ethers v6 against a pysei node: an ERC-20 pointer (of a native denom or of a CW20) used as any
// ERC-20 (`denom` in the output is the pointee: the bank denom or the CW20's address).
// Usage:
//   node pointer_ethers.mjs transfer <http url> <private key> <abi json> <pointer> <to> <amount>
//     metadata, balanceOf before (at a pinned height), transfer, its Transfer event and the
//     balances at the receipt's block
//   node pointer_ethers.mjs logs <http url> <abi json> <pointer> <height>
//     the pointer's Transfer logs of one block through eth_getLogs
// Prints one JSON line.
import fs from "node:fs";
import { ethers } from "ethers";
import { FAST_CHAIN } from "./fast_chain.mjs";

const [mode, httpUrl, ...rest] = process.argv.slice(2);
const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { ...FAST_CHAIN, pollingInterval: 250 });
const str = (v) => (typeof v === "bigint" ? v.toString() : v);

if (mode === "transfer") {
  const [key, abiPath, pointer, to, amount] = rest;
  const abi = JSON.parse(fs.readFileSync(abiPath, "utf8")).abi;
  const wallet = new ethers.Wallet(key, provider);
  const token = new ethers.Contract(pointer, abi, wallet);
  const height = await provider.getBlockNumber();
  const before = await token.balanceOf(wallet.address, { blockTag: height });
  const pointee = token.interface.getFunction("denom") ? await token.denom() : await token.cw20Address();
  const meta = { name: await token.name(), symbol: await token.symbol(), decimals: Number(await token.decimals()),
    denom: pointee, totalSupply: str(await token.totalSupply()) };
  const tx = await token.transfer(to, BigInt(amount));
  const receipt = await tx.wait();
  const events = receipt.logs.map((l) => token.interface.parseLog(l)).filter((e) => e?.name === "Transfer")
    .map((e) => ({ from: e.args.from, to: e.args.to, value: str(e.args.value) }));
  const at = { blockTag: receipt.blockNumber };
  console.log(JSON.stringify({ address: wallet.address, height, before: str(before), ...meta,
    status: receipt.status, block: receipt.blockNumber, events,
    afterFrom: str(await token.balanceOf(wallet.address, at)), afterTo: str(await token.balanceOf(to, at)) }));
} else if (mode === "logs") {
  const [abiPath, pointer, height] = rest;
  const abi = JSON.parse(fs.readFileSync(abiPath, "utf8")).abi;
  const iface = new ethers.Interface(abi);
  const logs = await provider.getLogs({ address: pointer, fromBlock: Number(height), toBlock: Number(height),
    topics: [iface.getEvent("Transfer").topicHash] });
  const events = logs.map((l) => iface.parseLog(l)).map((e) => ({ from: e.args.from, to: e.args.to,
    value: str(e.args.value) }));
  console.log(JSON.stringify({ events, txs: logs.map((l) => l.transactionHash) }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
