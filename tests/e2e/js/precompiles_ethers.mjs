// ethers v6 against a pysei node, as a dapp would: compile the published precompile
// interfaces (Bank.sol, Addr.sol, Json.sol, Staking.sol) with solc from npm for their ABIs,
// then call bank `balance`, addr `getSeiAddr`/`getEvmAddr` (and an unassociated address),
// json `extractAsUint256`, and staking `delegate` with msg.value (plus a fractional-usei
// value that must revert). Prints one JSON line of results.
// Usage: node precompiles_ethers.mjs <http url> <private key> <precompiles dir> <seivaloper1…> <delegate wei>
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { ethers } from "ethers";
import { FAST_CHAIN } from "./fast_chain.mjs";

const require = createRequire(import.meta.url);
const solc = require("solc");
const [httpUrl, key, dir, validator, delegateWei] = process.argv.slice(2);
const FILES = { Bank: "IBank", Addr: "IAddr", Json: "IJson", Staking: "IStaking" };
const ADDRESSES = { Bank: "0x" + "1001".padStart(40, "0"), Json: "0x" + "1003".padStart(40, "0"),
  Addr: "0x" + "1004".padStart(40, "0"), Staking: "0x" + "1005".padStart(40, "0") };

function interfaceAbis() {
  const sources = {};
  for (const name of Object.keys(FILES)) {
    sources[`${name}.sol`] = { content: fs.readFileSync(path.join(dir, `${name}.sol`), "utf8") };
  }
  const input = { language: "Solidity", sources, settings: { outputSelection: { "*": { "*": ["abi"] } } } };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors || []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  return Object.fromEntries(Object.entries(FILES).map(([f, i]) => [f, out.contracts[`${f}.sol`][i].abi]));
}

async function revertReason(promise) {
  try {
    await promise;
  } catch (e) {
    return e.reason ?? e.shortMessage ?? String(e);
  }
  return null;
}

const abis = interfaceAbis();
const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { ...FAST_CHAIN, pollingInterval: 250 });
const wallet = new ethers.Wallet(key, provider);
const [bank, addr, json, staking] = ["Bank", "Addr", "Json", "Staking"].map(
  (n) => new ethers.Contract(ADDRESSES[n], abis[n], wallet));

const height = await provider.getBlockNumber();
const balance = await bank.balance(wallet.address, "usei", { blockTag: height });
const seiAddr = await addr.getSeiAddr(wallet.address);
const evmAddr = await addr.getEvmAddr(seiAddr);
const stranger = ethers.Wallet.createRandom().address;
const unassociated = await revertReason(addr.getSeiAddr(stranger));
const blob = ethers.toUtf8Bytes(JSON.stringify({ name: "pysei", amount: 123456789, nested: { a: 1 } }));
const extracted = await json.extractAsUint256(blob, "amount");

const fractional = await revertReason(staking.delegate(validator, { value: 10n ** 12n + 1n }));
const tx = await staking.delegate(validator, { value: BigInt(delegateWei) });
const receipt = await tx.wait();
const events = receipt.logs.map((l) => staking.interface.parseLog(l)).filter((e) => e?.name === "Delegate");
const viewed = await staking.delegation(wallet.address, validator, { blockTag: receipt.blockNumber });

console.log(JSON.stringify({
  address: wallet.address, height, balance: balance.toString(), seiAddr, evmAddr, stranger, unassociated,
  extracted: extracted.toString(), fractional, delegateHash: tx.hash, delegateStatus: receipt.status,
  delegateHeight: receipt.blockNumber,
  delegateEvent: events.map((e) => ({ delegator: e.args[0], validator: e.args[1], amount: e.args[2].toString() })),
  delegation: { amount: viewed.balance.amount.toString(), denom: viewed.balance.denom,
    delegator: viewed.delegation.delegator_address, validator: viewed.delegation.validator_address },
}));
