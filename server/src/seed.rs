//! Demo users for `--seed-demo` (idempotent: existing users are left as they are).

use crate::auth::password;
use crate::ids;
use crate::model::User;
use crate::store::{Store, StoreError, StoreResult, Write, WriteBatch};

/// Password of every demo user.
pub const DEMO_PASSWORD: &str = "demo-password-1";
/// Email, first name, last name of the demo users.
pub const DEMO_USERS: [(&str, &str, &str); 3] = [
    ("ada@example.com", "Ada", "Lovelace"),
    ("grace@example.com", "Grace", "Hopper"),
    ("alan@example.com", "Alan", "Turing"),
];

/// Create the demo users that do not exist yet; returns their emails in order.
pub async fn seed_demo_users(store: &dyn Store) -> Result<Vec<&'static str>, String> {
    for (email, first, last) in DEMO_USERS {
        if store
            .user_by_email(email)
            .await
            .map_err(|e| e.to_string())?
            .is_some()
        {
            continue;
        }
        let hash = password::hash(DEMO_PASSWORD.to_string())
            .await
            .map_err(|e| e.to_string())?;
        let now = ids::now_ms();
        let user = User {
            id: ids::new_id("user_"),
            email_id: ids::new_id("idn_"),
            email: email.to_string(),
            email_verified: true,
            other_emails: Vec::new(),
            first_name: Some(first.to_string()),
            last_name: Some(last.to_string()),
            password_hash: Some(hash),
            created_at: now,
            updated_at: now,
        };
        insert_ignoring_conflict(store, user)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(DEMO_USERS.iter().map(|(email, _, _)| *email).collect())
}

/// Insert a user; a concurrent insert of the same email is fine.
async fn insert_ignoring_conflict(store: &dyn Store, user: User) -> StoreResult<()> {
    let mut batch = WriteBatch::new();
    batch.push(Write::User(user));
    match store.apply(batch).await {
        Err(StoreError::Conflict) => Ok(()),
        other => other,
    }
}
