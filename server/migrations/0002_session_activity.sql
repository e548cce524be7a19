-- The request that created or last touched a session: its User-Agent header and peer address, shown as the
-- session's `latest_activity` by `GET /v1/me/sessions/active`. Null for sessions made before this migration.
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN ip_address TEXT;
