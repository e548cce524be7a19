-- A user's email addresses other than the primary one (which stays on the users row: `email_id`, `email`,
-- `email_verified`). Making another address primary swaps the two rows' contents. An address is verified by at most
-- one user among these rows; users.email keeps its own unique index, and the server refuses a verified address that
-- is another user's primary. Same shape as migrations/0003_email_addresses.sql.
CREATE TABLE email_addresses (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    email TEXT NOT NULL CHECK (email = lower(email)),
    verified BOOLEAN NOT NULL,
    verification_status TEXT,
    verification_strategy TEXT,
    verification_attempts BIGINT,
    verification_expire_at BIGINT,
    verification_code_hash TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (user_id, email)
);
CREATE UNIQUE INDEX email_addresses_verified ON email_addresses (email) WHERE verified;
CREATE INDEX email_addresses_user ON email_addresses (user_id);
