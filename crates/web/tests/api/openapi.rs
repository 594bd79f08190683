//! The OpenAPI document describes exactly the routes the router has.

use std::collections::BTreeSet;

use gong_timeline_web::api::{openapi::document, routes};

use crate::helpers::spawn_app;

fn documented() -> BTreeSet<(String, String)> {
    let doc = document();
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect()
}

#[test]
fn every_route_is_documented_and_every_documented_operation_is_routed() {
    let routed: BTreeSet<(String, String)> = routes()
        .into_iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(routed, documented());
}

#[tokio::test]
async fn every_documented_operation_answers_on_the_live_server() {
    let app = spawn_app().await;
    let (status, served) = app.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(served, document());
    for (method, path) in documented() {
        let concrete = path
            .replace("{id}", "999999")
            .replace("{gong_user_id}", "1");
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let (status, body) = app
            .api(method.clone(), &concrete, Some(serde_json::json!({})))
            .await;
        assert_ne!(status, 405, "{method} {path}");
        assert_ne!(
            body["error"]["message"], "no such API route",
            "{method} {path}"
        );
        assert!(
            body.is_object() || body.is_array(),
            "{method} {path} answers JSON: {body}"
        );
    }
}

/// The item schema a documented list operation pages, if it is a list.
fn paged_item(doc: &serde_json::Value, path: &str) -> Option<serde_json::Value> {
    let out =
        &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    if out["required"] != serde_json::json!(["items", "total", "next"]) {
        return None;
    }
    let name = out["properties"]["items"]["items"]["$ref"]
        .as_str()?
        .trim_start_matches("#/components/schemas/");
    Some(doc["components"]["schemas"][name].clone())
}

/// The keys of `value` against an object schema's `properties`: the same set, or a
/// superset when the schema allows further properties (custom fields).
fn assert_keys(value: &serde_json::Value, schema: &serde_json::Value, what: &str) {
    let keys: BTreeSet<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("{what}: an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    let documented: BTreeSet<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    if schema.get("additionalProperties").is_some() {
        assert!(
            keys.is_superset(&documented),
            "{what}: {keys:?} ⊉ {documented:?}"
        );
    } else {
        assert_eq!(keys, documented, "{what}");
    }
}

#[tokio::test]
async fn every_list_answers_a_documented_page_of_documented_items() {
    let app = spawn_app().await;
    let connection = app.basic_connection("acme").await;
    let job = app.sync(connection).await["id"].as_i64().unwrap();
    for n in 0..3 {
        let erased = serde_json::json!({"email": format!("nobody{n}@example.com")});
        assert_eq!(
            app.post("/erasures", erased).await.0,
            201,
            "a receipt to list"
        );
    }
    let doc = document();
    let mut lists = 0;
    for (method, path) in documented() {
        let Some(item) = paged_item(&doc, &path).filter(|_| method == "get") else {
            continue;
        };
        lists += 1;
        let concrete = if path.starts_with("/jobs/") {
            path.replace("{id}", &job.to_string())
        } else {
            path.replace("{id}", &connection.to_string())
        };
        let first = app.page_of(&format!("{concrete}?limit=2")).await;
        let items = first["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{path}: the synced app lists something");
        for i in items {
            assert_keys(i, &item, &path);
        }
        if path == "/activities" {
            let schema = &item["properties"];
            assert_keys(&items[0]["company"], &schema["company"], "activity company");
            assert_keys(&items[0]["author"], &schema["author"], "activity author");
        }
        // Page two by `cursor` and by its other name `after` is the same page, and
        // starts where page one stopped.
        if let Some(next) = first["next"].as_str() {
            let by_cursor = app
                .page_of(&format!("{concrete}?limit=2&cursor={next}"))
                .await;
            let by_after = app
                .page_of(&format!("{concrete}?limit=2&after={next}"))
                .await;
            assert_eq!(by_cursor, by_after, "{path}");
            assert_ne!(by_cursor["items"][0], items[0], "{path}");
            assert_eq!(by_cursor["total"], first["total"], "{path}");
        }
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=501", "limit"),
            ("limit=ten", "limit"),
            ("cursor=not-a-cursor", "cursor"),
            ("offset=5", "offset"),
        ] {
            let (status, body) = app.get(&format!("{concrete}?{query}")).await;
            assert_eq!(
                (status, body["error"]["field"].as_str()),
                (400, Some(field)),
                "{path}?{query}: {body}"
            );
            let message = body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains(field),
                "{path}?{query}: says what is wrong: {message}"
            );
        }
    }
    assert_eq!(
        lists, 8,
        "connections, their users, users, jobs, records, activities, companies, erasures"
    );
}

#[tokio::test]
async fn a_cursor_of_one_list_is_refused_by_another() {
    let app = spawn_app().await;
    let connection = app.basic_connection("acme").await;
    let job = app.sync(connection).await["id"].as_i64().unwrap();
    let records = app.page_of(&format!("/jobs/{job}/records?limit=1")).await;
    let cursor = records["next"].as_str().expect("more than one record");
    let (status, body) = app.get(&format!("/activities?cursor={cursor}")).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("cursor"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a cursor of the activities list"),
        "{body}"
    );
}
