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
