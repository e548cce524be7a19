-- JWT signing keys, so a rotation reaches every instance: the current key is the newest one not retired; a retired
-- key stays published in the JWKS until the tokens it signed have expired. The first key is the instance secret
-- `jwt_rsa_pem`, copied here by the first instance to start.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    pem TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
