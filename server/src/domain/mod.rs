//! The server's rules, knowing neither HTTP nor SQL: handlers read what they need from the store, decide here,
//! persist what the decision says, and respond. Each rule is a pure function of the values it is given (the clock
//! included), unit-tested on its own.

pub mod activity;
pub mod attempts;
pub mod codes;
pub mod emails;
pub mod external;
pub mod flows;
pub mod identifiers;
pub mod sessions;
