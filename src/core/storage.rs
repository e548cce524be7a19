//! Storage schema (pure): key names, the key-value backend trait with an in-memory implementation, and the
//! versioned snapshot encoding whose decoder ignores corrupt, foreign-version or oversized data and says why.
//!
//! Layout, per frontend API host (so two instances on one page never collide):
//! - localStorage `__clerk_wasm:v1:<host>:client_token` — the client token, raw;
//! - localStorage `…:client` and `…:environment` — [`Persisted`] snapshots (JSON with a `version` field); the client
//!   snapshot also names the client token it belongs to (by [`token_fingerprint`]), see [`decode_client_snapshot`];
//! - sessionStorage `…:active_session` — this tab's [`TabChoice`] (a session id, or empty for "no account").
//!
//! The `v1` in the key is the layout of the keys; the snapshot `version` is the shape of a snapshot's data and
//! can be upgraded in place through [`decode_snapshot_with`].
//!
//! The core decides what is stored and how it is checked; turning snapshots into JSON text and back is the
//! platform's ([`JsonText`]), so the core never parses or writes JSON itself.

use super::state::TabChoice;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// First part of every key; marks the keys as this SDK's.
pub const KEY_PREFIX: &str = "__clerk_wasm";

/// Version of the key layout (bump when keys are renamed or split; old keys are then simply ignored).
pub const KEY_LAYOUT_VERSION: &str = "v1";

/// `<KEY_PREFIX>:<KEY_LAYOUT_VERSION>:`, the start of every key.
const KEY_START: &str = "__clerk_wasm:v1:";

/// Version of the snapshot data shape written by this build.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Stored values larger than this are ignored and not written: 512 KiB is far above a real client (a few KiB per
/// session) yet well under the ~5 MiB per-origin localStorage quota shared with the host page, and parsing
/// something bigger on every load would delay first paint.
pub const MAX_PERSISTED_BYTES: usize = 512 * 1024;

/// Longest client token or session id accepted from storage (the server's tokens are ~80 characters).
pub const MAX_ID_BYTES: usize = 4096;

/// JSON text to typed values and back, done by the platform: the browser's `JSON` with serde-wasm-bindgen in the
/// wasm build, `serde_json` in the native tests.
pub trait JsonText {
    /// `text` parsed and read as a `T`; `None` when it is not JSON, or not of that shape.
    fn parse<T: DeserializeOwned>(&self, text: &str) -> Option<T>;
    /// `value` as JSON text; `None` when it cannot be encoded.
    fn stringify<T: Serialize>(&self, value: &T) -> Option<String>;
}

/// A backend failure (the adapter maps browser exceptions to these and then falls back to memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// Storage is missing or refuses access (private mode, disabled cookies, sandboxed iframe).
    Unavailable(String),
    /// The write exceeds the quota.
    QuotaExceeded,
    /// Any other failure.
    Other(String),
}

/// A string key-value store: localStorage, sessionStorage, or memory.
pub trait KeyValueStore {
    /// The value under `key`, if any.
    fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    /// Stores `value` under `key`.
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    /// Removes `key` (no error when absent).
    fn remove(&self, key: &str) -> Result<(), StorageError>;
}

/// In-memory store: the fallback when browser storage is missing or failing, and the test backend.
#[derive(Debug, Default)]
pub struct MemoryStore {
    /// The values.
    map: RefCell<BTreeMap<String, String>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl KeyValueStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.map.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.map
            .borrow_mut()
            .insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.map.borrow_mut().remove(key);
        Ok(())
    }
}

/// Which of our keys a storage key is (for `storage` events from other tabs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// The client token.
    ClientToken,
    /// The client snapshot.
    Client,
    /// The environment snapshot.
    Environment,
    /// This tab's active account (sessionStorage).
    ActiveSession,
}

/// The storage keys of one frontend API host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageKeys {
    /// localStorage: the client token.
    pub client_token: String,
    /// localStorage: the client snapshot.
    pub client: String,
    /// localStorage: the environment snapshot.
    pub environment: String,
    /// sessionStorage: this tab's active account.
    pub active_session: String,
}

