//! Which passes a job runs, in order (M2–M4, S7, W2, C3): a pure function of the
//! request, the checkpoint, the settings, the job's start and the retry list. The job
//! loop ([`super::JobRun::run`]) runs what this returns and decides nothing itself.

use chrono::{DateTime, Utc};
use gong_timeline_domain::quota::Purpose;
use gong_timeline_domain::Trigger;
use gong_timeline_store::GongCallId;
use gong_timeline_store::{
    Checkpoint, MeetingKey, MeetingSet, Pass as StoredPass, ResumePoint, Settings,
};

use super::JobRequest;
use crate::evaluate::settings_fingerprint;
use crate::windows::{backfill_start, plan_window, resync_window, Window, RECONCILE_DAYS};

/// One pass of a job over meetings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pass {
    /// Every page of a time window from Gong. A `first` window runs before the
    /// re-evaluation (a resumed window, a re-sync): the meetings it fetched are not
    /// evaluated again from the store, nor re-read by id, in the same job (L1).
    Window {
        /// The window.
        window: Window,
        /// Whether it runs before the re-evaluation.
        first: bool,
    },
    /// The incremental window (S7): its first page, and the rest only when something
    /// may have turned up late ([`crate::windows::look_back_settled`]).
    LookBack(Window),
    /// Stored meetings evaluated again, from the store alone (M2).
    Reevaluate(Reevaluation),
    /// Calls on the retry list re-read by id, but for those this job already handled
    /// (evaluated from the store or fetched by a first window): the only meetings
    /// Gong is asked for twice (M3).
    Retries(Vec<GongCallId>),
    /// The calls Gong pushed (W2), re-read by id.
    Pushed,
    /// G1's monthly deep check of the backfill window beyond the reconciliation span:
    /// its stored meetings asked for by id, a bounded slice per job.
    DeepCheck(DeepCheckPlan),
    /// C3's warning set from what the job saw; `reconciled` when the job's window
    /// covered the whole reconciliation span.
    HubspotWarning {
        /// Whether a whole reconciliation pass ran.
        reconciled: bool,
    },
    /// The transcripts of the connection's activities that have none yet, 100 calls
    /// a request (S9), when the connection's settings ask for them.
    Transcripts,
}

impl Pass {
    /// The pass's name in logs.
    pub fn name(&self) -> &'static str {
        match self {
            Pass::Window { first: true, .. } => "first window",
            Pass::Window { first: false, .. } => "window",
            Pass::LookBack(_) => "look-back",
            Pass::Reevaluate(_) => "re-evaluation",
            Pass::Retries(_) => "retries",
            Pass::Pushed => "pushed calls",
            Pass::DeepCheck(_) => "deep check",
            Pass::HubspotWarning { .. } => "hubspot warning",
            Pass::Transcripts => "transcripts",
        }
    }
}

/// How often the deep check goes through the whole backfill window (G1).
pub const DEEP_CHECK_EVERY_DAYS: i64 = 30;
/// The most stored meetings one job asks Gong about in the deep check: 20 requests
/// of 100 ids, so six scheduled jobs a day spend at most 120 of Gong's 10,000.
pub const DEEP_CHECK_CALLS_PER_JOB: u32 = 2_000;

/// The next slice of the deep check: which stored meetings to ask Gong about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeepCheckPlan {
    /// The backfill's start.
    pub since: DateTime<Utc>,
    /// The reconciliation span's start: newer calls are the weekly pass's.
    pub until: DateTime<Utc>,
    /// Where an unfinished check stopped.
    pub after: Option<MeetingKey>,
    /// When the last one finished (kept until this one does).
    pub last: DateTime<Utc>,
}

/// The deep check a scheduled or manual job does, if any: a month after the last
/// one — or, before the first, after the first reconciliation (the first backfill
/// read everything) — or to go on with an unfinished one, over the backfill window
/// older than the reconciliation span.
pub fn deep_check(
    request: JobRequest,
    checkpoint: &Checkpoint,
    backfill_from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DeepCheckPlan> {
    if !matches!(request.trigger, Trigger::Schedule | Trigger::Manual) {
        return None;
    }
    let state = &checkpoint.deep_check;
    let last = state.checked_at.or(checkpoint.last_reconciled_at)?;
    let until = now - chrono::Duration::days(RECONCILE_DAYS);
    let due = state.after.is_some() || now - last >= chrono::Duration::days(DEEP_CHECK_EVERY_DAYS);
    (due && backfill_from < until).then(|| DeepCheckPlan {
        since: backfill_from,
        until,
        after: state.after.clone(),
        last,
    })
}

/// Which stored meetings a re-evaluation reads, from where, under which settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reevaluation {
    /// The set read.
    pub which: MeetingSet,
    /// The key to resume after (an interrupted re-evaluation), if any.
    pub after: Option<MeetingKey>,
    /// The backfill's start: nothing older is evaluated.
    pub since: DateTime<Utc>,
    /// The fingerprint of the settings evaluated against.
    pub settings: i64,
}

