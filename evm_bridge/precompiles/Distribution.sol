// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

address constant DISTR_PRECOMPILE_ADDRESS = 0x0000000000000000000000000000000000001007;

IDistr constant DISTR_CONTRACT = IDistr(DISTR_PRECOMPILE_ADDRESS);

/// Staking rewards from Solidity (Sei's signatures). The delegator is the caller's Sei
/// address; withdrawn and event amounts are in usei. `rewards` reports each coin as an
/// 18-decimal fixed-point amount (amount = usei * 10^18, decimals = 18), as Sei does.
/// withdrawValidatorCommission always reverts "no validator commission to withdraw":
/// commission is paid to the operator when each block's fees are allocated.
interface IDistr {
    event WithdrawAddressSet(address indexed delegator, address withdrawAddr);
    event DelegationRewardsWithdrawn(address indexed delegator, string validator, uint256 amount);
    event MultipleDelegationRewardsWithdrawn(address indexed delegator, string[] validators, uint256[] amounts);
    event ValidatorCommissionWithdrawn(string indexed validator, uint256 amount);

    struct Coin {
        uint256 amount;
        uint256 decimals;
        string denom;
    }

    struct Reward {
        Coin[] coins;
        string validator_address;
    }

    struct Rewards {
        Reward[] rewards;
        Coin[] total;
    }

    function setWithdrawAddress(address withdrawAddr) external returns (bool success);

    function withdrawDelegationRewards(string memory validator) external returns (bool success);

    function withdrawMultipleDelegationRewards(string[] memory validators) external returns (bool success);

    function withdrawValidatorCommission() external returns (bool success);

    function rewards(address delegatorAddress) external view returns (Rewards memory rewards);
}
