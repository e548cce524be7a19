-- The pending email-code verification of a user's primary address, which lives on the users row (`email_id`,
-- `email`, `email_verified`) without verification columns: at most one per user, for the primary `email_id` the
-- code was sent to. A row for an address that is no longer the primary is ignored. Same shape as
-- migrations/0007_primary_verifications.sql.
CREATE TABLE primary_verifications (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    email_id TEXT NOT NULL,
    status TEXT NOT NULL,
    strategy TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    expire_at BIGINT,
    code_hash TEXT
);
