// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

import "./Wasmd.sol";

/// Calls CosmWasm contracts through the wasmd precompile, for the precompile tests.
/// Its Sei address (the direct cast of its EVM address) is the contracts' sender.
contract WasmUser {
    bytes public lastResponse;

    event Queried(bytes response);

    /// Executes `execMsg` on `target` (e.g. a cw20 transfer), then queries it with `req`.
    function executeAndQuery(string calldata target, bytes calldata execMsg, bytes calldata req)
        external returns (bytes memory response)
    {
        WASMD_CONTRACT.execute(target, execMsg, bytes(""));
        response = WASMD_CONTRACT.query(target, req);
        lastResponse = response;
        emit Queried(response);
    }

    function executeWithValue(string calldata target, bytes calldata execMsg, bytes calldata coins)
        external payable returns (bytes memory)
    {
        return WASMD_CONTRACT.execute{value: msg.value}(target, execMsg, coins);
    }

    function executeThenRevert(string calldata target, bytes calldata execMsg) external {
        WASMD_CONTRACT.execute(target, execMsg, bytes(""));
        revert("undo");
    }

    /// The inner call executes then reverts; this call itself succeeds.
    function tryExecuteThenRevert(string calldata target, bytes calldata execMsg) external returns (bool ok) {
        try this.executeThenRevert(target, execMsg) {
            ok = true;
        } catch {
            ok = false;
        }
    }

    function staticExecute(string calldata target, bytes calldata execMsg) external view returns (bool ok) {
        (ok, ) = WASMD_PRECOMPILE_ADDRESS.staticcall(
            abi.encodeWithSignature("execute(string,bytes,bytes)", target, execMsg, bytes(""))
        );
    }

    function delegateExecute(string calldata target, bytes calldata execMsg) external returns (bool ok) {
        (ok, ) = WASMD_PRECOMPILE_ADDRESS.delegatecall(
            abi.encodeWithSignature("execute(string,bytes,bytes)", target, execMsg, bytes(""))
        );
    }

    function batch(IWasmd.ExecuteMsg[] calldata msgs) external payable returns (bytes[] memory) {
        return WASMD_CONTRACT.execute_batch{value: msg.value}(msgs);
    }

    function instantiate(uint64 codeId, bytes calldata initMsg, string calldata label)
        external returns (string memory addr, bytes memory data)
    {
        return WASMD_CONTRACT.instantiate(codeId, "", initMsg, label, bytes(""));
    }

    function query(string calldata target, bytes calldata req) external view returns (bytes memory) {
        return WASMD_CONTRACT.query(target, req);
    }
}
