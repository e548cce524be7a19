//! Rules about a user's email addresses: which may be added, verified, removed or made primary, and who owns an
//! address. The primary address lives on the user ([`User::email`]); the others in [`User::other_emails`].

use crate::model::{EmailAddress, User, Verification};

/// Most email addresses a user may have, the primary one included.
pub const MAX_EMAIL_ADDRESSES: usize = 10;

/// Why a change to a user's email addresses is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The address is already this user's, or verified by another user.
    Taken,
    /// The user has [`MAX_EMAIL_ADDRESSES`] already.
    TooMany,
    /// No such address of this user (unknown, or another user's: not told apart).
    NotFound,
    /// The primary address cannot be removed.
    Primary,
    /// Only a verified address can become primary.
    NotVerified,
    /// The address is verified already.
    AlreadyVerified,
}

/// Whether `user` has `email` (primary or other).
pub fn has_address(user: &User, email: &str) -> bool {
    user.email == email || user.other_emails.iter().any(|e| e.email == email)
}

/// Whether `user` has `email` verified (primary or other).
pub fn has_verified(user: &User, email: &str) -> bool {
    (user.email == email && user.email_verified)
        || user
            .other_emails
            .iter()
            .any(|e| e.email == email && e.verified)
}

/// The account an address identifies (sign-in, sign-up checks): the user who verified it, else the user whose
/// unverified primary it is. `primary` is the user whose primary address it is, `verified_other` the user who
/// verified it as another address.
pub fn pick_owner(primary: Option<User>, verified_other: Option<User>) -> Option<User> {
    match (primary, verified_other) {
        (Some(p), _) if p.email_verified => Some(p),
        (p, Some(o)) => Some(o).or(p),
        (p, None) => p,
    }
}

/// Whether `user` may add `email`, given `owner`, the account the address identifies now (see [`pick_owner`]).
pub fn may_add(user: &User, email: &str, owner: Option<&User>) -> Result<(), Refused> {
    if has_address(user, email) || owner.is_some_and(|o| o.id != user.id && has_verified(o, email))
    {
        return Err(Refused::Taken);
    }
    if 1 + user.other_emails.len() >= MAX_EMAIL_ADDRESSES {
        return Err(Refused::TooMany);
    }
    Ok(())
}

/// A new unverified address `id` of `user_id`.
pub fn new_address(id: String, user_id: &str, email: String, now: i64) -> EmailAddress {
    EmailAddress {
        id,
        user_id: user_id.to_string(),
        email,
        verified: false,
        verification: None,
        created_at: now,
        updated_at: now,
    }
}

/// The user's other (non-primary) address `id`; the primary is [`Refused::Primary`] (it is never removed, and is
/// primary already).
pub fn other_address<'a>(user: &'a User, id: &str) -> Result<&'a EmailAddress, Refused> {
    if id == user.email_id {
        return Err(Refused::Primary);
    }
    user.other_emails
        .iter()
        .find(|e| e.id == id)
        .ok_or(Refused::NotFound)
}

/// The user's primary address as an [`EmailAddress`] (it lives on the user), with `pending`, its stored
/// verification: what a code verifies when a user whose primary is unverified (an instance that does not require
/// verification at sign-up) asks to verify it.
pub fn primary(user: &User, pending: Option<Verification>) -> EmailAddress {
    EmailAddress {
        id: user.email_id.clone(),
        user_id: user.id.clone(),
        email: user.email.clone(),
        verified: user.email_verified,
        verification: pending,
        created_at: user.created_at,
        updated_at: user.updated_at,
    }
}

/// `user` once its primary address is verified.
pub fn primary_verified(user: &User, now: i64) -> User {
    User {
        email_verified: true,
        updated_at: now,
        ..user.clone()
    }
}

