// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

address constant POINTER_PRECOMPILE_ADDRESS = 0x000000000000000000000000000000000000100b;

IPointer constant POINTER_CONTRACT = IPointer(POINTER_PRECOMPILE_ADDRESS);

/// Registers pointer contracts: anyone may, for a pointee that has none.
interface IPointer {
    /// Deploys the ERC-20 pointer of a bank denom (the denom must have bank metadata).
    function addNativePointer(string memory token) external returns (address ret);

    /// Deploys the ERC-20 pointer of a CW20 contract (name and symbol from its token_info).
    function addCW20Pointer(string memory cwAddr) external returns (address ret);

    /// Not supported yet in pysei (reverts).
    function addCW721Pointer(string memory cwAddr) external returns (address ret);

    /// Not supported yet in pysei (reverts).
    function addCW1155Pointer(string memory cwAddr) external returns (address ret);
}
