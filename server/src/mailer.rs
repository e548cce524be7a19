//! Delivery of one-time codes. The only implementation is the dev mailer: it logs each code and keeps a bounded
//! in-memory outbox (served at `/dev/outbox` when the server runs with `--dev`).

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;
use serde::Serialize;

/// Messages kept in the outbox; older ones are dropped.
const OUTBOX_CAPACITY: usize = 1_000;

/// Why a code is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Sign-in first factor.
    SignIn,
    /// Sign-up email verification.
    SignUp,
    /// Verification of an email address added to an account (`/v1/me/email_addresses`).
    EmailAddress,
}

/// One sent message.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxMessage {
    /// Recipient email address.
    pub to: String,
    /// The code.
    pub code: String,
    /// What it is for.
    pub purpose: Purpose,
    /// Unix ms.
    pub sent_at: i64,
}

/// Sends codes by email (or pretends to).
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Deliver `code` to `to`.
    async fn send_code(&self, to: &str, code: &str, purpose: Purpose) -> Result<(), String>;
}

/// Logs codes and keeps them in memory.
#[derive(Debug, Default)]
pub struct DevMailer {
    outbox: Mutex<VecDeque<OutboxMessage>>,
}

impl DevMailer {
    /// An empty outbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Messages to `to` (case-insensitive), or all when `None`, oldest first.
    pub fn messages(&self, to: Option<&str>) -> Vec<OutboxMessage> {
        let outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        outbox
            .iter()
            .filter(|m| to.is_none_or(|t| m.to.eq_ignore_ascii_case(t.trim())))
            .cloned()
            .collect()
    }
}

#[async_trait]
impl Mailer for DevMailer {
    async fn send_code(&self, to: &str, code: &str, purpose: Purpose) -> Result<(), String> {
        tracing::info!(to, ?purpose, "dev mailer: one-time code {code}");
        let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        if outbox.len() >= OUTBOX_CAPACITY {
            outbox.pop_front();
        }
        outbox.push_back(OutboxMessage {
            to: to.to_string(),
            code: code.to_string(),
            purpose,
            sent_at: crate::ids::now_ms(),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn outbox_filters_by_recipient() {
        let mailer = DevMailer::new();
        mailer
            .send_code("a@example.com", "111111", Purpose::SignIn)
            .await
            .expect("send");
        mailer
            .send_code("b@example.com", "222222", Purpose::SignUp)
            .await
            .expect("send");
        mailer
            .send_code("a@example.com", "333333", Purpose::SignIn)
            .await
            .expect("send");
        let codes: Vec<_> = mailer
            .messages(Some("A@example.com"))
            .into_iter()
            .map(|m| m.code)
            .collect();
        assert_eq!(codes, ["111111", "333333"]);
        assert_eq!(mailer.messages(None).len(), 3);
    }
}
