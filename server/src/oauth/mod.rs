//! Sign-in through OpenID Connect providers (Google, Microsoft, Keycloak, …): their configuration
//! (`--oauth-provider`), discovery, the authorization URL, the code exchange and the id_token's verification.
//! The rules about accounts and claims are in [`crate::domain::external`], the routes in
//! [`crate::routes::oauth`].

pub mod config;
pub mod id_token;
pub mod provider;
