//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`. Written
//! by hand; a test checks that its operations are exactly [`super::routes`].

use axum::Json;
use gong_timeline_domain::{JobStatus, MappingStatus, RecordStatus, Trigger};
use serde_json::{json, Value};

/// An enum schema whose values are the domain's own spellings, never copied by hand.
fn spelled<'a>(values: impl Iterator<Item = &'a str>) -> Value {
    json!({"enum": values.collect::<Vec<_>>()})
}

fn id_param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}})
}

fn query(name: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description})
}

fn window() -> Vec<Value> {
    vec![
        query(
            "limit",
            json!({"type": "integer", "minimum": 1, "maximum": 500, "default": 50}),
            "Page size.",
        ),
        query(
            "offset",
            json!({"type": "integer", "minimum": 0, "default": 0}),
            "Rows to skip.",
        ),
    ]
}

fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn array(name: &str) -> Value {
    json!({"type": "array", "items": schema(name)})
}

/// One operation: summary, parameters, optional JSON body schema, success status and schema.
fn op(summary: &str, params: Vec<Value>, body: Option<Value>, status: &str, out: Value) -> Value {
    let mut responses = json!({
        status: {"description": "Success.", "content": {"application/json": {"schema": out}}},
        "401": {"$ref": "#/components/responses/Error"},
        "404": {"$ref": "#/components/responses/Error"},
        "422": {"$ref": "#/components/responses/Error"},
    });
    if status == "202" || summary.contains("settings") || summary.starts_with("Delete") {
        responses["409"] = json!({"$ref": "#/components/responses/Error"});
    }
    let mut o = json!({"summary": summary, "parameters": params, "responses": responses});
    if let Some(b) = body {
        o["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": b}}});
    }
    o
}

