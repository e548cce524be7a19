//! What the components (`crate::ui`) need beyond the public controller API: the instance's session mode.

use super::Controller;

impl Controller {
    /// Whether several accounts may be signed in at once (multi-session mode, from the environment).
    pub fn is_multi_session(&self) -> bool {
        self.read(|m| m.sessions.mode().is_multi())
    }
}
