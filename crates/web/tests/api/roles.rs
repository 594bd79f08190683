//! A1 and A3: every route checks its role (the matrix below walks each page and
//! API route for admin, member, viewer and anonymous), a viewer's Timeline has no
//! recording, a Timeline user signs in once granted, and a token is no wider than
//! its owner's role.

use std::collections::BTreeSet;

use chrono::Utc;
use gong_timeline_domain::TokenScope;
use gong_timeline_store::Role;
use gong_timeline_web::service::tokens::{self, TokenRequest};

use crate::helpers::{spawn_app, Session, TestApp};

/// Who may reach a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Every signed-in role.
    Reader,
    /// Admin and member (recordings).
    Recordings,
    /// Admin only.
    Admin,
}

use Need::*;

/// Every page route (method, path with `{id}`-style holes, need).
const PAGES: &[(&str, &str, Need)] = &[
    ("GET", "/", Reader),
    ("GET", "/companies", Reader),
    ("GET", "/companies/{company}", Reader),
    ("GET", "/activities", Reader),
    ("GET", "/activities/{activity}", Reader),
    ("GET", "/activities/{activity}/recording", Recordings),
    ("GET", "/activities/{activity}/transcript", Recordings),
    ("GET", "/connectors", Admin),
    ("POST", "/connectors", Admin),
    ("GET", "/connectors/{id}", Admin),
    ("POST", "/connectors/{none}/authorize", Admin),
    ("POST", "/connectors/{none}/sync", Admin),
    ("POST", "/connectors/{none}/resync", Admin),
    ("POST", "/connectors/{none}/resync/estimate", Admin),
    ("GET", "/connectors/{id}/usage", Admin),
    ("GET", "/connectors/{id}/pending", Admin),
    ("GET", "/connectors/{id}/sync-status", Admin),
    ("POST", "/connectors/{none}/reevaluate", Admin),
    ("POST", "/connectors/{none}/quota", Admin),
    ("POST", "/connectors/{none}/update", Admin),
    ("POST", "/connectors/{none}/webhook", Admin),
    ("GET", "/connectors/{id}/webhook/rotate", Admin),
    ("GET", "/connectors/{id}/delete", Admin),
    ("POST", "/connectors/{none}/delete", Admin),
    ("GET", "/connectors/{id}/settings", Admin),
    ("POST", "/connectors/{none}/settings", Admin),
    ("GET", "/oauth/callback", Admin),
    ("GET", "/log", Admin),
    ("GET", "/log/jobs/{job}", Admin),
    ("POST", "/log/jobs/{none}/export", Admin),
    ("GET", "/users", Admin),
    ("GET", "/users/timeline", Admin),
    ("POST", "/users/timeline/{none}/access", Admin),
    ("POST", "/users/accounts/{none}/role", Admin),
    ("GET", "/users/accounts/{none}/remove", Admin),
    ("POST", "/users/accounts/{none}/remove", Admin),
    ("GET", "/users/{id}/resolve/1", Admin),
    ("POST", "/users/{none}/resolve/1", Admin),
    ("GET", "/tokens", Admin),
    ("POST", "/tokens", Admin),
    ("GET", "/tokens/{none}/delete", Admin),
    ("POST", "/tokens/{none}/delete", Admin),
    ("GET", "/privacy", Admin),
    ("POST", "/privacy/erase", Admin),
    ("GET", "/audit", Admin),
    ("GET", "/imports", Admin),
    ("POST", "/imports", Admin),
    ("GET", "/exports/{none}", Admin),
    ("GET", "/metrics", Admin),
];

/// Every API route under `/api/v1` (as `api::routes()` spells it) and its need.
const API: &[(&str, &str, Need)] = &[
    ("get", "/activities", Reader),
    ("get", "/activities/{id}", Reader),
    ("get", "/activities/{id}/transcript", Recordings),
    ("get", "/companies", Reader),
    ("get", "/connections", Admin),
    ("post", "/connections", Admin),
    ("get", "/connections/{id}", Admin),
    ("patch", "/connections/{id}", Admin),
    ("delete", "/connections/{id}", Admin),
    ("post", "/connections/{id}/authorize", Admin),
    ("get", "/connections/{id}/settings", Admin),
    ("put", "/connections/{id}/settings", Admin),
    ("post", "/connections/{id}/settings/preview", Admin),
    ("get", "/connections/{id}/sync", Admin),
    ("post", "/connections/{id}/sync", Admin),
    ("post", "/connections/{id}/resync", Admin),
    ("get", "/connections/{id}/pending", Admin),
    ("post", "/connections/{id}/reevaluate", Admin),
    ("get", "/connections/{id}/resync-estimate", Admin),
    ("get", "/connections/{id}/usage", Admin),
    ("get", "/connections/{id}/quota", Admin),
    ("put", "/connections/{id}/quota", Admin),
    ("get", "/connections/{id}/webhook", Admin),
    ("put", "/connections/{id}/webhook", Admin),
    ("get", "/connections/{id}/users", Admin),
    (
        "post",
        "/connections/{id}/users/{gong_user_id}/resolve",
        Admin,
    ),
    ("get", "/users", Admin),
    ("put", "/accounts/{id}", Admin),
    ("delete", "/accounts/{id}", Admin),
    ("post", "/imports/{kind}", Admin),
    ("get", "/jobs", Admin),
    ("get", "/jobs/{id}", Admin),
    ("get", "/jobs/{id}/records", Admin),
    ("post", "/jobs/{id}/export", Admin),
    ("get", "/erasures", Admin),
    ("post", "/erasures", Admin),
    ("get", "/audit", Admin),
];

