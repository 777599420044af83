// Uniswap v3 from its published npm artifacts (@uniswap/v3-core, @uniswap/v3-periphery),
// driven by ethers v6 as a dapp would: every tx's gas limit is ethers' own eth_estimateGas
// (no padding). Deploys two ERC-20s, the factory and the NonfungiblePositionManager,
// creates and initializes a pool, mints positions (the first right after the pool's
// oracle was written, the case that ran out of gas), adds liquidity, removes it, collects
// and burns the NFT (refunds). Prints one JSON line: each tx's hash, limit, gas used, status.
// Usage: node uniswap_v3_ethers.mjs <http url> <private key> <TestToken artifact json>
import fs from "node:fs";
import { createRequire } from "node:module";
import { ethers } from "ethers";
import { FAST_CHAIN } from "./fast_chain.mjs";

const require = createRequire(import.meta.url);
const Factory = require("@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json");
const Manager = require(
  "@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json");
const [httpUrl, key, tokenArtifact] = process.argv.slice(2);
const token = JSON.parse(fs.readFileSync(tokenArtifact, "utf8"));

const provider = new ethers.JsonRpcProvider(httpUrl, undefined, { ...FAST_CHAIN, pollingInterval: 200 });
const wallet = new ethers.NonceManager(new ethers.Wallet(key, provider));
const me = await wallet.getAddress();
const txs = [];

async function record(name, pending) {
  const tx = await pending;
  const receipt = await tx.wait(1, 60_000).catch((e) => e.receipt);
  txs.push({ name, hash: tx.hash, gasLimit: tx.gasLimit.toString(), gasUsed: receipt.gasUsed.toString(),
    status: receipt.status, block: receipt.blockNumber });
  return receipt;
}

async function deploy(name, artifact, ...args) {
  const factory = new ethers.ContractFactory(artifact.abi, artifact.bytecode, wallet);
  const contract = await factory.deploy(...args);
  await record(name, Promise.resolve(contract.deploymentTransaction()));
  return contract;
}

let a = await deploy("deploy_token_a", token, "Token A", "TKA", 10n ** 30n);
let b = await deploy("deploy_token_b", token, "Token B", "TKB", 10n ** 30n);
if (BigInt(await a.getAddress()) > BigInt(await b.getAddress())) [a, b] = [b, a];
const factory = await deploy("deploy_factory", Factory);
const dummy = "0x000000000000000000000000000000000000dEaD"; // WETH9 and token descriptor: unused here
const npm = await deploy("deploy_position_manager", Manager, await factory.getAddress(), dummy, dummy);
const npmAddress = await npm.getAddress();
await record("approve_a", a.approve(npmAddress, ethers.MaxUint256));
await record("approve_b", b.approve(npmAddress, ethers.MaxUint256));

const [t0, t1] = [await a.getAddress(), await b.getAddress()];
await record("create_and_initialize_pool", npm.createAndInitializePoolIfNecessary(t0, t1, 3000, 2n ** 96n));
const deadline = 2n ** 40n;
const mint = (lower, upper, amount) => npm.mint({ token0: t0, token1: t1, fee: 3000, tickLower: lower,
  tickUpper: upper, amount0Desired: amount, amount1Desired: amount, amount0Min: 0, amount1Min: 0, recipient: me,
  deadline });
await record("mint_after_initialize", mint(-600, 600, 10n ** 18n));
await record("mint_second_position", mint(-1200, 1200, 5n * 10n ** 17n));
await record("mint_same_ticks", mint(-600, 600, 3n * 10n ** 17n));
await record("increase_liquidity", npm.increaseLiquidity({ tokenId: 1, amount0Desired: 10n ** 17n,
  amount1Desired: 10n ** 17n, amount0Min: 0, amount1Min: 0, deadline }));
const position = await npm.positions(2);
await record("decrease_liquidity", npm.decreaseLiquidity({ tokenId: 2, liquidity: position.liquidity, amount0Min: 0,
  amount1Min: 0, deadline }));
await record("collect", npm.collect({ tokenId: 2, recipient: me, amount0Max: 2n ** 128n - 1n,
  amount1Max: 2n ** 128n - 1n }));
await record("burn", npm.burn(2));
console.log(JSON.stringify({ manager: npmAddress, txs }));