impl StorageKeys {
    /// The keys for a frontend API host (`FrontendApi::host`, e.g. `127.0.0.1:8787`).
    pub fn for_host(host: &str) -> Self {
        let key = |name: &str| [KEY_START, host, ":", name].concat();
        StorageKeys {
            client_token: key("client_token"),
            client: key("client"),
            environment: key("environment"),
            active_session: key("active_session"),
        }
    }

    /// Which of these keys `key` is; `None` for keys of other hosts, other versions or other code.
    pub fn classify(&self, key: &str) -> Option<KeyKind> {
        if key == self.client_token {
            Some(KeyKind::ClientToken)
        } else if key == self.client {
            Some(KeyKind::Client)
        } else if key == self.environment {
            Some(KeyKind::Environment)
        } else if key == self.active_session {
            Some(KeyKind::ActiveSession)
        } else {
            None
        }
    }
}

/// Why a stored value was ignored (the adapter logs it once, removes the key and carries on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageIssue {
    /// Larger than [`MAX_PERSISTED_BYTES`] (or [`MAX_ID_BYTES`] for ids).
    Oversized {
        /// Size found.
        bytes: usize,
    },
    /// Not JSON, no version, or data of the wrong shape.
    Corrupt(String),
    /// Written by a newer SDK, or an older one no upgrade exists for.
    ForeignVersion(u32),
    /// A client snapshot of another client: written for another client token than the one it is read with, or
    /// for none. Not an error (another instance or tab holds that client); the value is left where it is.
    OtherClient,
}

/// The stored form of a snapshot: data plus its shape version and when it was saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Persisted<T> {
    /// Shape version of `data` ([`SNAPSHOT_VERSION`] when written by this build).
    pub version: u32,
    /// When it was written (Unix ms).
    pub saved_at_ms: u64,
    /// Client snapshots: the [`token_fingerprint`] of the client token the client was fetched with (`None` for
    /// environments, and for client snapshots without a token, which no reader trusts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_fingerprint: Option<String>,
    /// The snapshot (a `Client` or an `Environment`, in wire format: the browser stores the value the server sent,
    /// see `adapters::json::Kept`).
    pub data: T,
}

/// A decoded snapshot, saying whether it was upgraded (then the adapter writes it back in the current shape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<T> {
    /// The snapshot.
    pub snapshot: Persisted<T>,
    /// The version it was upgraded from, if it was.
    pub upgraded_from: Option<u32>,
}

/// Turns the JSON of a version-`from` snapshot into the JSON of a later version (`None`: no upgrade known).
pub type Upgrader = fn(from: u32, json: &str) -> Option<String>;

/// The upgrades this build knows. Version 1 is the first, so there is none yet; a future version 2 adds
/// `1 => Some(rewrite_v1_as_v2(json))` here and [`decode_snapshot`] applies it on load.
pub fn builtin_upgrades(_from: u32, _json: &str) -> Option<String> {
    None
}

/// Only the version field: read when a snapshot does not decode, so a foreign shape is reported as a version, not
/// as corruption.
#[derive(Deserialize)]
struct VersionProbe {
    /// The shape version.
    version: u32,
}

/// Encodes a snapshot for storage; `Err(Oversized)` when it is too large to store.
pub fn encode_snapshot<J: JsonText, T: Serialize>(
    json: &J,
    data: &T,
    now_ms: u64,
) -> Result<String, StorageIssue> {
    encode_persisted(json, data, None, now_ms)
}

/// Encodes a client snapshot for storage, naming the client token it belongs to (see [`decode_client_snapshot`]).
pub fn encode_client_snapshot<J: JsonText, T: Serialize>(
    json: &J,
    client: &T,
    client_token: Option<&str>,
    now_ms: u64,
) -> Result<String, StorageIssue> {
    encode_persisted(json, client, client_token.map(token_fingerprint), now_ms)
}

/// Encodes a snapshot with its envelope; `Err(Oversized)` when it is too large to store.
fn encode_persisted<J: JsonText, T: Serialize>(
    json: &J,
    data: &T,
    token_fingerprint: Option<String>,
    now_ms: u64,
) -> Result<String, StorageIssue> {
    let persisted = Persisted {
        version: SNAPSHOT_VERSION,
        saved_at_ms: now_ms,
        token_fingerprint,
        data,
    };
    let text = json
        .stringify(&persisted)
        .ok_or_else(|| StorageIssue::Corrupt("it cannot be encoded as JSON".into()))?;
    if text.len() > MAX_PERSISTED_BYTES {
        return Err(StorageIssue::Oversized { bytes: text.len() });
    }
    Ok(text)
}