fn paths() -> Value {
    let id = || id_param("id");
    let statuses = |what: &str| {
        query(
            "status",
            json!({"type": "array", "items": {"type": "string"}}),
            &format!("{what} statuses (repeat for several)."),
        )
    };
    json!({
        "/connections": {
            "get": op("List connections", vec![], None, "200", array("Connection")),
            "post": op("Create a connection (OAuth returns an authorize_url; basic = access key)", vec![], Some(schema("NewConnection")), "201",
                json!({"type": "object", "properties": {"connection": schema("Connection"), "authorize_url": {"type": "string"}}})),
        },
        "/connections/{id}": {
            "get": op("One connection", vec![id()], None, "200", schema("Connection")),
            "patch": op("Change a connection: name, base_url, or access_key with access_key_secret (checked with Gong first)", vec![id()], Some(schema("ConnectionChange")), "200", schema("Connection")),
            "delete": op("Delete a connection: credentials, settings, mappings and sync state go; activities and the execution log stay", vec![id()], None, "204", json!({})),
        },
        "/connections/{id}/authorize": { "post": op("A fresh Gong consent page URL", vec![id()], None, "200",
            json!({"type": "object", "properties": {"authorize_url": {"type": "string"}}})) },
        "/connections/{id}/settings": {
            "get": op("Integration settings", vec![id()], None, "200", schema("Settings")),
            "put": op("Save settings: validate, store, start a sync", vec![id()], Some(schema("Settings")), "200", schema("Settings")),
        },
        "/connections/{id}/settings/preview": { "post": op("Preview settings: how many stored meetings of the last 30 days they would let through (nothing saved)", vec![id()], Some(schema("Settings")), "200",
            obj(json!({"days": {"type": "integer"}, "stored": {"type": "integer"}, "pass": {"type": "integer"}, "filtered_out": {"type": "integer"}, "private": {"type": "integer"}, "unresolved": {"type": "integer"}}))) },
        "/connections/{id}/sync": {
            "get": op("Sync status", vec![id()], None, "200", schema("SyncStatus")),
            "post": op("Start a sync in the background", vec![id()], None, "202", schema("SyncStatus")),
        },
        "/connections/{id}/users": { "get": op("Gong users and their mappings", vec![id()], None, "200", array("GongUser")) },
        "/connections/{id}/users/{gong_user_id}/resolve": { "post": op("Resolve a conflict: map to one suggested user",
            vec![id(), json!({"name": "gong_user_id", "in": "path", "required": true, "schema": {"type": "string"}})],
            Some(json!({"type": "object", "required": ["user_id"], "properties": {"user_id": {"type": "integer"}}})), "200", schema("GongUser")) },
        "/imports/{kind}": { "post": {
            "summary": "Import a CSV file (the body), all or nothing; 422 lists up to 50 bad rows",
            "parameters": [{"name": "kind", "in": "path", "required": true, "schema": {"enum": ["companies", "persons", "users", "activity-types"]}}],
            "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}}},
            "responses": {
                "200": {"description": "Imported.", "content": {"application/json": {"schema": obj(json!({"inserted": {"type": "integer"}, "updated": {"type": "integer"}}))}}},
                "401": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "422": {"description": "Refused: nothing stored.", "content": {"application/json": {"schema": obj(json!({"error": obj(json!({"code": {"type": "string"}, "message": {"type": "string"}, "total_rows": {"type": "integer"},
                    "rows": {"type": "array", "items": obj(json!({"row": {"type": "integer"}, "column": {"type": "string"}, "value": {"type": "string"}, "problem": {"type": "string"}}))}}))}))}}},
            },
        } },
        "/users": { "get": op("Timeline users by id, searchable; keyset pages", vec![
            query("q", json!({"type": "string"}), "Name or email contains this."),
            query("license_type", json!({"type": "string"}), "One license type."),
            query("status", json!({"enum": ["active", "inactive"]}), "One status."),
            query("limit", json!({"type": "integer", "minimum": 1, "maximum": 500, "default": 50}), "Page size."),
            query("cursor", json!({"type": "string"}), "The `next` of the previous page."),
        ], None, "200", json!({"type": "object", "properties": {"items": array("TimelineUser"), "total": {"type": "integer"}, "next": {"type": ["string", "null"]}}})) },
        "/jobs": { "get": op("Jobs, newest first", [vec![
            query("from", json!({"type": "string", "format": "date-time"}), "Started at or after."),
            query("to", json!({"type": "string", "format": "date-time"}), "Started before."),
            statuses("Job"),
            query("connection_id", json!({"type": "integer"}), "One connection."),
        ], window()].concat(), None, "200", array("Job")) },
        "/jobs/{id}": { "get": op("One job", vec![id()], None, "200", schema("Job")) },
        "/jobs/{id}/records": { "get": op("A job's log records in write order", [vec![id(), statuses("Record")], window()].concat(), None, "200", array("LogRecord")) },
        "/jobs/{id}/export": { "post": op("Export a job's records as .xlsx (link valid 30 days, then 410)", vec![id()], None, "201",
            json!({"type": "object", "properties": {"job_id": {"type": "integer"}, "url": {"type": "string"}, "created_at": {"type": "string"}, "expires_at": {"type": "string"}}})) },
        "/activities": { "get": op("Activities, newest first", [vec![
            query("company_id", json!({"type": "integer"}), "One company."),
            query("connection_id", json!({"type": "integer"}), "One connection."),
        ], window()].concat(), None, "200", array("Activity")) },
        "/activities/{id}": { "get": op("One activity", vec![id()], None, "200", schema("Activity")) },
        "/companies": { "get": op("Companies", vec![], None, "200", array("Company")) },
    })
}

fn obj(props: Value) -> Value {
    json!({"type": "object", "properties": props})
}

