// ethers v6 calls the node's newer JSON-RPC methods through provider.send and its own
// helpers: eth_simulateV1, eth_getProof, the tracers, the sei_ namespace.
// argv: rpcUrl privateKey. Prints one JSON line of what it saw.
import { ethers } from "ethers";
import { FAST_CHAIN } from "./fast_chain.mjs";

const [url, key] = process.argv.slice(2);
const provider = new ethers.JsonRpcProvider(url, undefined, { ...FAST_CHAIN, batchMaxCount: 1 });
const wallet = new ethers.Wallet(key, provider);
const bob = ethers.Wallet.createRandom().address;

const sent = await wallet.sendTransaction({ to: bob, value: 12345n });
const receipt = await sent.wait();

const simulated = await provider.send("eth_simulateV1", [{
  traceTransfers: true,
  blockStateCalls: [{ calls: [{ from: wallet.address, to: bob, value: ethers.toQuantity(5n) }] }],
}, "latest"]);
const proof = await provider.send("eth_getProof", [wallet.address, [], ethers.toQuantity(receipt.blockNumber)]);
const block = await provider.getBlock(receipt.blockNumber);
const callTrace = await provider.send("debug_traceTransaction", [receipt.hash, { tracer: "callTracer" }]);
const diff = await provider.send("debug_traceTransaction",
  [receipt.hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]);
const seiAddress = await provider.send("sei_getSeiAddress", [wallet.address]);
const evmAddress = await provider.send("sei_getEVMAddress", [seiAddress]);
const cosmosHash = await provider.send("sei_getCosmosTx", [receipt.hash]);
const evmHash = await provider.send("sei_getEvmTx", [cosmosHash]);

const post = diff.post[bob.toLowerCase()];
console.log(JSON.stringify({
  status: receipt.status,
  simulatedStatus: simulated[0].calls[0].status,
  simulatedTransferLogs: simulated[0].calls[0].logs.length,
  proofNonce: Number(proof.nonce),
  proofBalance: BigInt(proof.balance).toString(),
  stateRoot: block.stateRoot,
  accountProofs: proof.accountProof.length,
  callType: callTrace.type, callTo: callTrace.to, callValue: BigInt(callTrace.value).toString(),
  bobPostBalance: BigInt(post.balance).toString(),
  seiAddress, evmAddress, cosmosHash, evmHash, txHash: receipt.hash,
  wallet: wallet.address, bob: bob.toLowerCase(), nonceAfter: await provider.getTransactionCount(wallet.address, receipt.blockNumber),
  balanceAt: (await provider.getBalance(wallet.address, receipt.blockNumber)).toString(),
}));