/// Decodes a stored snapshot with the built-in upgrades.
pub fn decode_snapshot<J: JsonText, T: DeserializeOwned>(
    json: &J,
    raw: &str,
) -> Result<Decoded<T>, StorageIssue> {
    decode_snapshot_with(json, raw, builtin_upgrades)
}

/// Decodes a stored snapshot, upgrading older versions step by step with `upgrade`.
pub fn decode_snapshot_with<J: JsonText, T: DeserializeOwned>(
    json: &J,
    raw: &str,
    upgrade: Upgrader,
) -> Result<Decoded<T>, StorageIssue> {
    if raw.len() > MAX_PERSISTED_BYTES {
        return Err(StorageIssue::Oversized { bytes: raw.len() });
    }
    // Reads the text if it has the current version, else upgrades it one step and goes on: every step must move the
    // version forward, so a faulty upgrader cannot loop forever.
    let mut text = Cow::Borrowed(raw);
    let mut upgraded_from = None;
    loop {
        let version = match json.parse::<Persisted<T>>(&text) {
            Some(snapshot) if snapshot.version == SNAPSHOT_VERSION => {
                return Ok(Decoded {
                    snapshot,
                    upgraded_from,
                })
            }
            Some(snapshot) => snapshot.version,
            None => match version_of(json, &text)? {
                SNAPSHOT_VERSION => {
                    return Err(StorageIssue::Corrupt(
                        "the data does not have the snapshot's shape".into(),
                    ))
                }
                version => version,
            },
        };
        if version > SNAPSHOT_VERSION {
            return Err(StorageIssue::ForeignVersion(version));
        }
        let next = upgrade(version, &text).ok_or(StorageIssue::ForeignVersion(version))?;
        if next.len() > MAX_PERSISTED_BYTES {
            return Err(StorageIssue::Oversized { bytes: next.len() });
        }
        if version_of(json, &next)? <= version {
            return Err(StorageIssue::Corrupt(format!(
                "upgrade from version {version} did not advance"
            )));
        }
        upgraded_from = upgraded_from.or(Some(version));
        text = Cow::Owned(next);
    }
}

/// The `version` of a snapshot's JSON.
fn version_of<J: JsonText>(json: &J, text: &str) -> Result<u32, StorageIssue> {
    json.parse::<VersionProbe>(text)
        .map(|probe| probe.version)
        .ok_or_else(|| StorageIssue::Corrupt("not a snapshot".into()))
}

/// A short fingerprint of a client token (64-bit FNV-1a, hex), stored with a client snapshot to say which client
/// token it belongs to without writing the token a second time. It only tells tokens apart; it protects nothing
/// (the token itself sits next to it in the same storage).
pub fn token_fingerprint(client_token: &str) -> String {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = client_token
        .bytes()
        .fold(OFFSET_BASIS, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    format!("{hash:016x}")
}

/// Decodes a stored client snapshot for an instance holding `client_token`. A client snapshot stands for the
/// client of the token it was written for and no other: read with another token, or with none, or written without
/// one (by an instance without a token, or by an older build), it is `Err(OtherClient)`. Showing it would show
/// accounts this instance cannot act for: its requests carry its own token, so the first answer would replace them.
pub fn decode_client_snapshot<J: JsonText, T: DeserializeOwned>(
    json: &J,
    raw: &str,
    client_token: Option<&str>,
) -> Result<Decoded<T>, StorageIssue> {
    let decoded = decode_snapshot::<J, T>(json, raw)?;
    let expected = client_token.map(token_fingerprint);
    match (&decoded.snapshot.token_fingerprint, expected) {
        (Some(stored), Some(expected)) if *stored == expected => Ok(decoded),
        _ => Err(StorageIssue::OtherClient),
    }
}

/// Whether an instance holding `own_token` may write the client's state (the client snapshot, this tab's account)
/// when storage holds `stored_token`: only while they are the same. Storage describes the client of the stored
/// token; an instance whose token is not the stored one (the page's storage was cleared or taken over by another
/// instance that got a new client) would otherwise write another client's accounts next to that token. Writing a new
/// token (the server handed one out) makes an instance the holder again.
pub fn may_write_client_state(stored_token: Option<&str>, own_token: Option<&str>) -> bool {
    stored_token == own_token
}

/// Checks a stored id-like string (client token, session id): non-empty, bounded, visible ASCII (it is sent as an
/// HTTP header value, which would make `fetch` throw otherwise).
fn check_id(raw: &str) -> Result<String, StorageIssue> {
    if raw.len() > MAX_ID_BYTES {
        return Err(StorageIssue::Oversized { bytes: raw.len() });
    }
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(StorageIssue::Corrupt(
            "not a non-empty visible-ASCII string".into(),
        ));
    }
    Ok(raw.to_string())
}

