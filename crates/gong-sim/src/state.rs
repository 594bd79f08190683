//! Shared state of a running simulator. Every lock in here is a short `std` mutex
//! taken and released inside one synchronous step: none is held across an await,
//! so pages are served in parallel without contention.

use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};

use crate::arrivals::Arrivals;
use crate::config::SimConfig;
use crate::data::hash::{hash_bytes, mix};
use crate::data::model::SimCall;
use crate::data::DataSet;
use crate::faults::Faults;
use crate::limits::Limiter;
use crate::oauth::TokenStore;
use crate::privacy::Privacy;
use crate::stats::Recorder;
use crate::webhook::Webhooks;
use crate::wire::calls::Media;

/// Everything the handlers share.
#[derive(Debug)]
pub struct SimState {
    /// The configuration it was started with.
    pub config: SimConfig,
    /// The data served.
    pub dataset: Arc<DataSet>,
    /// Base URL announced to clients (no trailing slash).
    pub base_url: String,
    /// OAuth state.
    pub tokens: Mutex<TokenStore>,
    /// Fault switches.
    pub faults: Faults,
    /// Rate limits.
    pub limiter: Limiter,
    /// Request accounting.
    pub stats: Recorder,
    /// Key signing cursors and media URLs.
    pub key: u64,
    /// The rate of new calls.
    pub arrivals: Arrivals,
    /// The webhook sender.
    pub webhooks: Webhooks,
    /// Calls deleted or erased after they were served.
    pub privacy: Privacy,
    clock_offset_ms: AtomicI64,
}

impl SimState {
    /// Builds the state for `config`, announcing `base_url`.
    pub fn build(config: SimConfig, base_url: &str) -> Result<Arc<SimState>, crate::SimError> {
        let dataset = Arc::new(DataSet::new(&config)?);
        let base_url = config
            .public_base_url
            .clone()
            .unwrap_or_else(|| base_url.to_string())
            .trim_end_matches('/')
            .to_string();
        Ok(Arc::new(SimState {
            key: mix(config.seed ^ 0x005E_C2E7),
            arrivals: Arrivals::new(&config),
            webhooks: Webhooks::new(&config)?,
            faults: Faults::new(config.seed),
            privacy: Privacy::default(),
            limiter: Limiter::new(config.limits),
            stats: Recorder::new(),
            tokens: Mutex::new(TokenStore::default()),
            dataset,
            base_url,
            config,
            clock_offset_ms: AtomicI64::new(0),
        }))
    }

    /// The simulator's notion of now: real time plus any advance made by a test,
    /// used for token and media-link expiry.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.clock_offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the simulator's clock forward.
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.clock_offset_ms
            .fetch_add(by.as_millis() as i64, Ordering::Relaxed);
    }

    /// The indices of the calls gone from Gong (deleted, or erased with an address of
    /// one of their parties); `None` when none ever left.
    pub fn gone(&self) -> Option<HashSet<u64>> {
        self.privacy.gone(self.now())
    }

    /// Whether the call `id` is gone from Gong.
    pub fn is_gone(&self, id: &str) -> bool {
        let gone = self.gone();
        gone.zip(self.dataset.index_of(id))
            .is_some_and(|(gone, i)| gone.contains(&i))
    }

    /// The token store.
    pub fn tokens(&self) -> MutexGuard<'_, TokenStore> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The signature of a media link.
    pub fn media_signature(&self, call_id: &str, file: &str, expires: i64) -> String {
        let text = format!("{call_id}/{file}/{expires}");
        format!("{:016x}", hash_bytes(self.key, text.as_bytes()))
    }

    /// Whether a call's recording is gone (generated flag or runtime switch).
    pub fn recording_deleted(&self, call: &SimCall) -> bool {
        call.recording_deleted || self.faults.is_deleted(&call.id)
    }

    /// Signed media URLs valid for the configured lifetime, or `None` when the
    /// recording was deleted.
    pub fn media_for(&self, call: &SimCall) -> Option<Media> {
        if self.recording_deleted(call) {
            return None;
        }
        let expires = self.now().timestamp() + self.config.media_ttl_secs as i64;
        let url = |file: &str| {
            let sig = self.media_signature(&call.id, file, expires);
            format!(
                "{}/media/{}/{file}?Expires={expires}&Signature={sig}",
                self.base_url, call.id
            )
        };
        Some(Media {
            audio_url: Some(url("audio.wav")),
            video_url: call.video.then(|| url("video.wav")),
        })
    }
}
