//! A1: an admin removes an account's sign-in (User management's confirmation page and
//! `DELETE /api/v1/accounts/{id}`): its session and API token stop at once, neither a
//! password nor the grant's old password signs it in, it is audited, and granting
//! sign-in again gives it back; one's own sign-in is kept. And the last admin stays
//! one when admins demote each other at the same time.

use chrono::Utc;
use gong_timeline_domain::audit::AuditAction;
use gong_timeline_domain::{LicenseType, TokenScope};
use gong_timeline_store::{AdminId, Role};
use gong_timeline_web::service::tokens::{self, TokenRequest};

use crate::helpers::{cookies, hidden, spawn_app, TestApp};

/// A Timeline user with a Full license granted sign-in from User management: its
/// email, account id and initial password.
async fn granted_member(app: &TestApp) -> (String, AdminId, String) {
    let admin = app.login().await;
    let full = app
        .store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.license_type == LicenseType::Full)
        .expect("a Full user");
    let path = format!("/users/timeline/{}/access", full.id);
    let (status, _, granted) = app.form(&admin, &path, &[("role", "")]).await;
    assert_eq!(status, 200, "{granted}");
    let start = granted.find("id=\"initial-password\">").unwrap() + 22;
    let password = granted[start..].split('<').next().unwrap().to_string();
    let id = app
        .store
        .admin_by_username(&full.email)
        .await
        .unwrap()
        .unwrap()
        .id;
    (full.email, id, password)
}

