//! The provisioning stage of a job (U1–U6): maps every Gong user before meetings are
//! handled, and late owners (U6) while they are. Decisions come from
//! [`crate::provision`]; this module does the store and Gong I/O around them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use gong_timeline_domain::messages::GongPerson;
use gong_timeline_domain::users::UserDecision;
use gong_timeline_domain::Email;
use gong_timeline_gong::GongClient;
use gong_timeline_store::{ConnectionId, Store, UserId, UserMapping};

use crate::context::SyncContext;
use crate::progress::{Progress, ProgressFn};
use crate::provision::{
    mapping_upsert, new_ic_user, plan_one, GongUserInfo, PlannedMapping, UsersByEmail,
};
use crate::SyncError;

/// Pages Gong's users and maps each one (U1–U5); the job's context is loaded after
/// it ([`crate::evaluate::load_context`]).
pub async fn provision(
    store: &Arc<dyn Store>,
    client: &GongClient,
    connection_id: ConnectionId,
    now: DateTime<Utc>,
    progress: &ProgressFn,
) -> Result<(), SyncError> {
    let mut gong_users = Vec::new();
    let mut pages = client.users();
    while let Some(page) = pages.next().await {
        gong_users.extend(page?.items.iter().filter_map(gong_user_info));
    }
    let users = store.list_users().await?;
    let by_email = UsersByEmail::build(&users);
    let existing: HashMap<String, UserMapping> = store
        .list_mappings(connection_id)
        .await?
        .into_iter()
        .map(|m| (m.gong_user_id.clone(), m))
        .collect();
    let status_of: HashMap<UserId, _> = users.iter().map(|u| (u.id, u.status)).collect();
    let plans: Vec<PlannedMapping> = gong_users
        .iter()
        .map(|g| {
            plan_one(g, &by_email, existing.get(&g.gong_user_id), |id| {
                status_of.get(&id).copied()
            })
        })
        .collect();
    let created = apply(store, connection_id, &plans, now).await?;
    progress(Progress::UsersMapped {
        gong_users: plans.len() as u64,
        created: created.len() as u64,
    });
    Ok(())
}

/// Provisions owners the job met that Gong's user list did not map (U6). Returns the
/// Gong ids for which an Internal Collaborator user was created.
pub async fn provision_owners(
    store: &Arc<dyn Store>,
    ctx: &mut SyncContext,
    owners: &[GongPerson],
    now: DateTime<Utc>,
) -> Result<HashSet<String>, SyncError> {
    let mut seen = HashSet::new();
    let plans: Vec<PlannedMapping> = owners
        .iter()
        .filter(|o| seen.insert(o.gong_user_id.clone()))
        .map(|o| GongUserInfo {
            gong_user_id: o.gong_user_id.clone(),
            email: Email::parse(&o.email).ok(),
            name: o.name.clone(),
        })
        .map(|g| plan_one(&g, &ctx.users_by_email, None, |_| None))
        .collect();
    let created = apply(store, ctx.connection_id, &plans, now).await?;
    for (gong_id, user_id) in &created {
        if let Some(user) = store.get_user(*user_id).await? {
            ctx.add_user(&user);
        }
        ctx.authors
            .insert(gong_id.clone(), UserDecision::UseExisting(*user_id));
    }
    for plan in plans
        .iter()
        .filter(|p| !matches!(p.decision, UserDecision::CreateIc))
    {
        ctx.authors
            .insert(plan.gong.gong_user_id.clone(), plan.decision.clone());
    }
    Ok(created.into_keys().collect())
}

/// Creates the IC users the plans ask for and stores every mapping, in two transactions.
async fn apply(
    store: &Arc<dyn Store>,
    connection_id: ConnectionId,
    plans: &[PlannedMapping],
    now: DateTime<Utc>,
) -> Result<HashMap<String, UserId>, SyncError> {
    let to_create: Vec<(&PlannedMapping, &Email)> = plans
        .iter()
        .filter(|p| matches!(p.decision, UserDecision::CreateIc))
        .filter_map(|p| p.gong.email.as_ref().map(|e| (p, e)))
        .collect();
    let ids = store
        .create_users(
            to_create
                .iter()
                .map(|(p, e)| new_ic_user(&p.gong, e))
                .collect(),
        )
        .await?;
    let created: HashMap<String, UserId> = to_create
        .iter()
        .zip(ids)
        .map(|((p, _), id)| (p.gong.gong_user_id.clone(), id))
        .collect();
    let upserts = plans
        .iter()
        .map(|p| mapping_upsert(p, created.get(&p.gong.gong_user_id).copied()))
        .collect();
    store.upsert_mappings(connection_id, upserts, now).await?;
    Ok(created)
}

fn gong_user_info(user: &gong_timeline_gong::User) -> Option<GongUserInfo> {
    let id = user.id.clone()?;
    let name = [user.first_name.as_deref(), user.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    Some(GongUserInfo {
        gong_user_id: id,
        email: user
            .email_address
            .as_deref()
            .and_then(|e| Email::parse(e).ok()),
        name,
    })
}
