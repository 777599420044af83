// Provider options for ethers v6 on a chain whose receipts can arrive within milliseconds.
//
// ethers answers identical requests made within 250 ms from its own cache (`cacheTimeout`).
// Here a tx that reaches the node just before a proposal is in a block, indexed and its
// receipt readable ~15 ms after it was sent: `tx.wait()` returns at its first look, and the
// next `sendTransaction` gets its "pending" nonce from that cache, read before the last tx,
// without asking the node; it signs the same nonce again and the node refuses it ("nonce too
// low: tx 1 state 2", seen in tests/e2e/test_distribution_ethers.py with the JSON-RPC trace
// of rpc_trace.mjs: the second eth_getTransactionCount never reached the node). ethers'
// maintainers advise turning the cache off for nodes with near-immediate results (ethers
// issue #4549); geth with instant sealing behaves alike.
export const FAST_CHAIN = { cacheTimeout: -1 };
