// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

address constant ADDR_PRECOMPILE_ADDRESS = 0x0000000000000000000000000000000000001004;

IAddr constant ADDR_CONTRACT = IAddr(ADDR_PRECOMPILE_ADDRESS);

/// The association between sei1… and 0x… addresses of one key.
interface IAddr {
    /// Links the signer of an EIP-191 personal message (v, r, s as hex strings).
    function associate(string memory v, string memory r, string memory s, string memory customMessage)
        external returns (string memory seiAddr, address evmAddr);

    /// Links the caller to its compressed secp256k1 public key (hex, no 0x).
    function associatePubKey(string memory pubKeyHex) external returns (string memory seiAddr, address evmAddr);

    /// Reverts when the address is not associated.
    function getSeiAddr(address addr) external view returns (string memory response);

    /// Reverts when the address is not associated.
    function getEvmAddr(string memory addr) external view returns (address response);
}
