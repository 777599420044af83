"""Staking, distribution and slashing: the stake that decides CometBFT's validator set.

Three modules (entry points ``staking``, ``distribution``, ``slashing``) over one package:

* ``records``   -- fixed-point scales, validator/params records and their canonical encoding
* ``state``     -- store key layout and typed reads/writes (validators, delegations, queues)
* ``ops``       -- create/edit validator, delegate, undelegate, redelegate: the rules, shared
  by native messages and the EVM staking precompile (``native``)
* ``rewards``   -- fee distribution with a cumulative reward-per-share accumulator
* ``liveness``  -- missed-block window, jailing, double-sign slashing, unjail
* ``bonded``    -- unbonding maturity and the bonded set -> CometBFT ``validator_updates``
* ``messages``, ``queries``, ``genesis``, ``module`` -- the module API glue

End of block (modules run in name order): ``distribution`` pays the block's fees to the
validators CometBFT was last told about; ``slashing`` reads the votes and evidence;
``staking`` matures unbondings; then ``staking.validator_updates`` recomputes the bonded set,
moves tokens between the bonded and not-bonded pools and returns the power changes.
Genesis validators enter unbonded and are bonded by block 1's updates, the same path as a
``MsgCreateValidator`` (``abci_app.cli.home_init`` writes genesis.json's validators with the same
powers, so CometBFT's view and staking agree from the start).
"""