/// Whether `address` may be verified now, given `owner`, the account the address identifies now: not twice, and
/// not once another user verified it.
pub fn may_verify(address: &EmailAddress, owner: Option<&User>) -> Result<(), Refused> {
    if address.verified {
        return Err(Refused::AlreadyVerified);
    }
    if owner.is_some_and(|o| o.id != address.user_id && has_verified(o, &address.email)) {
        return Err(Refused::Taken);
    }
    Ok(())
}

/// `address` after a successful code `verification`.
pub fn verified(mut address: EmailAddress, verification: Verification, now: i64) -> EmailAddress {
    address.verified = true;
    address.verification = Some(verification);
    address.updated_at = now;
    address
}

/// Whether the address `id` may be removed: one of the user's other addresses, never the primary.
pub fn may_remove(user: &User, id: &str) -> Result<(), Refused> {
    other_address(user, id).map(|_| ())
}

/// What making another address primary writes.
#[derive(Debug, Clone)]
pub struct PrimarySwap {
    /// The user with the new primary address on it (and the old one among its other addresses).
    pub user: User,
    /// The address row that leaves the other addresses (it became primary).
    pub promoted_id: String,
    /// The old primary, now one of the other addresses.
    pub demoted: EmailAddress,
}

/// Make the address `id` primary: it must be a verified address of the user. `Ok(None)` when it is the primary
/// already (nothing changes).
pub fn make_primary(user: &User, id: &str, now: i64) -> Result<Option<PrimarySwap>, Refused> {
    if id == user.email_id {
        return if user.email_verified {
            Ok(None)
        } else {
            Err(Refused::NotVerified)
        };
    }
    let promoted = other_address(user, id)?.clone();
    if !promoted.verified {
        return Err(Refused::NotVerified);
    }
    let demoted = EmailAddress {
        id: user.email_id.clone(),
        user_id: user.id.clone(),
        email: user.email.clone(),
        verified: user.email_verified,
        verification: None,
        created_at: user.created_at,
        updated_at: now,
    };
    let mut swapped = user.clone();
    swapped.email_id = promoted.id.clone();
    swapped.email = promoted.email.clone();
    swapped.email_verified = true;
    swapped.updated_at = now;
    swapped.other_emails.retain(|e| e.id != promoted.id);
    swapped.other_emails.push(demoted.clone());
    Ok(Some(PrimarySwap {
        user: swapped,
        promoted_id: promoted.id,
        demoted,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, email: &str, verified: bool) -> User {
        User {
            id: id.into(),
            email_id: format!("idn_{id}"),
            email: email.into(),
            email_verified: verified,
            other_emails: Vec::new(),
            first_name: None,
            last_name: None,
            password_hash: None,
            created_at: 1,
            updated_at: 1,
        }
    }

    fn with_other(mut u: User, id: &str, email: &str, verified: bool) -> User {
        let mut a = new_address(id.into(), &u.id, email.into(), 2);
        a.verified = verified;
        u.other_emails.push(a);
        u
    }

    #[test]
    fn the_verified_owner_identifies_an_address() {
        let primary_unverified = user("a", "x@example.com", false);
        let other_verified = with_other(
            user("b", "b@example.com", true),
            "idn_x",
            "x@example.com",
            true,
        );
        let owner = pick_owner(
            Some(primary_unverified.clone()),
            Some(other_verified.clone()),
        );
        assert_eq!(owner.map(|u| u.id), Some("b".into()));
        let owner = pick_owner(Some(primary_unverified.clone()), None);
        assert_eq!(owner.map(|u| u.id), Some("a".into()));
        let verified_primary = user("c", "x@example.com", true);
        let owner = pick_owner(Some(verified_primary), Some(other_verified));
        assert_eq!(owner.map(|u| u.id), Some("c".into()));
        assert!(pick_owner(None, None).is_none());
    }

    #[test]
    fn adding_refuses_own_and_others_verified_addresses() {
        let me = with_other(
            user("a", "a@example.com", true),
            "idn_2",
            "two@example.com",
            false,
        );
        assert_eq!(may_add(&me, "a@example.com", None), Err(Refused::Taken));
        assert_eq!(may_add(&me, "two@example.com", None), Err(Refused::Taken));
        assert_eq!(may_add(&me, "new@example.com", None), Ok(()));
        let other_unverified = user("b", "new@example.com", false);
        assert_eq!(
            may_add(&me, "new@example.com", Some(&other_unverified)),
            Ok(())
        );
        let other_verified = user("b", "new@example.com", true);
        assert_eq!(
            may_add(&me, "new@example.com", Some(&other_verified)),
            Err(Refused::Taken)
        );
        let mut full = user("f", "f@example.com", true);
        for i in 1..MAX_EMAIL_ADDRESSES {
            full = with_other(
                full,
                &format!("idn_{i}"),
                &format!("{i}@example.com"),
                false,
            );
        }
        assert_eq!(
            may_add(&full, "more@example.com", None),
            Err(Refused::TooMany)
        );
    }

    #[test]
    fn verifying_once_and_only_while_nobody_else_has() {
        let me = with_other(
            user("a", "a@example.com", true),
            "idn_2",
            "two@example.com",
            false,
        );
        let addr = other_address(&me, "idn_2").unwrap().clone();
        assert_eq!(may_verify(&addr, None), Ok(()));
        assert_eq!(may_verify(&addr, Some(&me)), Ok(()));
        let taken = user("b", "two@example.com", true);
        assert_eq!(may_verify(&addr, Some(&taken)), Err(Refused::Taken));
        let done = verified(
            addr,
            Verification {
                status: crate::model::VerificationStatus::Verified,
                strategy: "email_code".into(),
                attempts: 1,
                expire_at: None,
                code_hash: None,
            },
            9,
        );
        assert!(done.verified && done.updated_at == 9);
        assert_eq!(may_verify(&done, None), Err(Refused::AlreadyVerified));
        assert_eq!(other_address(&me, "idn_a").err(), Some(Refused::Primary));
        assert_eq!(other_address(&me, "idn_zzz").err(), Some(Refused::NotFound));
    }

    #[test]
    fn removing_never_the_primary() {
        let me = with_other(
            user("a", "a@example.com", true),
            "idn_2",
            "two@example.com",
            false,
        );
        assert_eq!(may_remove(&me, "idn_a"), Err(Refused::Primary));
        assert_eq!(may_remove(&me, "idn_2"), Ok(()));
        assert_eq!(may_remove(&me, "idn_other_user"), Err(Refused::NotFound));
    }

    #[test]
    fn only_a_verified_address_becomes_primary_and_the_old_one_stays() {
        let me = with_other(
            with_other(
                user("a", "a@example.com", true),
                "idn_2",
                "two@example.com",
                true,
            ),
            "idn_3",
            "three@example.com",
            false,
        );
        assert!(matches!(make_primary(&me, "idn_a", 5), Ok(None)));
        assert_eq!(
            make_primary(&me, "idn_3", 5).err(),
            Some(Refused::NotVerified)
        );
        assert_eq!(make_primary(&me, "idn_9", 5).err(), Some(Refused::NotFound));
        let swap = make_primary(&me, "idn_2", 5).unwrap().unwrap();
        assert_eq!(
            (
                swap.user.email_id.as_str(),
                swap.user.email.as_str(),
                swap.user.email_verified
            ),
            ("idn_2", "two@example.com", true)
        );
        assert_eq!(swap.promoted_id, "idn_2");
        assert_eq!(
            (
                swap.demoted.id.as_str(),
                swap.demoted.email.as_str(),
                swap.demoted.verified
            ),
            ("idn_a", "a@example.com", true)
        );
        let others: Vec<&str> = swap
            .user
            .other_emails
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(others, ["idn_3", "idn_a"]);
        let unverified_primary = user("u", "u@example.com", false);
        assert_eq!(
            make_primary(&unverified_primary, "idn_u", 5).err(),
            Some(Refused::NotVerified)
        );
    }
}
