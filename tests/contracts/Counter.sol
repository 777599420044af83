// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Storage, events, reverts and block context, for the EVM execution tests.
contract Counter {
    uint256 public count;
    address public lastCaller;

    event Incremented(address indexed by, uint256 newCount);

    function increment() external {
        count += 1;
        lastCaller = msg.sender;
        emit Incremented(msg.sender, count);
    }

    function incrementThenRevert() external {
        count += 1;
        revert("no way");
    }

    function burnGas() external {
        while (true) {
            count += 1;
        }
    }

    function blockInfo() external view returns (uint256 number, uint256 time, uint256 chain, address miner, uint256 fee) {
        return (block.number, block.timestamp, block.chainid, block.coinbase, block.basefee);
    }

    function previousHash() external view returns (bytes32) {
        return blockhash(block.number - 1);
    }
}
