//! Per-session JWT cache with in-flight bookkeeping. Pure: the clock is passed in (`now_ms`, Unix milliseconds).
//!
//! The adapter's `getToken(sessionId)` is: [`TokenCache::get`]; on a miss [`TokenCache::begin_fetch`] (share the
//! pending request on `AlreadyInFlight`); on the answer [`TokenCache::finish_fetch`] or [`TokenCache::fail_fetch`].

use super::error::{codes, ClerkError, NO_HTTP_STATUS};
use super::wire::{invalid_token, JwtClaims};
#[cfg(test)]
use super::{
    b64,
    wire::{invalid_payload, parse_jwt_claims},
};

/// A cached token is served until this long before it expires. The token still has to travel to the app's server
/// and be verified there; 10 s covers that trip (and a request timeout) plus small clock differences between the
/// app's server and the issuer, so a served token is never rejected as expired on arrival.
pub const EXPIRY_LEEWAY_MS: u64 = 10_000;

/// Reads a JWT's claims: splits the three parts and hands the payload to `read_payload`, the platform's base64url
/// and JSON decoding (no signature check: the SDK only reads `sid`/`exp`; servers verify).
pub fn decode_claims(
    jwt: &str,
    read_payload: impl FnOnce(&str) -> Result<JwtClaims, ClerkError>,
) -> Result<JwtClaims, ClerkError> {
    match jwt.split('.').collect::<Vec<_>>()[..] {
        [_header, payload, _signature] => read_payload(payload),
        _ => Err(invalid_token("not three dot-separated parts")),
    }
}

/// Permission to fetch a token for one session; hand it back with the answer.
#[derive(Debug, PartialEq, Eq)]
pub struct FetchTicket {
    /// The session the token is requested for.
    session_id: String,
    /// Generation of this fetch; a ticket whose generation is no longer current is stale.
    generation: u64,
    /// When the request started (Unix ms); the token's lifetime is counted from here.
    started_at_ms: u64,
}

impl FetchTicket {
    /// The session the token is requested for.
    pub fn session_id(&self) -> &str {
        &self.session_id
    }
}

/// Answer of [`TokenCache::begin_fetch`].
#[derive(Debug, PartialEq, Eq)]
pub enum BeginFetch {
    /// No request is pending for this session: start one with this ticket.
    Start(FetchTicket),
    /// A request for this session is already pending: wait for its result instead.
    AlreadyInFlight,
}

/// Answer of [`TokenCache::finish_fetch`].
#[derive(Debug, PartialEq, Eq)]
pub enum Finished {
    /// The token is for the requested session (and cached while valid): return it.
    Token(String),
    /// The session was removed or the cache cleared while the request was in flight: discard it (return `null`).
    Stale,
}

/// One cached token.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// The JWT.
    jwt: String,
    /// Its `sid` claim.
    sid: String,
    /// Served until this time (Unix ms).
    valid_until_ms: u64,
}

/// A few values by session id, each id listed at most once (in no particular order). A client has a handful of
/// sessions, so a list beats a map (and a `BTreeMap` per value type costs kilobytes of wasm).
#[derive(Debug, Clone, PartialEq, Eq)]
struct BySession<V>(Vec<(String, V)>);

impl<V> Default for BySession<V> {
    fn default() -> Self {
        BySession(Vec::new())
    }
}

impl<V> BySession<V> {
    /// The value for `id`.
    fn get(&self, id: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, v)| v)
    }

    /// Sets the value for `id`.
    fn insert(&mut self, id: String, value: V) {
        self.remove(&id);
        self.0.push((id, value));
    }

    /// Removes `id` (listed once at most, so the first match is the only one).
    fn remove(&mut self, id: &str) {
        if let Some(at) = self.0.iter().position(|(k, _)| k == id) {
            self.0.swap_remove(at);
        }
    }

    /// Keeps the ids `keep` accepts.
    fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.0.retain(|(k, _)| keep(k));
    }

    /// Removes everything.
    fn clear(&mut self) {
        self.0.clear();
    }
}

/// Tokens by session id, plus which sessions have a request in flight.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TokenCache {
    /// Cached tokens by session id.
    entries: BySession<Entry>,
    /// Generation of the pending request by session id.
    in_flight: BySession<u64>,
    /// Last generation handed out.
    generation: u64,
}

