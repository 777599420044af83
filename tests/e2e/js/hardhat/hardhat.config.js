// Hardhat project for pysei's JSON-RPC e2e test: compiles contracts/ with the solc
// from npm (never downloads a compiler) and deploys to the node at $PYSEI_RPC.
const os = require("os");
const path = require("path");
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");
const solc = require("solc");

const SOLC_VERSION = solc.version().split("+")[0];
const OUT = process.env.PYSEI_HARDHAT_OUT || path.join(os.tmpdir(), "pysei-hardhat");

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args, hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version().replace(/\.Emscripten\.clang$/, ""),
  };
});

module.exports = {
  solidity: { version: SOLC_VERSION, settings: { optimizer: { enabled: true, runs: 200 } } },
  defaultNetwork: "pysei",
  networks: {
    pysei: {
      url: process.env.PYSEI_RPC || "http://127.0.0.1:8545",
      chainId: Number(process.env.PYSEI_CHAIN_ID || 713714),
      accounts: process.env.PYSEI_KEY ? [process.env.PYSEI_KEY] : [],
    },
  },
  paths: {
    artifacts: path.join(OUT, "artifacts"),
    cache: path.join(OUT, "cache"),
  },
};
