// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

address constant WASMD_PRECOMPILE_ADDRESS = 0x0000000000000000000000000000000000001002;

IWasmd constant WASMD_CONTRACT = IWasmd(WASMD_PRECOMPILE_ADDRESS);

/// CosmWasm contracts from Solidity. The caller's Sei address (its association, else the
/// direct cast of its EVM address) is the contract's sender. `coins` is JSON
/// (`[{"denom":"usei","amount":"5"}]`, or empty bytes for none); msg.value (wei, a whole
/// number of usei) must equal the usei in `coins` (summed over a batch).
interface IWasmd {
    struct ExecuteMsg {
        string contractAddress;
        bytes msg;
        bytes coins;
    }

    function instantiate(uint64 codeID, string memory admin, bytes memory msg, string memory label, bytes memory coins)
        external payable returns (string memory contractAddr, bytes memory data);

    function execute(string memory contractAddress, bytes memory msg, bytes memory coins)
        external payable returns (bytes memory response);

    function execute_batch(ExecuteMsg[] memory executeMsgs) external payable returns (bytes[] memory responses);

    function query(string memory contractAddress, bytes memory req) external view returns (bytes memory response);
}
