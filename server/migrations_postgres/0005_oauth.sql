-- Sign-in with OpenID Connect providers (issue 14), on PostgreSQL: the same tables as migrations/0003_oauth.sql. Timestamps are Unix milliseconds.

-- One row per sign-in started with a provider: what the callback needs (state, nonce, PKCE verifier), what it
-- found (the verified identity, or why it failed) and the one-time nonce the starting client claims it with.
-- No foreign key to clients: a client purged with its old sign-ins takes its rows here along (see the stores).
CREATE TABLE oauth_sign_ins (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    state_hash TEXT NOT NULL UNIQUE,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    redirect_url TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT,
    subject TEXT,
    email TEXT,
    email_verified BOOLEAN,
    first_name TEXT,
    last_name TEXT,
    token_nonce_hash TEXT,
    expire_at BIGINT NOT NULL,
    created_session_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX oauth_sign_ins_client ON oauth_sign_ins (client_id);

-- Provider accounts linked to users: (provider, subject) is one account.
CREATE TABLE external_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    email TEXT,
    email_verified BOOLEAN NOT NULL,
    first_name TEXT,
    last_name TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX external_accounts_subject ON external_accounts (provider, subject);
CREATE INDEX external_accounts_user ON external_accounts (user_id);
