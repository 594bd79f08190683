-- Gong's quota (Q1–Q4): each connection's budget (requests in any 24 hours, and per
-- second), and the requests it spent, counted per 10-minute bucket, purpose and
-- endpoint. Replicas add to the same rows, so they share one budget.
CREATE TABLE quota_settings (
    connection_id  BIGINT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    daily_budget   BIGINT NOT NULL,
    per_second     DOUBLE PRECISION NOT NULL
);
CREATE TABLE gong_requests (
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    bucket         TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    endpoint       TEXT NOT NULL,
    requests       BIGINT NOT NULL,
    PRIMARY KEY (connection_id, bucket, purpose, endpoint)
);