const ROLE_PASSWORD: &str = "a reader's password";

/// A signed-in account of `role` named `name`.
async fn account(app: &TestApp, name: &str, role: Role) -> Session {
    let hash = gong_timeline_web::hash_password(ROLE_PASSWORD).unwrap();
    app.store
        .create_account(name, &hash, role, Utc::now())
        .await
        .unwrap();
    app.login_as(name, ROLE_PASSWORD).await
}

fn allowed(role: Option<Role>, need: Need) -> bool {
    match (role, need) {
        (None, _) => false,
        (Some(_), Reader) => true,
        (Some(r), Recordings) => r != Role::Viewer,
        (Some(r), Admin) => r == Role::Admin,
    }
}

/// One request as `who` (a session or none): (status, Location).
async fn request(
    app: &TestApp,
    who: Option<&Session>,
    method: &str,
    path: &str,
    api: bool,
) -> (u16, String) {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let write = method != reqwest::Method::GET;
    let mut req = app.http.request(method, format!("{}{path}", app.base));
    if !api {
        req = req.header("accept", "text/html");
    }
    if let Some(s) = who {
        req = req.header("cookie", &s.cookie);
        if write && api {
            req = req
                .header("x-csrf-token", &s.csrf)
                .json(&serde_json::json!({}));
        } else if write {
            req = req.form(&[("csrf", s.csrf.as_str())]);
        }
    } else if write && api {
        req = req.json(&serde_json::json!({}));
    }
    let resp = req.send().await.unwrap();
    let location = resp
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (resp.status().as_u16(), location)
}