/// The passes of a job started at `now`.
///
/// A webhook batch only re-reads the pushed calls (W2). Any other job first finishes
/// an interrupted window or re-syncs from a date, re-evaluates stored meetings (a
/// re-evaluation stops there), re-reads by id what never became a meeting, then —
/// when no first window ran — reads the window the checkpoint asks for (S7), and
/// sets C3's warning. With transcripts on (S9), a job that may ask Gong ends by
/// fetching the transcripts its activities lack; a re-evaluation asks Gong nothing.
pub fn plan(
    request: JobRequest,
    checkpoint: &Checkpoint,
    settings: &Settings,
    now: DateTime<Utc>,
    retries: Vec<GongCallId>,
) -> Vec<Pass> {
    let transcripts = settings.transcripts.then_some(Pass::Transcripts);
    if request.trigger == Trigger::Webhook {
        return [Some(Pass::Pushed), transcripts]
            .into_iter()
            .flatten()
            .collect();
    }
    let backfill_from = backfill_start(now, settings.backfill_days);
    let fingerprint = settings_fingerprint(settings);
    let reevaluate = Pass::Reevaluate(reevaluation(
        request.trigger,
        checkpoint,
        fingerprint,
        backfill_from,
    ));
    if request.trigger == Trigger::Reevaluate {
        return vec![reevaluate];
    }
    let first = first_window(request, checkpoint, backfill_from, now);
    let mut passes = Vec::with_capacity(5);
    if let Some(window) = first {
        passes.push(Pass::Window {
            window,
            first: true,
        });
    }
    passes.push(reevaluate);
    if !retries.is_empty() {
        passes.push(Pass::Retries(retries));
    }
    // Only a whole pass over the reconciliation span may clear C3's warning: a
    // resumed window saw only its tail, an incremental one only the look-back.
    let reconciled = match first {
        Some(first) => request.resync_from.is_some() && first.reconciles,
        None => {
            let window = plan_window(now, checkpoint, settings);
            passes.push(if window.reconciles {
                Pass::Window {
                    window,
                    first: false,
                }
            } else {
                Pass::LookBack(window)
            });
            window.reconciles
        }
    };
    if let Some(deep) = deep_check(request, checkpoint, backfill_from, now) {
        passes.push(Pass::DeepCheck(deep));
    }
    passes.push(Pass::HubspotWarning { reconciled });
    passes.extend(transcripts);
    passes
}

/// What a window's requests are spent as (Q2): a re-sync's are the admin's
/// re-sync; a window reaching back past the reconciliation span is backfill (the
/// first sync, or its resumed rest); a reconciling one is the weekly reconciliation;
/// any other is an incremental window resumed.
pub fn window_purpose(request: JobRequest, window: Window, now: DateTime<Utc>) -> Purpose {
    // A day's slack: the weekly pass reaches back 30 days from the checkpoint minus
    // the look-back, a little before `now - 30 days`.
    let reconciliation_reach = chrono::Duration::days(RECONCILE_DAYS + 1);
    if request.resync_from.is_some() {
        Purpose::Resync
    } else if window.from < now - reconciliation_reach {
        Purpose::Backfill
    } else if window.reconciles {
        Purpose::Reconciliation
    } else {
        Purpose::Window
    }
}

/// C3's warning after a job: on as soon as a meeting carries HubSpot context; off
/// only when a whole reconciliation pass saw none.
pub fn hubspot_warning(current: bool, saw_hubspot: bool, reconciled: bool) -> bool {
    saw_hubspot || (current && !reconciled)
}

