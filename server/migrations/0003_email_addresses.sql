-- A user's email addresses other than the primary one (which stays on the users row: `email_id`, `email`,
-- `email_verified`). Making another address primary swaps the two rows' contents. An address is verified by at most
-- one user among these rows; users.email keeps its own unique index, and the server refuses a verified address that
-- is another user's primary.
CREATE TABLE email_addresses (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    email TEXT NOT NULL CHECK (email = lower(email)),
    verified INTEGER NOT NULL,
    verification_status TEXT,
    verification_strategy TEXT,
    verification_attempts INTEGER,
    verification_expire_at INTEGER,
    verification_code_hash TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (user_id, email)
);
CREATE UNIQUE INDEX email_addresses_verified ON email_addresses (email) WHERE verified = 1;
CREATE INDEX email_addresses_user ON email_addresses (user_id);
