//! Where a job's time window stands (S7, S8, M4): the checkpoint a committed page may
//! move to, and the resume point a killed job continues from. Pure.
//!
//! The checkpoint moves only with pages, and only while Gong's pages come in
//! start-time order; otherwise it moves once, at the end of the window.

use chrono::{DateTime, Utc};
use gong_timeline_domain::meeting::Meeting;
use gong_timeline_store::{MeetingKey, Pass, ResumePoint};

use crate::windows::Window;

/// A job's progress through its window.
#[derive(Debug, Default)]
pub struct WindowCursor {
    window: Option<Window>,
    newest_seen: Option<DateTime<Utc>>,
    out_of_order: bool,
}

impl WindowCursor {
    /// A window starts.
    pub fn begin(&mut self, window: Window) {
        self.window = Some(window);
    }

    /// The window is done.
    pub fn end(&mut self) {
        self.window = None;
    }

    /// The checkpoint and resume point a page of the window moves to once committed:
    /// its newest start and its last meeting, while pages arrive in start-time order.
    pub fn page(&mut self, meetings: &[Meeting]) -> Option<(DateTime<Utc>, ResumePoint)> {
        let checkpoint = self.advance(meetings)?;
        let window = self.window?;
        let after = meetings
            .iter()
            .map(|m| MeetingKey {
                started: m.started,
                gong_call_id: m.gong_call_id.clone(),
            })
            .max();
        let resume = ResumePoint {
            pass: Pass::Fetch {
                from: window.from,
                to: window.to,
                reconciles: window.reconciles,
            },
            after,
        };
        Some((checkpoint, resume))
    }

    /// The page's newest start, while pages arrive in start-time order.
    fn advance(&mut self, meetings: &[Meeting]) -> Option<DateTime<Utc>> {
        let oldest = meetings.iter().map(|m| m.started).min()?;
        let newest = meetings.iter().map(|m| m.started).max()?;
        if self.newest_seen.is_some_and(|seen| oldest < seen) {
            self.out_of_order = true;
        }
        self.newest_seen = Some(self.newest_seen.map_or(newest, |seen| seen.max(newest)));
        (!self.out_of_order).then_some(newest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::meeting;
    use chrono::{Duration, TimeZone};

    fn at(hour: u32, id: &str) -> Meeting {
        let mut m = meeting(id);
        m.started = Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0).unwrap();
        m
    }

    fn window() -> Window {
        let to = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
        Window {
            from: to - Duration::days(1),
            to,
            reconciles: false,
        }
    }

    #[test]
    fn m4_pages_in_order_move_the_checkpoint_and_the_resume_point() {
        let mut cursor = WindowCursor::default();
        cursor.begin(window());
        let (checkpoint, resume) = cursor.page(&[at(2, "b"), at(1, "a")]).unwrap();
        assert_eq!(checkpoint, at(2, "b").started);
        assert_eq!(resume.after.unwrap().gong_call_id, "b");
        assert!(matches!(resume.pass, Pass::Fetch { from, .. } if from == window().from));
        let (checkpoint, _) = cursor.page(&[at(3, "c")]).unwrap();
        assert_eq!(checkpoint, at(3, "c").started);
    }

    #[test]
    fn s7_once_a_page_comes_out_of_order_the_checkpoint_waits_for_the_window_end() {
        let mut cursor = WindowCursor::default();
        cursor.begin(window());
        assert!(cursor.page(&[at(5, "e")]).is_some());
        assert!(cursor.page(&[at(4, "d"), at(6, "f")]).is_none());
        assert!(
            cursor.page(&[at(7, "g")]).is_none(),
            "for the rest of the job"
        );
    }

    #[test]
    fn an_empty_page_moves_nothing() {
        let mut cursor = WindowCursor::default();
        cursor.begin(window());
        assert!(cursor.page(&[]).is_none());
    }
}
