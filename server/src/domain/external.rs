//! Rules of sign-in through an OpenID Connect provider: which account a verified provider identity signs in to, and
//! whether a client may claim a sign-in's completion with the one-time nonce the callback handed its browser.

use subtle::ConstantTimeEq;

use crate::model::{ExternalAccount, OAuthSignIn, OAuthStatus, ProviderIdentity, User};

/// Which account a verified provider identity signs in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// Its external account is linked to this user already.
    Linked {
        /// The user.
        user_id: String,
    },
    /// A user with the same, provider-verified, email address: link the account to them.
    Link {
        /// The user.
        user_id: String,
    },
    /// Nobody: create a user from the identity.
    Create,
}

/// Why no account fits the identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountRefused {
    /// The provider gave no email address, and a new user needs one.
    EmailMissing,
    /// A user has this address, but the provider did not verify it: linking would hand that account to whoever
    /// typed the address at the provider.
    EmailNotVerified,
}

/// The account rule: an already linked external account wins; else a user whose email the provider verified is
/// linked; else a new user is created. An unverified provider email never links to an existing user.
/// `linked` is the external account with the identity's provider and subject, `by_email` the user with its email.
pub fn account_for(
    identity: &ProviderIdentity,
    linked: Option<&ExternalAccount>,
    by_email: Option<&User>,
) -> Result<Account, AccountRefused> {
    if let Some(account) = linked {
        return Ok(Account::Linked {
            user_id: account.user_id.clone(),
        });
    }
    match (by_email, &identity.email) {
        (Some(user), _) if identity.email_verified => Ok(Account::Link {
            user_id: user.id.clone(),
        }),
        (Some(_), _) => Err(AccountRefused::EmailNotVerified),
        (None, Some(_)) => Ok(Account::Create),
        (None, None) => Err(AccountRefused::EmailMissing),
    }
}

/// Why a claim of a sign-in's completion is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimRefused {
    /// Unknown, or started by another client (not told apart: 404).
    NotFound,
    /// Already claimed: the nonce is single-use.
    AlreadyClaimed,
    /// The provider's callback has not verified an identity (yet, or ever).
    NotVerified,
    /// The nonce is not this sign-in's.
    WrongNonce,
    /// The nonce's lifetime passed.
    Expired,
}

/// Whether `client_id` may claim `found` (read by the id it names) with a nonce whose hash is `nonce_hash`, at `now`.
pub fn check_claim(
    found: Option<OAuthSignIn>,
    client_id: &str,
    nonce_hash: &str,
    now: i64,
) -> Result<OAuthSignIn, ClaimRefused> {
    let sign_in = found
        .filter(|s| s.client_id == client_id)
        .ok_or(ClaimRefused::NotFound)?;
    match sign_in.status {
        OAuthStatus::Complete => return Err(ClaimRefused::AlreadyClaimed),
        OAuthStatus::Started | OAuthStatus::Failed => return Err(ClaimRefused::NotVerified),
        OAuthStatus::Verified => {}
    }
    let matches = sign_in
        .token_nonce_hash
        .as_deref()
        .is_some_and(|stored| bool::from(stored.as_bytes().ct_eq(nonce_hash.as_bytes())));
    if !matches {
        return Err(ClaimRefused::WrongNonce);
    }
    if now >= sign_in.expire_at {
        return Err(ClaimRefused::Expired);
    }
    Ok(sign_in)
}

/// Why the provider's callback cannot go on with the sign-in its `state` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateRefused {
    /// The state was already used by a callback (a replay).
    Used,
    /// The sign-in waited too long at the provider.
    Expired,
}

