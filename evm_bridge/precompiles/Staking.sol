// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

address constant STAKING_PRECOMPILE_ADDRESS = 0x0000000000000000000000000000000000001005;

IStaking constant STAKING_CONTRACT = IStaking(STAKING_PRECOMPILE_ADDRESS);

/// Delegation from Solidity. delegate takes msg.value in wei (a whole number of usei);
/// undelegate and redelegate amounts are in usei (1 SEI = 1,000,000 usei).
interface IStaking {
    struct Balance {
        uint256 amount;
        string denom;
    }

    struct DelegationDetails {
        string delegator_address;
        uint256 shares;
        uint256 decimals;
        string validator_address;
    }

    struct Delegation {
        Balance balance;
        DelegationDetails delegation;
    }

    struct Validator {
        string operatorAddress;
        bytes consensusPubkey;
        bool jailed;
        uint8 status; // 1 unbonded, 2 unbonding, 3 bonded
        uint256 tokens;
        uint256 delegatorShares; // 18 decimals
        string moniker;
        uint256 commissionRate; // 18 decimals
        uint256 minSelfDelegation;
    }

    event Delegate(address indexed delegator, string validator, uint256 amount);
    event Undelegate(address indexed delegator, string validator, uint256 amount);
    event Redelegate(address indexed delegator, string srcValidator, string dstValidator, uint256 amount);

    function delegate(string memory valAddress) external payable returns (bool success);

    function redelegate(string memory srcAddress, string memory dstAddress, uint256 amount)
        external returns (bool success);

    function undelegate(string memory valAddress, uint256 amount) external returns (bool success);

    function delegation(address delegator, string memory valAddress)
        external view returns (Delegation memory response);

    function validator(string memory valAddress) external view returns (Validator memory response);
}
