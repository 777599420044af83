// cosmjs SigningStargateClient against a real pysei node (tests/e2e/test_cosmjs.py).
// Usage: node cosmjs_send.mjs RPC_URL '{"mnemonic":..,"op":..,...}'
//   op "address": the wallet's sei1 address
//   op "send": {wallet: "amino"|"direct", to, amount, fee: "auto"|{amount,gas}, memo}
//     -> {address, code, hash, height, fee (coins the tx paid), before, after, toAfter}
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { DirectSecp256k1HdWallet, decodeTxRaw } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";

const [rpc, argText] = process.argv.slice(2);
const args = JSON.parse(argText);
const options = { prefix: "sei" };
const wallet = args.wallet === "direct"
  ? await DirectSecp256k1HdWallet.fromMnemonic(args.mnemonic, options)
  : await Secp256k1HdWallet.fromMnemonic(args.mnemonic, options);
const [account] = await wallet.getAccounts();
if (args.op === "address") {
  process.stdout.write(JSON.stringify({ address: account.address }));
  process.exit(0);
}
const client = await SigningStargateClient.connectWithSigner(rpc, wallet, { gasPrice: GasPrice.fromString("0.02usei") });
const before = await client.getBalance(account.address, "usei");
const result = await client.signAndBroadcast(account.address,
  [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend",
     value: { fromAddress: account.address, toAddress: args.to, amount: [{ denom: "usei", amount: args.amount }] } }],
  args.fee, args.memo ?? "");
const tx = await client.getTx(result.transactionHash);
const decoded = decodeTxRaw(tx.tx);
const after = await client.getBalance(account.address, "usei");
const toAfter = await client.getBalance(args.to, "usei");
process.stdout.write(JSON.stringify({
  address: account.address, code: result.code, hash: result.transactionHash, height: result.height,
  signMode: decoded.authInfo.signerInfos[0].modeInfo.single.mode,
  fee: decoded.authInfo.fee.amount, gasWanted: String(result.gasWanted), memo: decoded.body.memo,
  before: before.amount, after: after.amount, toAfter: toAfter.amount,
}));
client.disconnect();
