// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

address constant STAKING_PRECOMPILE_ADDRESS = 0x0000000000000000000000000000000000001005;

IStaking constant STAKING_CONTRACT = IStaking(STAKING_PRECOMPILE_ADDRESS);

/// Delegation from Solidity. delegate and createValidator take msg.value in wei (a whole
/// number of usei); undelegate and redelegate amounts are in usei (1 SEI = 1,000,000 usei).
/// createValidator makes the caller's associated Sei address the operator; value is the
/// self-delegation. validators pages by 100 ("" status = all; nextKey "" for the first page).
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

    /// Sei's layout: the SDK's string forms; consensusPubkey is the protobuf ed25519
    /// PubKey, description the SDK's Description.String() (YAML), times in unix seconds.
    struct Validator {
        string operatorAddress;
        bytes consensusPubkey;
        bool jailed;
        int32 status; // 1 unbonded, 2 unbonding, 3 bonded
        string tokens;
        string delegatorShares;
        string description;
        int64 unbondingHeight;
        int64 unbondingTime;
        string commissionRate;
        string commissionMaxRate;
        string commissionMaxChangeRate;
        int64 commissionUpdateTime;
        string minSelfDelegation;
    }

    struct ValidatorsResponse {
        Validator[] validators;
        bytes nextKey;
    }

    event Delegate(address indexed delegator, string validator, uint256 amount);
    event Undelegate(address indexed delegator, string validator, uint256 amount);
    event Redelegate(address indexed delegator, string srcValidator, string dstValidator, uint256 amount);
    event ValidatorCreated(address indexed creator, string validatorAddress, string moniker);

    function delegate(string memory valAddress) external payable returns (bool success);

    function redelegate(string memory srcAddress, string memory dstAddress, uint256 amount)
        external returns (bool success);

    function undelegate(string memory valAddress, uint256 amount) external returns (bool success);

    function delegation(address delegator, string memory valAddress)
        external view returns (Delegation memory response);

    function createValidator(
        string memory pubKeyHex,
        string memory moniker,
        string memory commissionRate,
        string memory commissionMaxRate,
        string memory commissionMaxChangeRate,
        uint256 minSelfDelegation
    ) external payable returns (bool success);

    function validator(string memory valAddress) external view returns (Validator memory response);

    function validators(string memory status, bytes memory nextKey)
        external view returns (ValidatorsResponse memory response);
}
