// cosmjs as the oracle of SIGN_MODE_LEGACY_AMINO_JSON (tests/unit/abci_app/test_amino.py).
// Reads a JSON array of requests on stdin, writes a JSON array of answers on stdout:
//   {"op":"signdoc","tx":b64 TxRaw,"chain_id","account_number"} -> {"hex": sign bytes}
//     (cosmjs' AminoTypes.toAmino of each message, makeSignDoc, serializeSignDoc)
//   {"op":"serialize","msgs":[amino msgs],"fee":{amount,gas},"chain_id","memo",
//    "account_number","sequence","timeout_height"} -> {"hex": serializeSignDoc(makeSignDoc(..))}
//   {"op":"sign","key":hex privkey,"tx":b64 TxRaw (its body gives msgs, memo, timeout),
//    "fee":{amount,gas},"chain_id","account_number","sequence"}
//     -> {"tx": b64 TxRaw signed by SigningStargateClient.offline with a Secp256k1Wallet}
//   {"op":"multisig","keys":[hex privkeys],"threshold","signers":[indices],"tx":b64 TxRaw (body
//    source),"fee","chain_id","account_number","sequence"}
//     -> {"address": the multisig's sei1 address (pubkeyToAddress), "tx": b64 TxRaw from
//         makeMultisignedTxBytes with the chosen keys' amino signatures}
import {
  createMultisigThresholdPubkey, encodeSecp256k1Pubkey, makeSignDoc, pubkeyToAddress, serializeSignDoc, Secp256k1Wallet,
} from "@cosmjs/amino";
import { Registry } from "@cosmjs/proto-signing";
import {
  AminoTypes, SigningStargateClient, createDefaultAminoConverters, defaultRegistryTypes, makeMultisignedTxBytes,
} from "@cosmjs/stargate";
import { createWasmAminoConverters, wasmTypes } from "@cosmjs/cosmwasm";
import { TxRaw, TxBody, AuthInfo } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgUnjail } from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import { fromBase64, toBase64, toHex, fromHex } from "@cosmjs/encoding";

const registry = new Registry([...defaultRegistryTypes, ...wasmTypes, ["/cosmos.slashing.v1beta1.MsgUnjail", MsgUnjail]]);
const aminoTypes = new AminoTypes({ ...createDefaultAminoConverters(), ...createWasmAminoConverters() });

function decoded(b64) {
  const raw = TxRaw.decode(fromBase64(b64));
  const body = TxBody.decode(raw.bodyBytes);
  const auth = AuthInfo.decode(raw.authInfoBytes);
  const msgs = body.messages.map((any) => ({ typeUrl: any.typeUrl, value: registry.decode(any) }));
  return { body, auth, msgs };
}

async function answer(req) {
  if (req.op === "serialize") {
    const doc = makeSignDoc(req.msgs, req.fee, req.chain_id, req.memo, req.account_number, req.sequence, req.timeout_height);
    return { hex: toHex(serializeSignDoc(doc)) };
  }
  const { body, auth, msgs } = decoded(req.tx);
  if (req.op === "signdoc") {
    const fee = { amount: auth.fee.amount.map((c) => ({ amount: c.amount, denom: c.denom })), gas: auth.fee.gasLimit.toString() };
    const seq = auth.signerInfos[0].sequence;
    const doc = makeSignDoc(msgs.map((m) => aminoTypes.toAmino(m)), fee, req.chain_id, body.memo,
      req.account_number, seq, body.timeoutHeight);
    return { hex: toHex(serializeSignDoc(doc)) };
  }
  if (req.op === "sign") {
    const wallet = await Secp256k1Wallet.fromKey(fromHex(req.key), "sei");
    const [account] = await wallet.getAccounts();
    const client = await SigningStargateClient.offline(wallet, { registry, aminoTypes });
    const signed = await client.sign(account.address, msgs, req.fee, body.memo,
      { accountNumber: req.account_number, sequence: req.sequence, chainId: req.chain_id }, body.timeoutHeight);
    return { tx: toBase64(TxRaw.encode(signed).finish()) };
  }
  if (req.op === "multisig") {
    const wallets = await Promise.all(req.keys.map((k) => Secp256k1Wallet.fromKey(fromHex(k), "sei")));
    const accounts = await Promise.all(wallets.map(async (w) => (await w.getAccounts())[0]));
    const multisig = createMultisigThresholdPubkey(accounts.map((a) => encodeSecp256k1Pubkey(a.pubkey)), req.threshold, true);
    const signerData = { accountNumber: req.account_number, sequence: req.sequence, chainId: req.chain_id };
    const signatures = new Map();
    let bodyBytes;
    for (const i of req.signers) {
      const client = await SigningStargateClient.offline(wallets[i], { registry, aminoTypes });
      const signed = await client.sign(accounts[i].address, msgs, req.fee, body.memo, signerData);
      signatures.set(accounts[i].address, signed.signatures[0]);
      bodyBytes = signed.bodyBytes;
    }
    const raw = makeMultisignedTxBytes(multisig, req.sequence, req.fee, bodyBytes, signatures);
    return { address: pubkeyToAddress(multisig, "sei"), tx: toBase64(raw) };
  }
  throw new Error(`unknown op ${req.op}`);
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const req of JSON.parse(input)) out.push(await answer(req));
process.stdout.write(JSON.stringify(out));
