-- Gong webhooks (W1, W2): each connection's receiving set-up (its URL key, sealed,
-- and the digest the receiver looks it up by), and the queue of pushed call ids.
CREATE TABLE webhooks (
    connection_id     BIGINT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    key_hash          TEXT NOT NULL UNIQUE,
    key_sealed        TEXT NOT NULL,
    mode              TEXT NOT NULL,
    public_key_pem    TEXT,
    key_created_at    TEXT NOT NULL,
    last_received_at  TEXT,
    last_test_at      TEXT
);

-- One row per pushed call: a repeated push finds its row and is processed once.
-- `delay_ms` is the time from the webhook's arrival to its page's commit.
CREATE TABLE webhook_queue (
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    gong_call_id   TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    processed_at   TEXT,
    delay_ms       BIGINT,
    PRIMARY KEY (connection_id, gong_call_id)
);
CREATE INDEX webhook_queue_waiting ON webhook_queue(connection_id, received_at)
    WHERE processed_at IS NULL;
CREATE INDEX webhook_queue_processed ON webhook_queue(processed_at)
    WHERE processed_at IS NOT NULL;