#[tokio::test]
async fn a1_every_route_checks_its_role() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await["id"].as_i64().unwrap();
    let a = app.items("/activities?limit=1").await;
    let (activity, company) = (
        a[0]["id"].as_i64().unwrap(),
        a[0]["company"]["id"].as_i64().unwrap(),
    );
    let admin = app.login().await;
    let member = account(&app, "member", Role::Member).await;
    let viewer = account(&app, "viewer", Role::Viewer).await;
    let who: [(Option<Role>, Option<&Session>); 4] = [
        (Some(Role::Admin), Some(&admin)),
        (Some(Role::Member), Some(&member)),
        (Some(Role::Viewer), Some(&viewer)),
        (None, None),
    ];
    let fill = |path: &str| {
        path.replace("{id}", &id.to_string())
            .replace("{company}", &company.to_string())
            .replace("{activity}", &activity.to_string())
            .replace("{job}", &job.to_string())
            .replace("{none}", "999999")
            .replace("{gong_user_id}", "1")
            .replace("{kind}", "nope")
    };
    // The API table is every routed API route, no more, no less.
    let routed: BTreeSet<(String, String)> = gong_timeline_web::api::routes()
        .into_iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let listed: BTreeSet<(String, String)> = API
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(routed, listed, "the matrix lists every API route");

    let mut checked = 0;
    for (role, session) in who {
        let pages = PAGES.iter().map(|(m, p, n)| (*m, fill(p), *n, false));
        let api = API
            .iter()
            .map(|(m, p, n)| (*m, format!("/api/v1{}", fill(p)), *n, true));
        for (method, path, need, is_api) in pages.chain(api) {
            let (status, location) = request(&app, session, method, &path, is_api).await;
            let what = format!("{role:?} {method} {path}: {status} {location}");
            if allowed(role, need) {
                assert!(
                    ![401, 403].contains(&status) && !location.starts_with("/login"),
                    "allowed: {what}"
                );
            } else if role.is_some() {
                assert_eq!(status, 403, "refused: {what}");
            } else if method == "GET" && !is_api {
                // A browser visit without a session goes to the log-in page.
                assert!(
                    (status == 303 || status == 302) && location.starts_with("/login?next="),
                    "to the log-in: {what}"
                );
            } else {
                assert_eq!(status, 401, "anonymous: {what}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * (PAGES.len() + API.len()));
}

#[tokio::test]
async fn a1_a_member_sees_recordings_and_a_viewer_the_timeline_without_them() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let a = app.items("/activities?limit=1").await;
    let (activity, company) = (
        a[0]["id"].as_i64().unwrap(),
        a[0]["company"]["id"].as_i64().unwrap(),
    );
    assert!(
        a[0]["recording_url"].is_string(),
        "the admin's API shows it"
    );
    let member = account(&app, "member", Role::Member).await;
    let viewer = account(&app, "viewer", Role::Viewer).await;

    let (status, timeline) = app.page(&member, &format!("/companies/{company}")).await;
    assert_eq!(status, 200);
    assert!(timeline.contains("Load recording") && timeline.contains("Open the call in Gong"));
    let (status, timeline) = app.page(&viewer, &format!("/companies/{company}")).await;
    assert_eq!(status, 200);
    assert!(
        timeline.contains("class=\"card activity"),
        "the cards show: {timeline}"
    );
    assert!(!timeline.contains("Load recording") && !timeline.contains("Open the call in Gong"));
    let (_, one) = app.page(&viewer, &format!("/activities/{activity}")).await;
    assert!(!one.contains("/recording\""), "{one}");
    assert_eq!(
        app.page(&viewer, &format!("/activities/{activity}/recording"))
            .await
            .0,
        403
    );

    // The navigation offers what the role may open.
    for nav in [&timeline, &app.page(&member, "/companies").await.1] {
        assert!(nav.contains("href=\"/companies\""));
        for admin_only in [
            "/connectors\"",
            "/tokens\"",
            "/audit\"",
            "/privacy\"",
            "/imports\"",
        ] {
            assert!(
                !nav.contains(&format!("href=\"{admin_only}")),
                "{admin_only}"
            );
        }
    }
    // Home is the Timeline; a page of the admins' is refused with a way back.
    let (status, location) = request(&app, Some(&member), "GET", "/", false).await;
    assert_eq!((status, location.as_str()), (303, "/companies"));
    let (status, refused) = app.page(&member, "/connectors").await;
    assert_eq!(status, 403);
    assert!(refused.contains("role is 'member'") && refused.contains("Back to the Timeline"));

    // The API: a viewer's activity has no recording link.
    let get = |s: &Session, path: String| {
        let req = app
            .http
            .get(format!("{}/api/v1{path}", app.base))
            .header("cookie", &s.cookie);
        async move {
            req.send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert!(get(&member, format!("/activities/{activity}")).await["recording_url"].is_string());
    let seen = get(&viewer, format!("/activities/{activity}")).await;
    assert!(seen["recording_url"].is_null(), "{seen}");
    assert!(
        get(&viewer, "/activities?limit=5".into()).await["items"][0]["recording_url"].is_null()
    );
}

#[tokio::test]
async fn a1_an_admin_grants_a_timeline_user_sign_in_with_the_license_types_role() {
    let app = spawn_app().await;
    let admin = app.login().await;
    let users = app.store.list_users().await.unwrap();
    let full = users
        .iter()
        .find(|u| u.license_type == gong_timeline_domain::LicenseType::Full)
        .expect("a Full user");
    let (status, page) = app.page(&admin, "/users/timeline").await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("action=\"/users/timeline/{}/access\"", full.id)));
    // The license type's default role is offered first.
    let (status, _, granted) = app
        .form(
            &admin,
            &format!("/users/timeline/{}/access", full.id),
            &[("role", "")],
        )
        .await;
    assert_eq!(status, 200, "{granted}");
    assert!(granted.contains("as <strong>member</strong>"), "{granted}");
    let start = granted.find("id=\"initial-password\">").unwrap() + 22;
    let password = granted[start..].split('<').next().unwrap().to_string();
    // The user signs in with it and reads the Timeline.
    let member = app.login_as(&full.email, &password).await;
    assert_eq!(app.page(&member, "/companies").await.0, 200);
    assert_eq!(app.page(&member, "/users/timeline").await.0, 403);
    let (_, page) = app.page(&admin, "/users/timeline").await;
    assert!(page.contains("data-role=\"member\""), "the account shows");
    // A license type without a default needs a role picked.
    if let Some(guest) = users.iter().find(|u| u.license_type.to_string() == "Guest") {
        let path = format!("/users/timeline/{}/access", guest.id);
        let (status, _, body) = app.form(&admin, &path, &[("role", "")]).await;
        assert_eq!(status, 422, "{body}");
    }
    // Recorded in the audit log, without the password.
    let (_, log) = app.get("/audit").await;
    assert!(log.to_string().contains(&format!("admin '{}'", full.email)));
    assert!(!log.to_string().contains(&password));
}

#[tokio::test]
async fn a3_a_token_carries_at_most_its_owners_role() {
    let app = spawn_app().await;
    let id = app.basic_connection("acme").await;
    let hash = gong_timeline_web::hash_password(ROLE_PASSWORD).unwrap();
    let member = app
        .store
        .create_account("member", &hash, Role::Member, Utc::now())
        .await
        .unwrap();
    let wide = TokenRequest {
        name: "wide",
        scope: TokenScope::Admin,
        expires_at: None,
    };
    let refused = tokens::create(app.store.as_ref(), member.id, wide, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("scope"), "{refused}");
    let read = TokenRequest {
        name: "read",
        scope: TokenScope::Read,
        expires_at: None,
    };
    let (_, token) = tokens::create(app.store.as_ref(), member.id, read, Utc::now())
        .await
        .unwrap();
    let get = |path: &str| {
        app.http
            .get(format!("{}/api/v1{path}", app.base))
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(get("/activities").await.unwrap().status(), 200);
    assert_eq!(
        get("/jobs").await.unwrap().status(),
        403,
        "not the member's"
    );
    // An admin's admin-scope token reaches no further than its owner's role now.
    let hash = gong_timeline_web::hash_password(ROLE_PASSWORD).unwrap();
    let ann = app
        .store
        .create_admin("ann", &hash, Utc::now())
        .await
        .unwrap();
    let all = TokenRequest {
        name: "all",
        scope: TokenScope::Admin,
        expires_at: None,
    };
    let (_, token) = tokens::create(app.store.as_ref(), ann.id, all, Utc::now())
        .await
        .unwrap();
    let jobs = |token: String| {
        app.http
            .get(format!("{}/api/v1/connections/{id}", app.base))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(jobs(token.clone()).await.unwrap().status(), 200);
    app.store
        .set_admin_role(ann.id, Role::Viewer)
        .await
        .unwrap();
    assert_eq!(jobs(token).await.unwrap().status(), 403);
}

#[tokio::test]
async fn a1_an_admin_changes_an_accounts_role_audited_but_never_demotes_the_last_admin() {
    let app = spawn_app().await;
    let admin = app.login().await;
    let reader = account(&app, "reader@example.com", Role::Member).await;
    let id = app
        .store
        .admin_by_username("reader@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin_id = app
        .store
        .admin_by_username("admin")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (status, _) = request(&app, Some(&reader), "GET", "/connectors", false).await;
    assert_ne!(status, 200, "a member does not reach the connectors");

    // The only admin stays admin (the API).
    let (status, body) = app
        .api(
            reqwest::Method::PUT,
            &format!("/accounts/{admin_id}"),
            Some(serde_json::json!({"role": "member"})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'admin' is the last admin"),
        "{body}"
    );

    // User management lists every account with the form that changes its role.
    let (_, page) = app.page(&admin, "/users/timeline").await;
    assert!(page.contains("id=\"account-roles\""), "{page}");
    assert!(
        page.contains(&format!("action=\"/users/accounts/{id}/role\"")),
        "{page}"
    );

    // The page: member → admin; the account reaches admin pages at once.
    let (status, location, body) = app
        .form(
            &admin,
            &format!("/users/accounts/{id}/role"),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    let (_, page) = app.page(&admin, &location).await;
    assert!(page.contains("id=\"role-changed\""), "{page}");
    assert!(
        page.contains("reader@example.com now signs in as admin"),
        "{page}"
    );
    let (status, _) = request(&app, Some(&reader), "GET", "/connectors", false).await;
    assert_eq!(status, 200, "the promoted account reaches admin pages");

    // The API: two admins, so "admin" may be made a viewer.
    let (status, body) = app
        .api(
            reqwest::Method::PUT,
            &format!("/accounts/{admin_id}"),
            Some(serde_json::json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["role"], "viewer", "{body}");
    assert!(body.get("password_hash").is_none(), "{body}");

    // Now reader@example.com is the last admin: its own demotion is refused.
    let (status, _, body) = app
        .form(
            &reader,
            &format!("/users/accounts/{id}/role"),
            &[("role", "member")],
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("is the last admin"), "{body}");
    assert_eq!(
        app.store.admin_by_id(id).await.unwrap().unwrap().role,
        Role::Admin
    );

    // The audit log: who changed which account, the role before and after.
    let entries = app.store.list_audit_entries(100, None).await.unwrap();
    let changes: Vec<_> = entries
        .iter()
        .filter(|e| e.action == gong_timeline_domain::audit::AuditAction::RoleChanged)
        .collect();
    assert_eq!(changes.len(), 2, "{changes:?}");
    let promoted = changes
        .iter()
        .find(|e| e.target == "account 'reader@example.com'")
        .expect("the promotion");
    assert_eq!(promoted.actor, "admin");
    assert_eq!(promoted.before.as_ref().unwrap()["role"], "member");
    assert_eq!(promoted.after.as_ref().unwrap()["role"], "admin");
}
