-- Initial schema of the reference server on PostgreSQL: the same tables and columns as migrations/0001_init.sql
-- (BOOLEAN and BIGINT where SQLite stores INTEGER). Timestamps are Unix milliseconds. `seq` orders rows created in
-- the same millisecond by insertion, as SQLite's rowid does.

CREATE TABLE instance_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    single_session_mode BOOLEAN NOT NULL,
    email_verification_required BOOLEAN NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    seq BIGINT GENERATED ALWAYS AS IDENTITY,
    email_id TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL CHECK (email = lower(email)),
    email_verified BOOLEAN NOT NULL,
    first_name TEXT,
    last_name TEXT,
    password_hash TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL,
    last_active_session_id TEXT,
    sign_in_id TEXT,
    sign_up_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    seq BIGINT GENERATED ALWAYS AS IDENTITY,
    client_id TEXT NOT NULL REFERENCES clients (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    last_active_at BIGINT NOT NULL,
    expire_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sessions_client ON sessions (client_id);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE sign_ins (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    identifier TEXT NOT NULL,
    status TEXT NOT NULL,
    verification_status TEXT,
    verification_strategy TEXT,
    verification_attempts BIGINT,
    verification_expire_at BIGINT,
    verification_code_hash TEXT,
    created_session_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sign_ins_client ON sign_ins (client_id);

CREATE TABLE sign_ups (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    email TEXT NOT NULL,
    password_hash TEXT,
    first_name TEXT,
    last_name TEXT,
    status TEXT NOT NULL,
    verification_status TEXT,
    verification_strategy TEXT,
    verification_attempts BIGINT,
    verification_expire_at BIGINT,
    verification_code_hash TEXT,
    created_user_id TEXT,
    created_session_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sign_ups_client ON sign_ups (client_id);

-- What SQLite mode keeps in files and process memory, shared here by every instance on this database.

-- Instance secrets (the JWT signing key, the backend secret key): the first instance to start inserts them
-- (INSERT … ON CONFLICT DO NOTHING), every instance then reads the one stored value.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Rate-limit counters: per key (opaque, namespaced by the caller), the ids of its counted events, each
-- `unix_ms * 1000000 + random`, so ordered by time. One upsert per event drops the events that left the window and
-- appends the new one when under the limit. Rows not updated within the longest window are deleted on a timer.
CREATE TABLE rate_counters (
    key TEXT PRIMARY KEY NOT NULL,
    events BIGINT[] NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rate_counters_updated ON rate_counters (updated_at);
