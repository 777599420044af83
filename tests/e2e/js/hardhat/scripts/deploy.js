// `npx hardhat run scripts/deploy.js`: deploy Counter through Hardhat's provider (which
// signs locally with the configured key), call it, read it back, see a revert reason.
// Prints one JSON line.
const hre = require("hardhat");
const { ethers } = require("ethers");

async function main() {
  const artifact = await hre.artifacts.readArtifact("Counter");
  const provider = new ethers.BrowserProvider(hre.network.provider);
  const signer = await provider.getSigner();
  const counter = await new ethers.ContractFactory(artifact.abi, artifact.bytecode, signer).deploy();
  await counter.waitForDeployment();
  const receipt = await (await counter.increase(5n)).wait();
  const event = counter.interface.parseLog(receipt.logs[0]);
  let revert = null;
  try {
    await counter.increase.staticCall(0n);
  } catch (e) {
    revert = e.reason ?? e.shortMessage;
  }
  console.log(JSON.stringify({
    chainId: (await provider.getNetwork()).chainId.toString(),
    address: await counter.getAddress(),
    count: (await counter.count()).toString(),
    event: event.name,
    status: receipt.status,
    revert,
  }));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
