//! User management (U7): Add users from external systems → connection type
//! GONG_IO → a connection → its Gong users with their mapping status (Conflicts first,
//! or one status; a mapping to an inactive user is flagged, as its meetings fail); a
//! Conflict opens the suggested users (the same email) → pick one → Save (nothing
//! picked: an error beside the choices). Meetings that failed on the conflict are
//! retried by the next sync (the engine's retry list).

mod gong;
mod resolve;
mod timeline;

pub(crate) use self::gong::list;
pub use self::gong::GONG_IO;
pub(crate) use self::resolve::{resolve, resolve_page};
pub(crate) use self::timeline::{
    change_role, confirm_remove, grant, remove_sign_in, timeline_users,
};
