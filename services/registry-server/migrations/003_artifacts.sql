-- What the artifact proxy stored: one row per file, written after the bytes are complete.
CREATE TABLE artifact_files (
  path text PRIMARY KEY,
  size bigint NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content_type text,
  uploaded_at bigint NOT NULL
);
