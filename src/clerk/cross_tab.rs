//! Changes made by other tabs, as `storage` events on our localStorage keys: a new client token is adopted, a new
//! client snapshot of the client whose token we hold is applied by the core's rules (this tab keeps its account
//! unless it was signed out), a new environment updates the mode. Nothing is written back, so tabs never echo each
//! other's writes. (A tab writes its token before the client it came with, so the token event arrives first.)

use super::{Controller, Source};
use crate::adapters::cross_tab::{StorageChange, StorageEvents};
use crate::adapters::json::{BrowserJson, Kept};
use crate::core::storage::{decode_client_snapshot, decode_client_token, decode_snapshot, KeyKind};
use crate::core::wire::Environment;
use std::rc::Rc;

impl Controller {
    /// Registers the `storage` listener (it holds the instance weakly, so it never keeps it alive).
    pub(super) fn listen_to_other_tabs(&self) {
        let weak = Rc::downgrade(&self.inner);
        let events = StorageEvents::listen(move |change| {
            if let Some(inner) = weak.upgrade() {
                Controller { inner }.apply_other_tab(change);
            }
        });
        *self.inner.storage_events.borrow_mut() = events;
    }

    /// Applies one storage change made by another tab.
    fn apply_other_tab(&self, change: StorageChange) {
        let keys = &self.inner.persist.keys;
        let Some(kind) = change.key.as_deref().and_then(|k| keys.classify(k)) else {
            return;
        };
        let value = change.new_value;
        match kind {
            KeyKind::ClientToken => {
                let token = match value.map(|v| decode_client_token(&v)) {
                    Some(Ok(token)) => Some(token),
                    // Unusable as a header: keep ours.
                    Some(Err(_)) => return,
                    None => None,
                };
                self.update(|m| m.client_token = token);
            }
            KeyKind::Client => {
                let token = self.read(|m| m.client_token.clone());
                let client = match value
                    .map(|v| decode_client_snapshot(&BrowserJson, &v, token.as_deref()))
                {
                    Some(Ok(decoded)) => Some(decoded.snapshot.data),
                    // Unreadable (another SDK version), or another client's (written for a token we do not hold):
                    // keep ours; this tab's next answer from the server wins.
                    Some(Err(_)) => return,
                    None => None,
                };
                let change = self.update(|m| m.apply_client(client));
                self.commit(&change, Source::OtherTab);
            }
            KeyKind::Environment => {
                // Read as `load()` reads the stored environment (its JSON value is only needed there, to store an
                // upgraded snapshot back), so both go through one decoder.
                if let Some(Ok(decoded)) =
                    value.map(|v| decode_snapshot::<_, Kept<Environment>>(&BrowserJson, &v))
                {
                    self.apply_environment(decoded.snapshot.data.value, None);
                }
            }
            // sessionStorage belongs to this tab alone; other tabs never change it.
            KeyKind::ActiveSession => {}
        }
    }
}