impl TokenCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cached token for `session_id`, if still valid at `now_ms` and really for that session.
    pub fn get(&self, session_id: &str, now_ms: u64) -> Option<&str> {
        self.entries
            .get(session_id)
            .filter(|e| e.sid == session_id && now_ms < e.valid_until_ms)
            .map(|e| e.jwt.as_str())
    }

    /// Whether a request for `session_id` is pending.
    pub fn is_in_flight(&self, session_id: &str) -> bool {
        self.in_flight.get(session_id).is_some()
    }

    /// Starts a fetch for `session_id` at `now_ms`, unless one is already pending.
    pub fn begin_fetch(&mut self, session_id: &str, now_ms: u64) -> BeginFetch {
        if self.is_in_flight(session_id) {
            return BeginFetch::AlreadyInFlight;
        }
        self.generation = self.generation.wrapping_add(1);
        self.in_flight
            .insert(session_id.to_string(), self.generation);
        BeginFetch::Start(FetchTicket {
            session_id: session_id.to_string(),
            generation: self.generation,
            started_at_ms: now_ms,
        })
    }

    /// Whether the ticket is still the pending request of its session.
    fn is_current(&self, ticket: &FetchTicket) -> bool {
        self.in_flight.get(&ticket.session_id) == Some(&ticket.generation)
    }

    /// Records a fetched token with its claims (see [`decode_claims`]). Errors when the JWT was undecodable or its
    /// `sid` is another session (never cached).
    pub fn finish_fetch(
        &mut self,
        ticket: FetchTicket,
        jwt: &str,
        claims: Result<JwtClaims, ClerkError>,
        now_ms: u64,
    ) -> Result<Finished, ClerkError> {
        if !self.is_current(&ticket) {
            return Ok(Finished::Stale);
        }
        self.in_flight.remove(&ticket.session_id);
        let claims = claims?;
        if claims.sid != ticket.session_id {
            return Err(ClerkError::single(
                NO_HTTP_STATUS,
                codes::TOKEN_SESSION_MISMATCH,
                format!(
                    "A token for session {} was returned for session {}",
                    claims.sid, ticket.session_id
                ),
            ));
        }
        let valid_until_ms = valid_until(&claims, ticket.started_at_ms);
        if now_ms < valid_until_ms {
            let entry = Entry {
                jwt: jwt.to_string(),
                sid: claims.sid,
                valid_until_ms,
            };
            self.entries.insert(ticket.session_id, entry);
        }
        Ok(Finished::Token(jwt.to_string()))
    }

    /// Records a failed fetch, so the next call starts a new one.
    pub fn fail_fetch(&mut self, ticket: FetchTicket) {
        if self.is_current(&ticket) {
            self.in_flight.remove(&ticket.session_id);
        }
    }

    /// Forgets a session (signed out or dropped): its token goes, and a pending answer for it will be `Stale`.
    pub fn remove_session(&mut self, session_id: &str) {
        self.entries.remove(session_id);
        self.in_flight.remove(session_id);
    }

    /// Forgets every session not kept by `keep` (call with the signed-in sessions after a new client).
    pub fn retain_sessions(&mut self, keep: impl Fn(&str) -> bool) {
        self.entries.retain(&keep);
        self.in_flight.retain(&keep);
    }

    /// Forgets everything (sign-out of all sessions); pending answers become `Stale`.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.in_flight.clear();
    }
}

/// When a token stops being served: its lifetime (`exp - iat`) counted from when the request *started* on our
/// clock, minus [`EXPIRY_LEEWAY_MS`]. The token was issued after the request started, so this is not later than
/// the real expiry (give or take the claims' whole-second rounding, well inside the leeway), and a browser clock that is minutes off neither makes every token look expired nor keeps
/// expired ones. Without a usable `iat`, `exp` on our clock is used.
fn valid_until(claims: &JwtClaims, started_at_ms: u64) -> u64 {
    let expires_at_ms = match claims.iat {
        Some(iat) if iat <= claims.exp => {
            started_at_ms.saturating_add((claims.exp - iat).saturating_mul(1000))
        }
        _ => claims.exp.saturating_mul(1000),
    };
    expires_at_ms.saturating_sub(EXPIRY_LEEWAY_MS)
}

#[cfg(test)]
#[path = "token_cache_tests.rs"]
mod tests;
