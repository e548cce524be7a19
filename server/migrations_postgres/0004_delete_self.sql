-- Whether users may delete their own account (`DELETE /v1/me`); on unless `PATCH /v1/instance` turns it off.
ALTER TABLE instance_settings ADD COLUMN delete_self_enabled BOOLEAN NOT NULL DEFAULT TRUE;
