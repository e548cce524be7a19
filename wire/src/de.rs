//! Field readers for the wire's leniency, used with `#[serde(deserialize_with = "…")]` here and by the SDK's own
//! wire types.

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

/// A member that must be present, read as its own type (an `Option` still takes `null`). With `deserialize_with`,
/// serde reports a missing member instead of defaulting an `Option` to `None`.
pub fn present<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer)
}
