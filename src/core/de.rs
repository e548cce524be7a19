//! Field readers for the wire's leniency, used with `#[serde(deserialize_with = "…")]` by the SDK's wire types;
//! they live in the shared `clerk-wasm-wire` crate, whose types use them too.

pub use clerk_wasm_wire::de::null_as_default;
