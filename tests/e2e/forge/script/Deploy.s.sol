// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Tally} from "../src/Tally.sol";

/// The cheatcodes this script uses (forge-std's Vm, reduced to what is needed here).
interface Vm {
    function envUint(string calldata name) external view returns (uint256);
    function envOr(string calldata name, uint256 fallbackValue) external view returns (uint256);
    function startBroadcast(uint256 privateKey) external;
    function stopBroadcast() external;
}

/// Deploys a Tally and bumps it CALLS times (default 30) from one key.
contract Deploy {
    Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function run() external {
        uint256 calls = vm.envOr("CALLS", uint256(30));
        vm.startBroadcast(vm.envUint("PRIVATE_KEY"));
        Tally tally = new Tally();
        for (uint256 i = 0; i < calls; i++) {
            tally.bump();
        }
        vm.stopBroadcast();
    }
}
