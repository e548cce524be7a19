//! Field readers for the wire's leniency, used with `#[serde(deserialize_with = "…")]` by the wire and error types.

use serde::{Deserialize, Deserializer};

/// `null` (or, with `#[serde(default)]`, an absent field) as the type's default: the server may send `null` where a
/// list, a flag, a time or a message belongs.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A member that must be present but may be `null` (an envelope's `response`: its presence tells an envelope from
/// other JSON). With `deserialize_with`, serde reports a missing member instead of defaulting the `Option`.
pub fn present_or_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}
