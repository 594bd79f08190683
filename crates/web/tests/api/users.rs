//! User mappings: list, resolve a conflict, the retried meeting.

use serde_json::{json, Value};

use crate::helpers::spawn_app_with;
use crate::helpers::Options;

/// Job records of calls whose owner was in conflict.
async fn conflict_failures(app: &crate::helpers::TestApp, job: i64) -> Vec<Value> {
    app.all_items(&format!("/jobs/{job}/records?status=Failed&limit=500"))
        .await
        .iter()
        .filter(|r| {
            r["message"]
                .as_str()
                .unwrap_or_default()
                .contains("matches several users")
        })
        .cloned()
        .collect()
}

#[tokio::test]
async fn resolving_a_conflict_maps_the_user_and_the_next_sync_retries_its_meetings() {
    let app = spawn_app_with(Options {
        calls: 300,
        ..Options::default()
    })
    .await;
    let id = app.basic_connection("acme").await;
    let job = app.sync(id).await["id"].as_i64().unwrap();
    let users = app.all_items(&format!("/connections/{id}/users")).await;
    let conflict = users
        .iter()
        .find(|u| u["status"] == "Conflict")
        .expect("a conflict")
        .clone();
    let suggested = conflict["suggested"].as_array().unwrap();
    assert!(suggested.len() >= 2, "{conflict}");
    let failed = conflict_failures(&app, job).await;
    assert!(!failed.is_empty(), "some meetings failed on the conflict");

    let gong_user = conflict["gong_user_id"].as_str().unwrap();
    let path = format!("/connections/{id}/users/{gong_user}/resolve");
    let (status, err) = app.post(&path, json!({"user_id": 999999})).await;
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (422, Some("user_id"))
    );
    let pick = suggested[0]["id"].as_i64().unwrap();
    let (status, resolved) = app.post(&path, json!({"user_id": pick})).await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(
        (resolved["status"].as_str(), resolved["manual"].as_bool()),
        (Some("Mapped"), Some(true))
    );
    assert_eq!(resolved["user"]["id"].as_i64(), Some(pick));

    let job2 = app.sync(id).await["id"].as_i64().unwrap();
    let records = app
        .all_items(&format!("/jobs/{job2}/records?limit=500"))
        .await;
    let retried = &failed[0]["gong_call_id"];
    let now = records
        .iter()
        .find(|r| &r["gong_call_id"] == retried)
        .expect("the meeting was retried");
    assert_eq!(now["status"], "Created", "{now}");
    assert!(conflict_failures(&app, job2)
        .await
        .iter()
        .all(|r| r["gong_call_id"] != *retried));
}

