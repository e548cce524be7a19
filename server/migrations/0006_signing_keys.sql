-- JWT signing keys, so a rotation survives restarts and reaches every instance: the current key is the newest one not
-- retired; a retired key stays published in the JWKS until the tokens it signed have expired.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    pem TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);
