//! The pure core: wire types, session and mode rules, token cache, storage schema. No web-sys here.
