-- Initial schema of the reference server. Timestamps are Unix milliseconds.

CREATE TABLE instance_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    single_session_mode INTEGER NOT NULL,
    email_verification_required INTEGER NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email_id TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL CHECK (email = lower(email)),
    email_verified INTEGER NOT NULL,
    first_name TEXT,
    last_name TEXT,
    password_hash TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL,
    last_active_session_id TEXT,
    sign_in_id TEXT,
    sign_up_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    last_active_at INTEGER NOT NULL,
    expire_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
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
    verification_attempts INTEGER,
    verification_expire_at INTEGER,
    verification_code_hash TEXT,
    created_session_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
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
    verification_attempts INTEGER,
    verification_expire_at INTEGER,
    verification_code_hash TEXT,
    created_user_id TEXT,
    created_session_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX sign_ups_client ON sign_ups (client_id);
