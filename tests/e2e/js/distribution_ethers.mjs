// ethers v6 against a pysei node: a wallet delegates through the staking precompile, sends a
// few transfers (their fees are the rewards) over several blocks, reads its rewards through
// the distribution precompile at the block before it withdraws, then withdraws them with
// withdrawDelegationRewards at a gas price of 10^12 wei (so the fee is whole usei). ABIs are
// compiled from the published Staking.sol and Distribution.sol. Prints one JSON line.
// Usage: node distribution_ethers.mjs <http url> <private key> <precompiles dir> <seivaloper1…> <delegate wei>
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { ethers } from "ethers";
import { FAST_CHAIN } from "./fast_chain.mjs";
import { traceOnFailure } from "./rpc_trace.mjs";

const require = createRequire(import.meta.url);
const solc = require("solc");
const [httpUrl, key, dir, validator, delegateWei] = process.argv.slice(2);
const FILES = { Staking: "IStaking", Distribution: "IDistr" };
const ADDRESSES = { Staking: "0x" + "1005".padStart(40, "0"), Distribution: "0x" + "1007".padStart(40, "0") };
const GAS_PRICE = 10n ** 12n;

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

const abis = interfaceAbis();
const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { ...FAST_CHAIN, pollingInterval: 250 });
traceOnFailure(provider);
const wallet = new ethers.Wallet(key, provider);
const staking = new ethers.Contract(ADDRESSES.Staking, abis.Staking, wallet);
const distr = new ethers.Contract(ADDRESSES.Distribution, abis.Distribution, wallet);

const delegated = await (await staking.delegate(validator, { value: BigInt(delegateWei) })).wait();
const other = ethers.Wallet.createRandom().address;
for (let i = 0; i < 3; i++) {
  await (await wallet.sendTransaction({ to: other, value: 10n ** 12n })).wait();
}
while ((await provider.getBlockNumber()) < delegated.blockNumber + 5) {
  await new Promise((r) => setTimeout(r, 250));
}
const tx = await distr.withdrawDelegationRewards(validator, { type: 0, gasPrice: GAS_PRICE, gasLimit: 300000n });
const receipt = await tx.wait();
const before = await distr.rewards(wallet.address, { blockTag: receipt.blockNumber - 1 });
const after = await distr.rewards(wallet.address, { blockTag: receipt.blockNumber });
const events = receipt.logs.map((l) => distr.interface.parseLog(l)).filter((e) => e?.name === "DelegationRewardsWithdrawn");
const coins = (list) => list.map((c) => ({ amount: c.amount.toString(), decimals: c.decimals.toString(), denom: c.denom }));

console.log(JSON.stringify({
  address: wallet.address, delegateStatus: delegated.status, delegateHeight: delegated.blockNumber,
  withdrawStatus: receipt.status, withdrawHeight: receipt.blockNumber,
  gasUsed: receipt.gasUsed.toString(), gasPrice: receipt.gasPrice.toString(),
  rewards: before.rewards.map((r) => ({ validator: r.validator_address, coins: coins(r.coins) })),
  total: coins(before.total), totalAfter: coins(after.total),
  events: events.map((e) => ({ delegator: e.args[0], validator: e.args[1], amount: e.args[2].toString() })),
}));