/// Whether a callback may continue the sign-in its `state` found: only once, and within its lifetime.
pub fn check_callback(sign_in: &OAuthSignIn, now: i64) -> Result<(), StateRefused> {
    if sign_in.status != OAuthStatus::Started {
        return Err(StateRefused::Used);
    }
    if now >= sign_in.expire_at {
        return Err(StateRefused::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(email: Option<&str>, verified: bool) -> ProviderIdentity {
        ProviderIdentity {
            subject: "sub-1".into(),
            email: email.map(str::to_string),
            email_verified: verified,
            first_name: None,
            last_name: None,
        }
    }

    fn user(id: &str) -> User {
        User {
            id: id.into(),
            email_id: "idn_1".into(),
            email: "ada@example.com".into(),
            email_verified: true,
            other_emails: Vec::new(),
            first_name: None,
            last_name: None,
            password_hash: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn account(user_id: &str) -> ExternalAccount {
        ExternalAccount {
            id: "eac_1".into(),
            user_id: user_id.into(),
            provider: "demo".into(),
            identity: identity(Some("old@example.com"), true),
            created_at: 0,
            updated_at: 0,
        }
    }

    fn sign_in(status: OAuthStatus) -> OAuthSignIn {
        OAuthSignIn {
            id: "sia_1".into(),
            client_id: "client_1".into(),
            provider: "demo".into(),
            state_hash: "s".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            redirect_url: "http://127.0.0.1:1/".into(),
            status,
            error_code: None,
            identity: None,
            token_nonce_hash: Some("hash".into()),
            expire_at: 100,
            created_session_id: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_linked_account_wins_over_the_email() {
        let id = identity(Some("ada@example.com"), false);
        assert_eq!(
            account_for(
                &id,
                Some(&account("user_linked")),
                Some(&user("user_email"))
            ),
            Ok(Account::Linked {
                user_id: "user_linked".into()
            })
        );
    }

    #[test]
    fn a_verified_email_links_an_unverified_one_never_does() {
        let u = user("user_1");
        assert_eq!(
            account_for(&identity(Some("ada@example.com"), true), None, Some(&u)),
            Ok(Account::Link {
                user_id: "user_1".into()
            })
        );
        assert_eq!(
            account_for(&identity(Some("ada@example.com"), false), None, Some(&u)),
            Err(AccountRefused::EmailNotVerified)
        );
    }

    #[test]
    fn nobody_matching_creates_a_user_when_there_is_an_email() {
        assert_eq!(
            account_for(&identity(Some("new@example.com"), false), None, None),
            Ok(Account::Create)
        );
        assert_eq!(
            account_for(&identity(None, true), None, None),
            Err(AccountRefused::EmailMissing)
        );
    }

    #[test]
    fn only_the_starting_client_claims_once_with_the_right_nonce_in_time() {
        let ok = sign_in(OAuthStatus::Verified);
        assert!(check_claim(Some(ok.clone()), "client_1", "hash", 50).is_ok());
        assert_eq!(
            check_claim(Some(ok.clone()), "client_2", "hash", 50).err(),
            Some(ClaimRefused::NotFound)
        );
        assert_eq!(
            check_claim(None, "client_1", "hash", 50).err(),
            Some(ClaimRefused::NotFound)
        );
        assert_eq!(
            check_claim(Some(ok.clone()), "client_1", "other", 50).err(),
            Some(ClaimRefused::WrongNonce)
        );
        assert_eq!(
            check_claim(Some(ok), "client_1", "hash", 100).err(),
            Some(ClaimRefused::Expired)
        );
        assert_eq!(
            check_claim(Some(sign_in(OAuthStatus::Complete)), "client_1", "hash", 50).err(),
            Some(ClaimRefused::AlreadyClaimed)
        );
        for status in [OAuthStatus::Started, OAuthStatus::Failed] {
            assert_eq!(
                check_claim(Some(sign_in(status)), "client_1", "hash", 50).err(),
                Some(ClaimRefused::NotVerified)
            );
        }
    }

    #[test]
    fn a_state_is_used_once_within_its_lifetime() {
        assert_eq!(check_callback(&sign_in(OAuthStatus::Started), 50), Ok(()));
        assert_eq!(
            check_callback(&sign_in(OAuthStatus::Started), 100),
            Err(StateRefused::Expired)
        );
        for status in [
            OAuthStatus::Verified,
            OAuthStatus::Failed,
            OAuthStatus::Complete,
        ] {
            assert_eq!(
                check_callback(&sign_in(status), 50),
                Err(StateRefused::Used)
            );
        }
    }
}