/// The window a job fetches before anything else: a re-sync's, or the rest of an
/// interrupted window, resumed after its last committed page (M4).
fn first_window(
    request: JobRequest,
    checkpoint: &Checkpoint,
    backfill_from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Window> {
    if let Some(from) = request.resync_from {
        return Some(resync_window(now, from, backfill_from));
    }
    match &checkpoint.resume {
        Some(ResumePoint {
            pass: StoredPass::Fetch {
                from, reconciles, ..
            },
            after,
        }) => Some(Window {
            from: after
                .as_ref()
                .map_or(*from, |key| key.started)
                .max(backfill_from)
                .min(now),
            to: now,
            reconciles: *reconciles,
        }),
        _ => None,
    }
}

/// Which stored meetings a job re-evaluates, and after which key (M2, M4): an
/// explicit re-evaluation or changed settings take every meeting not on the
/// Timeline; otherwise the failed ones, which an import, a new IC user or a
/// resolved conflict may heal. An interrupted re-evaluation under the same settings
/// resumes where it stopped.
fn reevaluation(
    trigger: Trigger,
    checkpoint: &Checkpoint,
    settings: i64,
    since: DateTime<Utc>,
) -> Reevaluation {
    let fresh = |which| Reevaluation {
        which,
        after: None,
        since,
        settings,
    };
    if let Some(ResumePoint {
        pass: StoredPass::Reevaluate {
            which,
            settings: resumed,
        },
        after,
    }) = &checkpoint.resume
    {
        if *resumed == settings {
            return Reevaluation {
                after: after.clone(),
                ..fresh(*which)
            };
        }
    }
    let changed = checkpoint.evaluated_settings != Some(settings);
    if trigger == Trigger::Reevaluate || changed {
        fresh(MeetingSet::NotOnTimeline)
    } else {
        fresh(MeetingSet::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use gong_timeline_store::DeepCheck;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
    }

    fn settings() -> Settings {
        Settings {
            backfill_days: 90,
            ..Settings::default()
        }
    }

    fn fp() -> i64 {
        settings_fingerprint(&settings())
    }

    fn since() -> DateTime<Utc> {
        now() - Duration::days(90)
    }

    fn key(hours_ago: i64) -> MeetingKey {
        MeetingKey {
            started: now() - Duration::hours(hours_ago),
            gong_call_id: "c9".into(),
        }
    }

    fn retry(id: &str) -> GongCallId {
        id.into()
    }

    /// A checkpoint of a connection synced 4 hours ago, reconciled yesterday, its
    /// stored meetings evaluated against the current settings.
    fn synced() -> Checkpoint {
        Checkpoint {
            last_meeting_started: Some(now() - Duration::hours(4)),
            last_reconciled_at: Some(now() - Duration::days(1)),
            resume: None,
            evaluated_settings: Some(fp()),
            deep_check: DeepCheck {
                checked_at: Some(now() - Duration::days(2)),
                after: None,
            },
        }
    }

    fn reevaluate(which: MeetingSet, after: Option<MeetingKey>) -> Pass {
        Pass::Reevaluate(Reevaluation {
            which,
            after,
            since: since(),
            settings: fp(),
        })
    }

    fn window(from: DateTime<Utc>, reconciles: bool, first: bool) -> Pass {
        Pass::Window {
            window: Window {
                from,
                to: now(),
                reconciles,
            },
            first,
        }
    }

    fn look_back() -> Pass {
        Pass::LookBack(Window {
            from: now() - Duration::hours(28),
            to: now(),
            reconciles: false,
        })
    }

    /// What it shows, the request, the checkpoint, the retry list, the passes.
    type Case = (
        &'static str,
        JobRequest,
        Checkpoint,
        Vec<GongCallId>,
        Vec<Pass>,
    );

    #[test]
    fn q2_a_window_is_spent_as_resync_backfill_reconciliation_or_window() {
        let window = |days_back: i64, reconciles: bool| Window {
            from: now() - Duration::days(days_back),
            to: now(),
            reconciles,
        };
        let manual = JobRequest::new(Trigger::Manual);
        let resync = JobRequest::resync(now() - Duration::days(10));
        let cases = [
            (resync, window(10, false), Purpose::Resync),
            (resync, window(90, true), Purpose::Resync),
            (manual, window(90, true), Purpose::Backfill),
            (manual, window(45, false), Purpose::Backfill),
            (manual, window(30, true), Purpose::Reconciliation),
            (manual, window(2, false), Purpose::Window),
        ];
        for (request, w, expected) in cases {
            assert_eq!(
                window_purpose(request, w, now()),
                expected,
                "{request:?} {w:?}"
            );
        }
    }

    #[test]
    fn m4_s7_w2_plans_the_passes_each_job_runs_in_order() {
        use MeetingSet::{Failed, NotOnTimeline};
        let schedule = JobRequest::new(Trigger::Schedule);
        let resumed_fetch = Checkpoint {
            resume: Some(ResumePoint {
                pass: StoredPass::Fetch {
                    from: now() - Duration::days(30),
                    to: now() - Duration::hours(1),
                    reconciles: true,
                },
                after: Some(key(48)),
            }),
            ..synced()
        };
        let resumed_reevaluation = |settings| Checkpoint {
            resume: Some(ResumePoint {
                pass: StoredPass::Reevaluate {
                    which: NotOnTimeline,
                    settings,
                },
                after: Some(key(100)),
            }),
            ..synced()
        };
        let cases: Vec<Case> = vec![
            (
                "a webhook batch re-reads the pushed calls only",
                JobRequest::new(Trigger::Webhook),
                resumed_fetch.clone(),
                vec![retry("c1")],
                vec![Pass::Pushed],
            ),
            (
                "a first sync evaluates nothing stored yet and backfills, reconciling",
                schedule,
                Checkpoint::default(),
                vec![],
                vec![
                    reevaluate(NotOnTimeline, None),
                    window(since(), true, false),
                    Pass::HubspotWarning { reconciled: true },
                ],
            ),
            (
                "an incremental sync retries the failed ones and reads the look-back",
                schedule,
                synced(),
                vec![],
                vec![
                    reevaluate(Failed, None),
                    look_back(),
                    Pass::HubspotWarning { reconciled: false },
                ],
            ),
            (
                "the retry list is re-read by id after the re-evaluation",
                JobRequest::new(Trigger::Manual),
                synced(),
                vec![retry("c1"), retry("c2")],
                vec![
                    reevaluate(Failed, None),
                    Pass::Retries(vec!["c1".into(), "c2".into()]),
                    look_back(),
                    Pass::HubspotWarning { reconciled: false },
                ],
            ),
            (
                "a week after the last reconciliation the window reaches 30 days back",
                schedule,
                Checkpoint {
                    last_reconciled_at: Some(now() - Duration::days(8)),
                    ..synced()
                },
                vec![],
                vec![
                    reevaluate(Failed, None),
                    window(now() - Duration::days(30), true, false),
                    Pass::HubspotWarning { reconciled: true },
                ],
            ),
            (
                "changed settings re-evaluate every meeting not on the Timeline",
                schedule,
                Checkpoint {
                    evaluated_settings: Some(fp() + 1),
                    ..synced()
                },
                vec![],
                vec![
                    reevaluate(NotOnTimeline, None),
                    look_back(),
                    Pass::HubspotWarning { reconciled: false },
                ],
            ),
            (
                "an interrupted window resumes after its last page, first, and replaces the window",
                schedule,
                resumed_fetch.clone(),
                vec![],
                vec![
                    window(now() - Duration::hours(48), true, true),
                    reevaluate(Failed, None),
                    Pass::HubspotWarning { reconciled: false },
                ],
            ),
            (
                "an interrupted re-evaluation under the same settings resumes after its key",
                schedule,
                resumed_reevaluation(fp()),
                vec![],
                vec![
                    reevaluate(NotOnTimeline, Some(key(100))),
                    look_back(),
                    Pass::HubspotWarning { reconciled: false },
                ],
            ),
            (
                "under other settings it starts again",
                schedule,
                resumed_reevaluation(fp() + 1),
                vec![],
                vec![
                    reevaluate(Failed, None),
                    look_back(),
                    Pass::HubspotWarning { reconciled: false },
                ],
            ),
            (
                "a re-evaluation re-evaluates only, every meeting not on the Timeline",
                JobRequest::new(Trigger::Reevaluate),
                resumed_fetch,
                vec![retry("c1")],
                vec![reevaluate(NotOnTimeline, None)],
            ),
            (
                "a short re-sync reads its window first and does not reconcile",
                JobRequest::resync(now() - Duration::days(3)),
                synced(),
                vec![],
                vec![
                    window(now() - Duration::days(3), false, true),
                    reevaluate(Failed, None),
                    Pass::HubspotWarning { reconciled: false },
                ],
            ),
            (
                "a re-sync from before the backfill reads all of it and reconciles",
                JobRequest::resync(now() - Duration::days(400)),
                synced(),
                vec![],
                vec![
                    window(since(), true, true),
                    reevaluate(Failed, None),
                    Pass::HubspotWarning { reconciled: true },
                ],
            ),
        ];
        for (case, request, checkpoint, retries, expected) in cases {
            let passes = plan(request, &checkpoint, &settings(), now(), retries);
            assert_eq!(passes, expected, "{case}");
        }
    }

    #[test]
    fn s9_with_transcripts_on_a_job_that_asks_gong_ends_with_the_transcripts() {
        let on = Settings {
            transcripts: true,
            ..settings()
        };
        let cases = [
            (Trigger::Schedule, Some(Pass::Transcripts)),
            (Trigger::Manual, Some(Pass::Transcripts)),
            (Trigger::Webhook, Some(Pass::Transcripts)),
            (Trigger::Reevaluate, None),
        ];
        for (trigger, last) in cases {
            let passes = plan(JobRequest::new(trigger), &synced(), &on, now(), Vec::new());
            let fetches = passes.contains(&Pass::Transcripts);
            assert_eq!(fetches, last.is_some(), "{trigger:?}");
            if last.is_some() {
                assert_eq!(passes.last(), last.as_ref(), "{trigger:?}: last");
            }
            let off = plan(
                JobRequest::new(trigger),
                &synced(),
                &settings(),
                now(),
                Vec::new(),
            );
            assert!(!off.contains(&Pass::Transcripts), "{trigger:?}: off");
        }
    }

    #[test]
    fn c3_the_warning_comes_on_with_any_hubspot_context() {
        assert!(hubspot_warning(false, true, false));
        assert!(hubspot_warning(true, true, true));
    }

    #[test]
    fn c3_an_incremental_sync_without_hubspot_keeps_the_warning() {
        assert!(hubspot_warning(true, false, false));
        assert!(!hubspot_warning(false, false, false));
    }

    #[test]
    fn c3_only_a_whole_reconciliation_without_hubspot_clears_it() {
        assert!(!hubspot_warning(true, false, true));
    }

    #[test]
    fn g1_the_deep_check_runs_monthly_goes_on_where_it_stopped_and_starts_its_clock() {
        let schedule = JobRequest::new(Trigger::Schedule);
        let from = now() - Duration::days(90);
        let until = now() - Duration::days(30);
        let key = MeetingKey {
            started: now() - Duration::days(60),
            gong_call_id: "c9".into(),
        };
        let state = |days_ago: Option<i64>, after: Option<MeetingKey>| Checkpoint {
            deep_check: DeepCheck {
                checked_at: days_ago.map(|d| now() - Duration::days(d)),
                after,
            },
            ..synced()
        };
        let run = |after, last_days: i64| {
            Some(DeepCheckPlan {
                since: from,
                until,
                after,
                last: now() - Duration::days(last_days),
            })
        };
        let cases = [
            (
                "never checked, reconciled yesterday: not due",
                schedule,
                state(None, None),
                from,
                None,
            ),
            (
                "never checked, first reconciled 35 days ago: due",
                schedule,
                Checkpoint {
                    last_reconciled_at: Some(now() - Duration::days(35)),
                    ..state(None, None)
                },
                from,
                run(None, 35),
            ),
            (
                "checked 10 days ago: not due",
                schedule,
                state(Some(10), None),
                from,
                None,
            ),
            (
                "checked 31 days ago: due",
                schedule,
                state(Some(31), None),
                from,
                run(None, 31),
            ),
            (
                "unfinished: goes on",
                schedule,
                state(Some(40), Some(key.clone())),
                from,
                run(Some(key.clone()), 40),
            ),
            (
                "a manual job too",
                JobRequest::new(Trigger::Manual),
                state(Some(31), None),
                from,
                run(None, 31),
            ),
            (
                "not a webhook batch",
                JobRequest::new(Trigger::Webhook),
                state(Some(31), None),
                from,
                None,
            ),
            (
                "not a re-evaluation",
                JobRequest::new(Trigger::Reevaluate),
                state(Some(31), None),
                from,
                None,
            ),
            (
                "a 30-day backfill has nothing older",
                schedule,
                state(Some(31), None),
                until,
                None,
            ),
        ];
        for (case, request, checkpoint, backfill_from, expected) in cases {
            assert_eq!(
                deep_check(request, &checkpoint, backfill_from, now()),
                expected,
                "{case}"
            );
        }
    }
}