fn schemas() -> Value {
    let s = json!({"type": "string"});
    let i = json!({"type": "integer"});
    let t = json!({"type": ["string", "null"], "format": "date-time"});
    json!({
        "Error": obj(json!({"error": obj(json!({"code": s, "message": s, "field": s}))})),
        "TimelineUser": json!({"type": "object", "additionalProperties": {"type": "string"}, "properties": {"id": i, "email": s, "name": s, "license_type": s, "status": s}}),
        "Connection": obj(json!({"id": i, "name": s, "auth": {"enum": ["Basic", "OAuth"]}, "base_url": s,
            "status": spelled(gong_timeline_store::ConnectionStatus::ALL.iter().map(|v| v.as_str())), "enabled": {"type": "boolean"},
            "hubspot_warning": {"type": "boolean"}, "created_at": t, "last_sync_at": t,
            "last_job": {"type": ["object", "null"], "properties": {"id": i, "status": spelled(JobStatus::ALL.iter().map(|v| v.as_str())), "message": {"type": ["string", "null"]}}}})),
        "ConnectionChange": obj(json!({"name": s, "base_url": s, "access_key": s, "access_key_secret": s})),
        "NewConnection": json!({"type": "object", "required": ["name"], "properties": {"name": s, "kind": {"enum": ["oauth", "basic"]}, "base_url": s, "access_key": s, "access_key_secret": s}}),
        "Settings": obj(json!({"enabled": {"type": "boolean"}, "activity_type": s, "filters": {"type": "array", "items": s},
            "filter_logic": {"type": ["string", "null"]}, "backfill_days": i, "lookback_hours": i})),
        "Job": obj(json!({"id": i, "connection_id": i, "connection": s, "trigger": spelled(Trigger::ALL.iter().map(|v| v.as_str())),
            "status": spelled(JobStatus::ALL.iter().map(|v| v.as_str())), "started_at": t, "finished_at": t,
            "fetched": i, "created": i, "updated": i, "skipped": i, "failed": i, "message": {"type": ["string", "null"]},
            "gong_requests": {"type": ["integer", "null"], "description": "Gong API requests the job sent, retries included; null while it runs and for jobs finished before they were counted."},
            "gong_rate_limited": {"type": ["integer", "null"], "description": "429 Too Many Requests answers among them; null when gong_requests is."}})),
        "SyncStatus": obj(json!({"connection_id": i, "running": {"type": "boolean"}, "last_job": {"oneOf": [schema("Job"), {"type": "null"}]}})),
        "LogRecord": obj(json!({"id": i, "job_id": i, "gong_call_id": s, "title": s, "meeting_date": t,
            "status": spelled(RecordStatus::ALL.iter().map(|v| v.as_str())), "activity_id": {"type": ["integer", "null"]}, "message": {"type": ["string", "null"]}})),
        "Company": obj(json!({"id": i, "name": s, "crm_account_id": {"type": ["string", "null"]}, "fields": {"type": "object"}})),
        "Activity": obj(json!({"id": i, "external_id": s, "connection_id": i, "gong_call_id": s, "type": s, "subject": s, "date": t,
            "duration_seconds": i, "notes": s, "author": {"type": ["object", "null"]}, "company": obj(json!({"id": i, "name": s, "crm_account_id": s})),
            "internal_attendees": {"type": "array"}, "external_attendees": {"type": "array"}, "trackers": {"type": ["array", "null"]},
            "trackers_message": {"type": ["string", "null"]}, "recording_url": {"type": ["string", "null"]}})),
        "GongUser": obj(json!({"gong_user_id": s, "email": s, "name": s, "status": spelled(MappingStatus::ALL.iter().map(|v| v.as_str())),
            "manual": {"type": "boolean"}, "user": {"type": ["object", "null"]}, "suggested": {"type": "array"}})),
    })
}

/// The document.
pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "gong-timeline API", "version": env!("CARGO_PKG_VERSION"),
            "description": "Connections, settings, syncs, the execution log, activities and Gong user mappings. Errors are {\"error\": {\"code\", \"message\"}}."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "An API token made on the API tokens page."}},
            "responses": {"Error": {"description": "An error.", "content": {"application/json": {"schema": schema("Error")}}}},
            "schemas": schemas(),
        },
    })
}

/// `GET /api/v1/openapi.json` (no authentication).
pub async fn serve() -> Json<Value> {
    Json(document())
}
