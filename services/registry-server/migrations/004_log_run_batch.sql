-- Logging a batch to a run in one round trip, in a fixed lock order: the run row (key share),
-- params, metric history, latest metric values, tags, then the run row again for a new name,
-- each set of rows in key order. Every transaction takes its locks in that one order, so
-- concurrent batches to the same run wait for each other but can never deadlock.
-- The caller passes each array sorted by key (metrics by key, step, timestamp, value) and tags
-- without duplicate keys.
CREATE FUNCTION log_run_batch(
  p_run_uuid text,
  p_param_keys text[],
  p_param_values text[],
  p_metric_keys text[],
  p_metric_steps bigint[],
  p_metric_timestamps bigint[],
  p_metric_values double precision[],
  p_tag_keys text[],
  p_tag_values text[],
  p_run_name text
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_stage text;
  v_changed jsonb;
BEGIN
  SELECT lifecycle_stage INTO v_stage FROM runs WHERE run_uuid = p_run_uuid FOR KEY SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'RG404', MESSAGE = format('Run with id=%s not found', p_run_uuid);
  END IF;
  IF v_stage <> 'active' THEN
    RAISE EXCEPTION USING ERRCODE = 'RG400',
      MESSAGE = format('The run %s must be in the ''active'' state. Current state is %s.', p_run_uuid, v_stage);
  END IF;

  IF cardinality(p_param_keys) > 0 THEN
    INSERT INTO params (run_uuid, key, value)
    SELECT p_run_uuid, k, v FROM unnest(p_param_keys, p_param_values) AS u(k, v) ORDER BY k
    ON CONFLICT (run_uuid, key) DO NOTHING;
    -- Params are immutable: the same value again is fine, another value fails the whole batch.
    SELECT jsonb_agg(jsonb_build_object('key', u.k, 'old_value', p.value, 'new_value', u.v) ORDER BY u.k) INTO v_changed
    FROM unnest(p_param_keys, p_param_values) AS u(k, v)
    JOIN params p ON p.run_uuid = p_run_uuid AND p.key = u.k
    WHERE p.value <> u.v;
    IF v_changed IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'RG409', MESSAGE = 'Changing param values is not allowed', DETAIL = v_changed::text;
    END IF;
  END IF;

  IF cardinality(p_metric_keys) > 0 THEN
    INSERT INTO metrics (run_uuid, key, step, timestamp, value)
    SELECT p_run_uuid, k, s, t, v
    FROM unnest(p_metric_keys, p_metric_steps, p_metric_timestamps, p_metric_values) AS u(k, s, t, v)
    ORDER BY k, s, t, v
    ON CONFLICT DO NOTHING;

    -- The batch's latest value of each key (highest step, then timestamp, then value) moves the
    -- stored latest value only forward.
    INSERT INTO latest_metrics AS l (run_uuid, key, step, timestamp, value)
    SELECT DISTINCT ON (k) p_run_uuid, k, s, t, v
    FROM unnest(p_metric_keys, p_metric_steps, p_metric_timestamps, p_metric_values) AS u(k, s, t, v)
    ORDER BY k, s DESC, t DESC, v DESC
    ON CONFLICT (run_uuid, key) DO UPDATE
      SET step = excluded.step, timestamp = excluded.timestamp, value = excluded.value
      WHERE (excluded.step, excluded.timestamp, excluded.value) > (l.step, l.timestamp, l.value);
  END IF;

  IF cardinality(p_tag_keys) > 0 THEN
    INSERT INTO run_tags (run_uuid, key, value)
    SELECT p_run_uuid, k, v FROM unnest(p_tag_keys, p_tag_values) AS u(k, v) ORDER BY k
    ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value;
  END IF;

  IF p_run_name IS NOT NULL THEN
    UPDATE runs SET name = p_run_name WHERE run_uuid = p_run_uuid;
  END IF;
END
$$;