/// Decodes the stored client token.
pub fn decode_client_token(raw: &str) -> Result<String, StorageIssue> {
    check_id(raw)
}

/// Encodes this tab's choice for sessionStorage: the session id, or `""` for "no account".
pub fn encode_tab_choice(choice: &TabChoice) -> String {
    match choice {
        TabChoice::Session(id) => id.clone(),
        TabChoice::NoSession => String::new(),
    }
}

/// Decodes this tab's stored choice.
pub fn decode_tab_choice(raw: &str) -> Result<TabChoice, StorageIssue> {
    if raw.is_empty() {
        return Ok(TabChoice::NoSession);
    }
    check_id(raw).map(TabChoice::Session)
}

/// The result of reading one of our keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded<T> {
    /// Nothing stored.
    Missing,
    /// A usable value.
    Found(T),
    /// A stored value was unusable; it has been removed (log the issue once).
    Ignored(StorageIssue),
    /// The backend failed (fall back to memory).
    Failed(StorageError),
}

/// Reads `key` and decodes it with `decode`; an undecodable value is removed so it is reported only once.
fn load_with<S, T>(
    store: &S,
    key: &str,
    decode: impl FnOnce(&str) -> Result<T, StorageIssue>,
) -> Loaded<T>
where
    S: KeyValueStore + ?Sized,
{
    match store.get(key) {
        Err(e) => Loaded::Failed(e),
        Ok(None) => Loaded::Missing,
        Ok(Some(raw)) => match decode(&raw) {
            Ok(v) => Loaded::Found(v),
            Err(issue) => {
                // Best effort: if removal fails too, the next load reports the same issue again.
                let _ = store.remove(key);
                Loaded::Ignored(issue)
            }
        },
    }
}

/// Loads a snapshot (`keys.client` or `keys.environment`).
pub fn load_snapshot<J: JsonText, S: KeyValueStore + ?Sized, T: DeserializeOwned>(
    json: &J,
    store: &S,
    key: &str,
) -> Loaded<Decoded<T>> {
    load_with(store, key, |raw| decode_snapshot(json, raw))
}

/// Loads the client snapshot (`keys.client`) for an instance holding `client_token`. A snapshot of another client
/// ([`decode_client_snapshot`]) counts as `Missing` and is left in place: it is not broken, only not ours, and its
/// writer may still hold that client.
pub fn load_client_snapshot<J: JsonText, S: KeyValueStore + ?Sized, T: DeserializeOwned>(
    json: &J,
    store: &S,
    key: &str,
    client_token: Option<&str>,
) -> Loaded<Decoded<T>> {
    let loaded = load_with(store, key, |raw| {
        match decode_client_snapshot(json, raw, client_token) {
            Err(StorageIssue::OtherClient) => Ok(None),
            decoded => decoded.map(Some),
        }
    });
    match loaded {
        Loaded::Found(Some(decoded)) => Loaded::Found(decoded),
        Loaded::Found(None) | Loaded::Missing => Loaded::Missing,
        Loaded::Ignored(issue) => Loaded::Ignored(issue),
        Loaded::Failed(error) => Loaded::Failed(error),
    }
}

/// Loads the client token (`keys.client_token`).
pub fn load_client_token<S: KeyValueStore + ?Sized>(store: &S, key: &str) -> Loaded<String> {
    load_with(store, key, decode_client_token)
}

/// Loads this tab's choice (`keys.active_session`, from sessionStorage).
pub fn load_tab_choice<S: KeyValueStore + ?Sized>(store: &S, key: &str) -> Loaded<TabChoice> {
    load_with(store, key, decode_tab_choice)
}

#[cfg(test)]
#[path = "storage_tests.rs"]
mod tests;