/// The status of a password log-in through the form (303 signs in).
async fn log_in_status(app: &TestApp, username: &str, password: &str) -> u16 {
    let page = app
        .http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let cookie = cookies(&page);
    let csrf = hidden(&page.text().await.unwrap(), "csrf");
    app.http
        .post(format!("{}/login", app.base))
        .header("cookie", &cookie)
        .form(&[
            ("username", username),
            ("password", password),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A read-scope API token of account `id`.
async fn read_token(app: &TestApp, id: AdminId) -> String {
    let request = TokenRequest {
        name: "script",
        scope: TokenScope::Read,
        expires_at: None,
    };
    tokens::create(app.store.as_ref(), id, request, Utc::now())
        .await
        .unwrap()
        .1
}

/// `GET /api/v1/activities` with a Bearer token: the status.
async fn api_status(app: &TestApp, token: &str) -> u16 {
    app.http
        .get(format!("{}/api/v1/activities?limit=1", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a1_an_admin_removes_a_sign_in_and_its_session_and_token_stop_at_once() {
    let app = spawn_app().await;
    let admin = app.login().await;
    let admin_id = app
        .store
        .admin_by_username("admin")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (email, id, password) = granted_member(&app).await;
    let member = app.login_as(&email, &password).await;
    let token = read_token(&app, id).await;
    assert_eq!(app.page(&member, "/companies").await.0, 200);
    assert_eq!(api_status(&app, &token).await, 200);

    // Sign-in accounts: a Remove sign-in link for others, not for one's own account.
    let (_, page) = app.page(&admin, "/users/timeline").await;
    assert!(
        page.contains(&format!("href=\"/users/accounts/{id}/remove\"")),
        "{page}"
    );
    assert!(!page.contains(&format!("href=\"/users/accounts/{admin_id}/remove\"")));
    // The confirmation says what happens, then removes.
    let (status, confirm) = app
        .page(&admin, &format!("/users/accounts/{id}/remove"))
        .await;
    assert_eq!(status, 200, "{confirm}");
    assert!(
        confirm.contains("id=\"confirm-remove-sign-in\""),
        "{confirm}"
    );
    assert!(
        confirm.contains("their open sessions and their API tokens stop working at once"),
        "{confirm}"
    );
    let (status, location, body) = app
        .form(&admin, &format!("/users/accounts/{id}/remove"), &[])
        .await;
    assert_eq!(status, 303, "{body}");
    let (_, page) = app.page(&admin, &location).await;
    assert!(page.contains("id=\"sign-in-removed\""), "{page}");
    assert!(
        page.contains(&format!("{email} can no longer sign in")),
        "{page}"
    );
    assert!(
        !page.contains(&format!("data-account=\"{email}\"")),
        "no longer a sign-in account"
    );

    // At once: the session goes to the log-in, the token is refused, so is the password.
    let (status, _) = app.page(&member, "/companies").await;
    assert_ne!(status, 200, "the session has ended");
    assert_eq!(api_status(&app, &token).await, 401);
    assert_eq!(log_in_status(&app, &email, &password).await, 401);

    // The API: one's own sign-in is kept (409), a removed or unknown account is a 404.
    let app = &app;
    let delete = |id: AdminId| async move {
        app.api(reqwest::Method::DELETE, &format!("/accounts/{id}"), None)
            .await
    };
    let (status, body) = delete(admin_id).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot remove your own sign-in"),
        "{body}"
    );
    assert_eq!(delete(id).await.0, 404);
    assert_eq!(delete(AdminId::new(999_999)).await.0, 404);
    assert!(app
        .store
        .admin_by_id(admin_id)
        .await
        .unwrap()
        .unwrap()
        .can_sign_in());

    // Audited: who removed which account, and the role it had.
    let entries = app.store.list_audit_entries(100, None).await.unwrap();
    let removed: Vec<_> = entries
        .iter()
        .filter(|e| e.action == AuditAction::SignInRemoved)
        .collect();
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(removed[0].actor, "admin");
    assert_eq!(removed[0].target, format!("account '{email}'"));
    assert_eq!(removed[0].before.as_ref().unwrap()["role"], "member");

    // Granting sign-in again gives the same account a new password; the old one stays refused.
    let (again_email, again_id, new_password) = granted_member(app).await;
    assert_eq!((again_email.as_str(), again_id), (email.as_str(), id));
    assert_eq!(log_in_status(app, &email, &password).await, 401);
    let back = app.login_as(&email, &new_password).await;
    assert_eq!(app.page(&back, "/companies").await.0, 200);
}

#[tokio::test]
async fn a1_delete_api_account_removes_another_admins_sign_in() {
    let app = spawn_app().await;
    let hash = gong_timeline_web::hash_password("another admin's password").unwrap();
    let ann = app
        .store
        .create_admin("ann", &hash, Utc::now())
        .await
        .unwrap();
    let ann_session = app.login_as("ann", "another admin's password").await;
    let (status, body) = app
        .api(
            reqwest::Method::DELETE,
            &format!("/accounts/{}", ann.id),
            None,
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, _) = app.page(&ann_session, "/connectors").await;
    assert_ne!(status, 200, "the removed admin's session has ended");
    // Now "admin" is the only admin left: its token still works.
    assert_eq!(app.get("/jobs").await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a1_admins_demoting_and_removing_each_other_at_once_leave_one_admin() {
    let app = spawn_app().await;
    let mut tokens = vec![app.token.clone()];
    let mut ids = vec![
        app.store
            .admin_by_username("admin")
            .await
            .unwrap()
            .unwrap()
            .id,
    ];
    for i in 0..7 {
        let admin = app
            .store
            .create_admin(&format!("admin{i}"), "unused", Utc::now())
            .await
            .unwrap();
        let request = TokenRequest {
            name: "race",
            scope: TokenScope::Admin,
            expires_at: None,
        };
        let (_, token) = tokens::create(app.store.as_ref(), admin.id, request, Utc::now())
            .await
            .unwrap();
        ids.push(admin.id);
        tokens.push(token);
    }
    // Each admin demotes (or removes the sign-in of) the next one, all at once.
    let mut requests = tokio::task::JoinSet::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let next = ids[(i + 1) % ids.len()];
        let url = format!("{}/api/v1/accounts/{next}", app.base);
        let http = app.http.clone();
        requests.spawn(async move {
            let request = if i % 2 == 0 {
                http.put(url).json(&serde_json::json!({"role": "member"}))
            } else {
                http.delete(url)
            };
            request
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let statuses = requests.join_all().await;
    // Done, refused as the last admin, or refused because the caller lost admin first.
    assert!(
        statuses
            .iter()
            .all(|s| [200, 204, 409, 401, 403].contains(s)),
        "{statuses:?}"
    );
    let admins = app
        .store
        .list_admins()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.role == Role::Admin)
        .count();
    assert!(admins >= 1, "an admin remains: {statuses:?}");
}
