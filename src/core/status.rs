//! The SDK's load status (`Clerk.status`) and the rule that sets it once the first network round is over.

/// Where loading stands: `"loading" | "ready" | "degraded" | "error"` in JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `load()` has not finished its first network round (cached state may already be shown).
    Loading,
    /// The environment and the client came from the server.
    Ready,
    /// The network failed but something usable is shown (cached state, or one of the two answers).
    Degraded,
    /// The network failed and nothing usable exists: no cache and no answer.
    Error,
}

impl Status {
    /// The JavaScript spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Loading => "loading",
            Status::Ready => "ready",
            Status::Degraded => "degraded",
            Status::Error => "error",
        }
    }

    /// The status after `GET /v1/environment` and `GET /v1/client` answered (`*_ok`) or failed, given whether a
    /// cached state had been applied before.
    pub fn after_load(had_cache: bool, environment_ok: bool, client_ok: bool) -> Status {
        match (environment_ok, client_ok) {
            (true, true) => Status::Ready,
            _ if had_cache || environment_ok || client_ok => Status::Degraded,
            _ => Status::Error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn both_answers_are_ready_whatever_the_cache() {
        assert_eq!(Status::after_load(false, true, true), Status::Ready);
        assert_eq!(Status::after_load(true, true, true), Status::Ready);
    }

    #[test]
    fn a_failure_with_something_to_show_is_degraded() {
        assert_eq!(Status::after_load(true, false, false), Status::Degraded);
        assert_eq!(Status::after_load(false, true, false), Status::Degraded);
        assert_eq!(Status::after_load(false, false, true), Status::Degraded);
    }

    #[test]
    fn nothing_at_all_is_error() {
        assert_eq!(Status::after_load(false, false, false), Status::Error);
    }

    #[test]
    fn javascript_spelling() {
        let all = [
            Status::Loading,
            Status::Ready,
            Status::Degraded,
            Status::Error,
        ];
        let names: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["loading", "ready", "degraded", "error"]);
    }
}
