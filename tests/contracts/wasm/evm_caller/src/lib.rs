//! A test contract for Wasm -> EVM calls: `execute {"call": {"to", "data"}}` sends Sei's
//! `call_evm` custom message; `query {"static_call": {"to", "data"}}` asks the `evm` route's
//! `static_call` custom query and returns its answer as is. `data` is base64.

use cosmwasm_std::{
    entry_point, Binary, CosmosMsg, CustomMsg, CustomQuery, Deps, DepsMut, Env, MessageInfo, QueryRequest,
    Response, StdResult, Uint128,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeiMsg {
    CallEvm { value: Uint128, to: String, data: String },
}

impl CustomMsg for SeiMsg {}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum EvmQuery {
    StaticCall { from: String, to: String, data: String },
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SeiQueryWrapper {
    pub route: String,
    pub query_data: EvmQuery,
}

impl CustomQuery for SeiQueryWrapper {}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ExecuteMsg {
    Call { to: String, data: String },
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum QueryMsg {
    StaticCall { to: String, data: String },
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StaticCallResponse {
    pub encoded_data: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct InstantiateMsg {}

#[entry_point]
pub fn instantiate(_deps: DepsMut<SeiQueryWrapper>, _env: Env, _info: MessageInfo, _msg: InstantiateMsg) -> StdResult<Response<SeiMsg>> {
    Ok(Response::new())
}

#[entry_point]
pub fn execute(_deps: DepsMut<SeiQueryWrapper>, _env: Env, _info: MessageInfo, msg: ExecuteMsg) -> StdResult<Response<SeiMsg>> {
    match msg {
        ExecuteMsg::Call { to, data } => Ok(Response::new()
            .add_attribute("action", "call_evm")
            .add_message(CosmosMsg::Custom(SeiMsg::CallEvm { value: Uint128::zero(), to, data }))),
    }
}

#[entry_point]
pub fn query(deps: Deps<SeiQueryWrapper>, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::StaticCall { to, data } => {
            let request = QueryRequest::Custom(SeiQueryWrapper {
                route: "evm".to_string(),
                query_data: EvmQuery::StaticCall { from: env.contract.address.to_string(), to, data },
            });
            let answer: StaticCallResponse = deps.querier.query(&request)?;
            cosmwasm_std::to_json_binary(&answer)
        }
    }
}
