// ethers v6 against a pysei node: an EOA delegates its code to a contract with a set-code
// tx (type 4, EIP-7702) whose authorization ethers signs (`wallet.authorize`), then calls
// the contract's code through its own address, then clears the delegation. Every tx's gas
// comes from ethers' own eth_estimateGas. Prints one JSON line of results.
// Usage: node eip7702_ethers.mjs <http url> <private key> <delegate contract address>
import { ethers } from "ethers";
import { FAST_CHAIN } from "./fast_chain.mjs";
import { traceOnFailure } from "./rpc_trace.mjs";

const [httpUrl, key, delegate] = process.argv.slice(2);
const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { ...FAST_CHAIN, pollingInterval: 200 });
traceOnFailure(provider);
const wallet = new ethers.Wallet(key, provider);
const abi = ["function increment()", "function count() view returns (uint256)"];
const iface = new ethers.Interface(abi);
const { chainId } = await provider.getNetwork();

async function setCode(target) {
  // self-sponsored: the authority's nonce is checked after the tx bumps it, hence + 1
  const nonce = await wallet.getNonce();
  const auth = await wallet.authorize({ address: target, nonce: nonce + 1, chainId });
  const data = target === ethers.ZeroAddress ? "0x" : iface.encodeFunctionData("increment");
  const tx = await wallet.sendTransaction({ type: 4, to: wallet.address, authorizationList: [auth], data });
  const receipt = await tx.wait();
  return { tx, receipt };
}

const delegated = await setCode(delegate);
const codeAfterDelegation = await provider.getCode(wallet.address);
const fetched = await provider.getTransaction(delegated.tx.hash);

const self = new ethers.Contract(wallet.address, abi, wallet);
const call = await self.increment();
const callReceipt = await call.wait();
const count = await self.count();

const cleared = await setCode(ethers.ZeroAddress);
const codeAfterClear = await provider.getCode(wallet.address);

console.log(JSON.stringify({
  address: wallet.address,
  delegation: { status: delegated.receipt.status, type: delegated.receipt.type, gasLimit: delegated.tx.gasLimit.toString(),
    gasUsed: delegated.receipt.gasUsed.toString(), authorizations: fetched.authorizationList.map((a) => ({
      address: a.address, nonce: a.nonce.toString(), chainId: a.chainId.toString() })) },
  codeAfterDelegation,
  call: { status: callReceipt.status, to: callReceipt.to, gasLimit: call.gasLimit.toString() },
  count: count.toString(),
  clear: { status: cleared.receipt.status, type: cleared.receipt.type },
  codeAfterClear,
}));
