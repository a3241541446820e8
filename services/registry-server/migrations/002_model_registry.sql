-- Registered models, their versions, tags and aliases. Renames cascade through the foreign keys.

CREATE TABLE registered_models (
  name text PRIMARY KEY,
  creation_time bigint NOT NULL,
  last_updated_time bigint NOT NULL,
  description text,
  -- The highest version number ever allocated. Creating a version increments it under the row's
  -- lock, so concurrent registrations get distinct, consecutive numbers and a deleted number is
  -- never handed out again.
  last_version integer NOT NULL DEFAULT 0
);

CREATE TABLE registered_model_tags (
  name text NOT NULL REFERENCES registered_models ON UPDATE CASCADE ON DELETE CASCADE,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (name, key)
);

CREATE TABLE model_versions (
  name text NOT NULL REFERENCES registered_models ON UPDATE CASCADE ON DELETE CASCADE,
  version integer NOT NULL,
  creation_time bigint NOT NULL,
  last_updated_time bigint NOT NULL,
  description text,
  user_id text,
  current_stage text NOT NULL DEFAULT 'None' CHECK (current_stage IN ('None', 'Staging', 'Production', 'Archived')),
  source text NOT NULL,
  -- Where the artifacts are when `source` is itself a models:/ URI; otherwise the source.
  storage_location text,
  run_id text,
  run_link text,
  status text NOT NULL DEFAULT 'READY' CHECK (status IN ('PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY')),
  status_message text,
  PRIMARY KEY (name, version)
);
CREATE INDEX model_versions_by_run ON model_versions (run_id);
CREATE INDEX model_versions_by_update ON model_versions (last_updated_time DESC, name, version DESC);

CREATE TABLE model_version_tags (
  name text NOT NULL,
  version integer NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (name, version, key),
  FOREIGN KEY (name, version) REFERENCES model_versions ON UPDATE CASCADE ON DELETE CASCADE
);

-- One row per alias: moving an alias is one upsert, so readers see the old version or the new one.
CREATE TABLE registered_model_aliases (
  name text NOT NULL,
  alias text NOT NULL,
  version integer NOT NULL,
  PRIMARY KEY (name, alias),
  FOREIGN KEY (name, version) REFERENCES model_versions ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX registered_model_aliases_by_version ON registered_model_aliases (name, version);