#[tokio::test]
async fn user_management_lists_conflicts_first_flags_inactive_users_and_resolves_with_names() {
    let app = crate::helpers::spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;

    let (status, page) = app.page(&s, &format!("/users?connection={id}")).await;
    assert_eq!(status, 200);
    let (missing, said) = app.page(&s, "/users?connection=999").await;
    assert_eq!(missing, 404, "{said}");
    assert!(said.contains("there is no connection 999"), "{said}");
    let statuses: Vec<&str> = page
        .split("<tr class=\"gong-user\"")
        .skip(1)
        .map(|row| {
            ["Conflict", "Failed", "Created", "Mapped"]
                .into_iter()
                .find(|st| row.contains(&format!(">{st}<")))
                .unwrap_or("?")
        })
        .collect();
    assert_eq!(statuses.first(), Some(&"Conflict"), "{statuses:?}");
    let mut sorted = statuses.clone();
    sorted.sort_by_key(|st| {
        ["Conflict", "Failed", "Created", "Mapped"]
            .iter()
            .position(|x| x == st)
    });
    assert_eq!(
        statuses, sorted,
        "Conflicts first, then Failed, Created, Mapped"
    );
    let (_, only) = app
        .page(&s, &format!("/users?connection={id}&status=Conflict"))
        .await;
    let rows: Vec<&str> = only.split("<tr class=\"gong-user\"").skip(1).collect();
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r.contains(">Conflict<")),
        "{only}"
    );

    let gong = app.all_items(&format!("/connections/{id}/users")).await;
    let conflict = gong
        .iter()
        .find(|u| u["status"] == "Conflict")
        .expect("a conflict");
    let gong_user = conflict["gong_user_id"].as_str().unwrap();
    let path = format!("/users/{id}/resolve/{gong_user}");
    let (status, _, body) = app.form(&s, &path, &[]).await;
    assert_eq!(status, 422, "nothing picked");
    assert!(body.contains("id=\"user-id-error\""), "{body}");
    assert!(body.contains("pick one of the suggested users"), "{body}");
    let pick = conflict["suggested"][0]["id"].to_string();
    let (status, location, _) = app.form(&s, &path, &[("user_id", &pick)]).await;
    assert_eq!(status, 303);
    let (_, done) = app.page(&s, &location).await;
    let name = conflict["name"].as_str().unwrap();
    let email = conflict["email"].as_str().unwrap();
    assert!(
        done.contains(name) && done.contains(email),
        "named by name and email: {done}"
    );

    let inactive = app
        .store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.status == gong_timeline_domain::UserStatus::Inactive)
        .expect("an inactive user");
    let (status, found) = app
        .page(
            &s,
            &format!("/users/timeline?q={}&status=inactive", inactive.email),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        found.contains(&inactive.email) && found.contains("1 of "),
        "{found}"
    );
    let listed = app.page_of("/users?status=inactive&limit=1").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert!(listed["total"].as_u64().unwrap() >= 1);
    if listed["total"].as_u64() > Some(1) {
        let next = listed["next"].as_str().expect("a next cursor");
        let (_, second) = app
            .get(&format!("/users?status=inactive&limit=1&cursor={next}"))
            .await;
        assert_ne!(second["items"][0]["id"], listed["items"][0]["id"]);
    }
}

/// The row of Gong user `gong_user_id` on a user-management page.
fn row_of<'a>(page: &'a str, gong_user_id: &str) -> &'a str {
    page.split("<tr class=\"gong-user\"")
        .find(|row| row.contains(&format!("data-gong-user=\"{gong_user_id}\"")))
        .unwrap_or_else(|| panic!("a row for {gong_user_id} in {page}"))
        .split("</tr>")
        .next()
        .unwrap()
}

#[tokio::test]
async fn u4_a_gong_user_mapped_to_an_inactive_user_is_flagged_on_the_user_management_page() {
    let app = crate::helpers::spawn_app().await;
    let s = app.login().await;
    let id = app.basic_connection("acme").await;
    app.sync(id).await;
    let mappings = app.all_items(&format!("/connections/{id}/users")).await;
    let mapped: Vec<&Value> = mappings
        .iter()
        .filter(|m| m["status"] == "Mapped" && m["user"]["status"] == "active")
        .collect();
    assert!(
        mapped.len() >= 2,
        "two Gong users mapped to active users: {mappings:?}"
    );
    let (flagged, other) = (mapped[0], mapped[1]);
    let path = format!("/users?connection={id}&status=Mapped");
    let (_, before) = app.page(&s, &path).await;
    let gong_user = flagged["gong_user_id"].as_str().unwrap();
    assert!(!row_of(&before, gong_user).contains("inactive-user"));

    // The Timeline user becomes inactive (a users import says so).
    let user = &flagged["user"];
    let csv = format!(
        "email,name,license_type,status\n{},{},{},inactive\n",
        user["email"].as_str().unwrap(),
        user["name"].as_str().unwrap(),
        user["license_type"].as_str().unwrap()
    );
    let (status, body) = app.import("users", &csv).await;
    assert_eq!(status, 200, "{body}");

    let (status, after) = app.page(&s, &path).await;
    assert_eq!(status, 200);
    let row = row_of(&after, gong_user);
    assert!(row.contains("class=\"inactive-user\""), "{row}");
    assert!(
        row.contains("their meetings fail until the user is active again"),
        "{row}"
    );
    let other_row = row_of(&after, other["gong_user_id"].as_str().unwrap());
    assert!(!other_row.contains("inactive-user"), "{other_row}");
    let now = app.all_items(&format!("/connections/{id}/users")).await;
    let listed = now.iter().find(|m| m["gong_user_id"] == gong_user).unwrap();
    assert_eq!(listed["user"]["status"], "inactive", "{listed}");
}
