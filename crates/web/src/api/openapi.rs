//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`. Written
//! by hand; a test checks that its operations are exactly [`super::routes`].

use axum::Json;
use gong_timeline_domain::{
    JobStatus, LicenseType, MappingStatus, RecordStatus, Trigger, UserStatus,
};
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

/// The paging parameters every list takes ([`crate::paging`]).
fn window() -> Vec<Value> {
    use crate::paging::{DEFAULT_LIMIT, MAX_LIMIT};
    vec![
        query(
            "limit",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
            "Page size; outside 1–500 is a 400 naming `limit`.",
        ),
        query(
            "cursor",
            json!({"type": "string"}),
            "The `next` of the previous page, unchanged (opaque); none for the first page. A cursor this list did not give is a 400 naming `cursor`.",
        ),
        query(
            "after",
            json!({"type": "string"}),
            "Another name for `cursor`.",
        ),
    ]
}

/// A page of `item`s: `{items, total, next}`.
fn page(item: &str) -> Value {
    json!({"type": "object", "required": ["items", "total", "next"], "properties": {
        "items": array(item),
        "total": {"type": "integer", "description": "Matches in all, on every page."},
        "next": {"type": ["string", "null"], "description": "The cursor of the next page; null on the last."},
    }})
}

fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn array(name: &str) -> Value {
    json!({"type": "array", "items": schema(name)})
}

/// One operation: summary, parameters, optional JSON body schema, success status and schema.
fn op(summary: &str, params: Vec<Value>, body: Option<Value>, status: &str, out: Value) -> Value {
    let is_page = out["required"] == json!(["items", "total", "next"]);
    let mut responses = json!({
        status: {"description": "Success.", "content": {"application/json": {"schema": out}}},
        "401": {"$ref": "#/components/responses/Error"},
        "404": {"$ref": "#/components/responses/Error"},
        "422": {"$ref": "#/components/responses/Error"},
    });
    if is_page {
        responses["400"] = json!({"$ref": "#/components/responses/Error"});
    }
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
    let mut all = resource_paths();
    if let Some(all) = all.as_object_mut() {
        for more in [quota_paths(), pending_paths(), audit_paths()] {
            if let Value::Object(more) = more {
                all.extend(more);
            }
        }
    }
    all
}

/// Gong's quota of a connection (Q1, Q3, Q4).
fn quota_paths() -> Value {
    let id = || id_param("id");
    json!({
        "/connections/{id}/usage": {
            "get": op("Gong API usage (Q4): the budget, requests in the last 24 hours and what is left, each lane's ceiling and pause, and requests per UTC day, purpose and endpoint (the columns of Gong's own API usage report), newest day first", vec![id(),
                query("days", json!({"type": "integer", "minimum": 1, "maximum": crate::service::quota::MAX_DAYS, "default": crate::service::quota::DEFAULT_DAYS}), "UTC days, today included; outside 1–400 is a 400 naming `days`.")],
                None, "200", schema("Usage")),
        },
        "/connections/{id}/quota": {
            "get": op("The connection's share of Gong's quota (Q1): requests in any 24 hours and per second (the defaults, 5000 and 3, until set)", vec![id()], None, "200", schema("Quota")),
            "put": op("Change the daily budget and the per-second rate (a missing field keeps its value); a refused value is a 422 naming its field, and nothing is stored", vec![id()], Some(schema("Quota")), "200", schema("Quota")),
        },
        "/connections/{id}/resync-estimate": {
            "get": op("What a re-sync from a day would cost before it starts (Q3): Gong's count of calls in the window (one Gong request), requests, days at the current budget, finish time", vec![id(),
                query("from", json!({"type": "string", "format": "date"}), "The day to re-sync from, YYYY-MM-DD (UTC), today or earlier, as POST /connections/{id}/resync takes it; missing is a 400, a bad day a 422, both naming `from`.")],
                None, "200", schema("Estimate")),
        },
    })
}

/// The audit log (A4): keyset pages by entry id, newest first.
fn audit_paths() -> Value {
    use crate::service::audit::{DEFAULT_LIMIT, MAX_LIMIT};
    let params = vec![
        query(
            "limit",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
            "Entries on the page; outside 1–500 is a 400 naming `limit`.",
        ),
        query(
            "before",
            json!({"type": "integer", "minimum": 1}),
            "Only entries older than this id: the `next` of the previous page; none for the newest. Not an id is a 400 naming `before`.",
        ),
    ];
    let out = json!({"type": "object", "required": ["items", "next"], "properties": {
        "items": array("AuditEntry"),
        "next": {"type": ["integer", "null"], "description": "Pass as `before` for the next (older) page; null on the last."},
    }});
    let mut get = op("The audit log (A4): every admin change from the UI, the API or the CLI, newest first — who, when, from where, what, its target, and the value before and after with every secret removed", params, None, "200", out);
    get["responses"]["400"] = json!({"$ref": "#/components/responses/Error"});
    json!({ "/audit": { "get": get } })
}

/// A connection's stored meetings not on the Timeline, and their re-evaluation (#20 item 4).
fn pending_paths() -> Value {
    let id = || id_param("id");
    json!({
        "/connections/{id}/pending": {
            "get": op("Stored meetings of the backfill window not on the Timeline, grouped by reason (the largest group first), each with its count, the fix and the newest examples; evaluated locally under the current settings, no Gong request (the CLI's meetings pending --format json)", vec![id()], None, "200", array("PendingGroup")),
        },
        "/connections/{id}/reevaluate": {
            "post": op("Re-evaluate the stored meetings under the current settings, companies and users (trigger reevaluate, no Gong request), in the background", vec![id()], None, "202", schema("SyncStatus")),
        },
    })
}

fn resource_paths() -> Value {
    let id = || id_param("id");
    let mut account_put = op("Change a sign-in account's role (A1), recorded in the audit log; the last admin cannot be demoted (409)", vec![id()],
        Some(obj(json!({"role": {"enum": ["admin", "member", "viewer"]}}))), "200",
        obj(json!({"id": {"type": "integer"}, "username": {"type": "string"}, "role": {"enum": ["admin", "member", "viewer"]}, "created_at": {"type": "string", "format": "date-time"}})));
    account_put["responses"]["409"] = json!({"$ref": "#/components/responses/Error"});
    let mut account_delete = op("Remove a sign-in account's sign-in (A1): no password or single sign-on signs it in any more, its sessions and API tokens stop at once; recorded in the audit log. Granting sign-in again (User management) gives it back. An admin's own sign-in and the last admin's are kept (409)", vec![id()], None, "204", json!({}));
    account_delete["responses"]["409"] = json!({"$ref": "#/components/responses/Error"});
    let statuses = |what: &str| {
        query(
            "status",
            json!({"type": "array", "items": {"type": "string"}}),
            &format!("{what} statuses (repeat for several)."),
        )
    };
    json!({
        "/connections": {
            "get": op("Connections, by name", window(), None, "200", page("Connection")),
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
        "/connections/{id}/resync": {
            "post": op("Re-read Gong from a day (trigger resync), bounded by the backfill, in the background", vec![id()],
                Some(json!({"type": "object", "required": ["from"], "properties": {"from": {"type": "string", "format": "date", "description": "YYYY-MM-DD (UTC), today or earlier"}}})),
                "202", schema("SyncStatus")),
        },
        "/connections/{id}/webhook": {
            "get": op("The Gong webhook: URL to paste into Gong, mode, last webhook and test, queue, freshness (404 before it is set up)", vec![id()], None, "200", schema("Webhook")),
            "put": op("Set up the Gong webhook, change its mode or rotate its key", vec![id()], Some(schema("WebhookChange")), "200", schema("Webhook")),
        },
        "/connections/{id}/users": { "get": op("Gong users and their mappings, by Gong user id", [vec![id()], window()].concat(), None, "200", page("GongUser")) },
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
        "/users": { "get": op("Timeline users by id, searchable", [vec![
            query("q", json!({"type": "string"}), "Name or email contains this."),
            query("license_type", json!({"type": "string"}), "One license type."),
            query("status", spelled(UserStatus::ALL.iter().map(|v| v.as_str())), "One status."),
        ], window()].concat(), None, "200", page("TimelineUser")) },
        "/accounts/{id}": { "put": account_put, "delete": account_delete },
        "/jobs": { "get": op("Jobs, newest first", [vec![
            query("from", json!({"type": "string"}), "Started at or after: an RFC 3339 time, or a day (YYYY-MM-DD, UTC) from its start."),
            query("to", json!({"type": "string"}), "Started before: an RFC 3339 time, or a day (YYYY-MM-DD, UTC) up to its end."),
            statuses("Job"),
            query("connection_id", json!({"type": "integer"}), "One connection."),
            query("trigger", json!({"type": "array", "items": spelled(Trigger::ALL.iter().map(|v| v.as_str()))}), "Job triggers (repeat for several)."),
        ], window()].concat(), None, "200", page("Job")) },
        "/jobs/{id}": { "get": op("One job", vec![id()], None, "200", schema("Job")) },
        "/jobs/{id}/records": { "get": op("A job's log records in write order; the total comes from the counts stored with the job", [vec![id(), statuses("Record")], window()].concat(), None, "200", page("LogRecord")) },
        "/jobs/{id}/export": { "post": op("Export a job's records (those of the given statuses, or all) as .xlsx (link valid 30 days, then 410)", vec![id(), statuses("Record")], None, "201",
            json!({"type": "object", "properties": {"job_id": {"type": "integer"}, "url": {"type": "string"}, "created_at": {"type": "string"}, "expires_at": {"type": "string"}}})) },
        "/activities": { "get": op("Activities, newest first", [vec![
            query("company_id", json!({"type": "integer"}), "One company."),
            query("connection_id", json!({"type": "integer"}), "One connection."),
            query("search", json!({"type": "string"}), "Only activities whose subject, notes, attendee names or emails, or tracker names contain this text (any case), or whose transcript has every word of it."),
        ], window()].concat(), None, "200", page("Activity")) },
        "/activities/{id}": { "get": op("One activity", vec![id()], None, "200", schema("Activity")) },
        "/activities/{id}/transcript": { "get": op("An activity's transcript (S9; admins and members): each speaker's turns with their times; 404 when it has none yet", vec![id()], None, "200", schema("Transcript")) },
        "/companies": { "get": op("Companies, by name", window(), None, "200", page("Company")) },
        "/erasures": {
            "get": op("Erasure receipts, newest first (the address only as its SHA-256)", window(), None, "200", page("Erasure")),
            "post": op("Erase a person by email in one transaction and keep a receipt (201); with dry_run, count what would go and change nothing (200)", vec![],
                Some(json!({"type": "object", "required": ["email"], "properties": {"email": {"type": "string"}, "dry_run": {"type": "boolean"}}})), "201", schema("Erasure")),
        },
    })
}

/// The reasons of "Not on the Timeline" as the API spells them (serde's own).
fn pending_reasons() -> Value {
    use gong_timeline_sync::pending::Reason::*;
    let all = [
        UnknownCompany,
        NoCompanyInformation,
        OwnerInConflict,
        InactiveOrganiser,
        AuthorNotPresent,
        OtherFailure,
        FilteredOut,
        Private,
        PassesNow,
    ];
    json!({"enum": all.iter().map(|r| serde_json::to_value(r).unwrap_or_default()).collect::<Vec<_>>()})
}

fn obj(props: Value) -> Value {
    json!({"type": "object", "properties": props})
}

/// The schema of an activity's transcript (S9), built apart: `json!` nests only so
/// deep in one call.
fn transcript_schema() -> Value {
    let (i, s) = (json!({"type": "integer"}), json!({"type": "string"}));
    let sentence = obj(json!({"start_ms": i, "at": s, "text": s}));
    let monologue = obj(
        json!({"speaker": s, "affiliation": {"enum": ["Internal", "External", "Unknown"]},
        "topic": {"type": ["string", "null"]}, "sentences": {"type": "array", "items": sentence}}),
    );
    obj(
        json!({"activity_id": i, "fetched_at": {"type": "string", "format": "date-time"},
        "monologues": {"type": "array", "items": monologue}}),
    )
}

/// The schemas: each item's `properties` are exactly the keys the API (and the
/// CLI's `--format json`) print, which the route test checks against live answers.
fn schemas() -> Value {
    let s = json!({"type": "string"});
    let ns = json!({"type": ["string", "null"]});
    let i = json!({"type": "integer"});
    let ni = json!({"type": ["integer", "null"]});
    let b = json!({"type": "boolean"});
    let t = json!({"type": "string", "format": "date-time"});
    let nt = json!({"type": ["string", "null"], "format": "date-time"});
    let license = spelled(LicenseType::ALL.iter().map(|v| v.as_str()));
    let user_status = spelled(UserStatus::ALL.iter().map(|v| v.as_str()));
    let brief = obj(
        json!({"id": i, "email": s, "name": s, "license_type": license, "status": user_status}),
    );
    // An outcome's sentiment (S9); set aside, as the schemas' json! is at its nesting limit.
    let sentiment = json!({"type": ["string", "null"], "enum": ["Positive", "Neutral", "Negative", null],
        "description": "The outcome's sentiment from Gong's list of call outcomes (GET /v2/call-outcomes, read once a day); null until known."});
    let mut all = json!({
        "Error": obj(json!({"error": obj(json!({"code": s, "message": s, "field": s}))})),
        "TimelineUser": json!({"type": "object", "description": "Custom fields as further string properties.", "additionalProperties": {"type": "string"},
            "properties": {"id": i, "email": s, "name": s, "license_type": license, "status": user_status}}),
        "Connection": obj(json!({"id": i, "name": s, "auth": {"enum": ["Basic", "OAuth"]}, "base_url": s,
            "status": spelled(gong_timeline_store::ConnectionStatus::ALL.iter().map(|v| v.as_str())), "enabled": b,
            "hubspot_warning": b, "created_at": t, "last_sync_at": nt,
            "last_job": {"type": ["object", "null"], "properties": {"id": i, "status": spelled(JobStatus::ALL.iter().map(|v| v.as_str())), "message": ns}}})),
        "ConnectionChange": obj(json!({"name": s, "base_url": s, "access_key": s, "access_key_secret": s})),
        "NewConnection": json!({"type": "object", "required": ["name"], "properties": {"name": s, "kind": {"enum": ["oauth", "basic"]}, "base_url": s, "access_key": s, "access_key_secret": s}}),
        "Settings": obj(json!({"enabled": b, "activity_type": s, "filters": {"type": "array", "items": s},
            "filter_logic": ns, "backfill_days": i, "lookback_hours": i})),
        "Job": obj(json!({"id": i, "connection_id": i, "connection": s, "trigger": spelled(Trigger::ALL.iter().map(|v| v.as_str())),
            "status": spelled(JobStatus::ALL.iter().map(|v| v.as_str())), "started_at": t, "finished_at": nt,
            "fetched": i, "created": i, "updated": i, "skipped": i, "failed": i,
            "removed": {"type": "integer", "description": "Calls deleted in Gong whose activities left the Timeline (G1)."}, "message": ns,
            "gong_requests": {"type": ["integer", "null"], "description": "Gong API requests the job sent, retries included; null while it runs and for jobs finished before they were counted."},
            "gong_rate_limited": {"type": ["integer", "null"], "description": "429 Too Many Requests answers among them; null when gong_requests is."}})),
        "SyncStatus": obj(json!({"connection_id": i, "running": b, "last_job": {"oneOf": [schema("Job"), {"type": "null"}]}})),
        "LogRecord": obj(json!({"id": i, "job_id": i, "gong_call_id": s, "title": ns, "meeting_date": nt,
            "status": spelled(RecordStatus::ALL.iter().map(|v| v.as_str())), "activity_id": ni, "message": ns})),
        "Erasure": obj(json!({"id": ni, "at": t, "requested_by": s, "email_sha256": s, "dry_run": b,
            "counts": obj(json!({"persons": i, "activities": i, "stored_meetings": i, "log_records": i, "jobs": i, "retry_list": i, "user_mappings": i, "users": i, "transcripts": i}))})),
        "Company": json!({"type": "object", "description": "Custom fields as further string properties.", "additionalProperties": {"type": "string"},
            "properties": {"id": i, "name": s, "crm_account_id": ns}}),
        "Activity": obj(json!({"id": i, "external_id": s, "connection_id": i, "gong_call_id": s, "type": s, "subject": s, "date": t,
            "duration_seconds": ni, "company": obj(json!({"id": i, "name": s, "crm_account_id": ns})),
            "author": {"type": ["object", "null"], "properties": {"id": i, "email": s, "name": s, "license_type": license}},
            "internal_attendees": {"type": "array", "items": obj(json!({"email": ns, "name": ns}))},
            "external_attendees": {"type": "array", "items": obj(json!({"email": ns, "name": ns, "person": ni}))},
            "trackers": {"type": "array", "items": obj(json!({"name": s, "count": i, "phrases": {"type": "array", "items": obj(json!({"phrase": s, "count": i}))}}))},
            "trackers_message": ns, "recording_url": ns, "notes": ns,
            "next_steps": {"type": "array", "items": s, "description": "The items of Gong's \"Next steps\" highlight; empty when none."},
            "action_items": {"type": "array", "items": s, "description": "Action items said in the call; empty when none."},
            "outcome": {"type": ["object", "null"], "description": "The call's outcome, when Gong has one.", "properties": {"name": s, "category": {"type": ["string", "null"], "description": "Gong's category of the outcome, as the call carried it."}, "sentiment": sentiment}},
            "outline": {"type": "array", "description": "The call's outline; empty when none.", "items": obj(json!({"section": s, "items": {"type": "array", "items": s}}))}})),
        "Webhook": obj(json!({"connection_id": i, "url": s, "mode": {"enum": ["url_key", "signed_jwt"]}, "authentication": s,
            "key_created_at": t, "last_received_at": nt, "last_test_at": nt, "queued": i,
            "freshness": {"type": ["object", "null"], "description": "Delays from a webhook's arrival to its activity on the Timeline, over the last day.",
                "properties": {"calls": i, "last_seconds": {"type": "number"}, "p50_seconds": {"type": "number"}, "p95_seconds": {"type": "number"}}}})),
        "WebhookChange": obj(json!({"mode": {"enum": ["url_key", "signed_jwt"]}, "public_key": {"type": "string", "description": "Gong's public key (PEM or base64), with signed_jwt."}, "rotate": b})),
        "AuditEntry": obj(json!({"id": i, "at": t,
            "actor": {"type": "string", "description": "An admin's username, or cli:<os user>."},
            "channel": spelled(gong_timeline_domain::audit::AuditChannel::ALL.iter().map(|v| v.as_str())),
            "action": spelled(gong_timeline_domain::audit::AuditAction::ALL.iter().map(|v| v.as_str())),
            "target": {"type": "string", "description": "What changed, e.g. connection 'acme'."},
            "before": {"description": "The value before (secrets shown as [hidden]); null when there was none."},
            "after": {"description": "The value after (secrets shown as [hidden]); null when there is none."}})),
        "GongUser": obj(json!({"gong_user_id": s, "email": ns, "name": s, "status": spelled(MappingStatus::ALL.iter().map(|v| v.as_str())),
            "manual": b, "user": {"oneOf": [brief.clone(), {"type": "null"}]}, "suggested": {"type": "array", "items": brief}})),
    });
    // Added apart: one `json!` call nests only so deep.
    all["Transcript"] = transcript_schema();
    all["Settings"]["properties"]["transcripts"] = b;
    all["NewConnection"]["properties"]["replace"] = json!({"type": "boolean",
        "description": "S10: take the place of the connection that already syncs this Gong account, keeping its activities (else 409)."});
    all
}

/// The schemas of Gong's quota (Q1, Q3, Q4).
fn quota_schemas() -> Value {
    use gong_timeline_domain::quota::{Purpose, MAX_DAILY_BUDGET, MAX_PER_SECOND};
    let s = json!({"type": "string"});
    let i = json!({"type": "integer"});
    let purpose = spelled(Purpose::ALL.iter().map(|p| p.as_str()));
    let lane = obj(
        json!({"lane": spelled(["first", "incremental", "checks", "history"].into_iter()),
        "purposes": {"type": "array", "items": purpose},
        "ceiling": {"type": "integer", "description": "The lane spends while the last 24 hours' requests are under this."},
        "paused_until": {"type": ["string", "null"], "format": "date-time", "description": "When a paused lane goes on; null when it is spending."}}),
    );
    let day = obj(
        json!({"day": {"type": "string", "format": "date"}, "purpose": purpose, "endpoint": s, "requests": i}),
    );
    json!({
        "Quota": obj(json!({"daily_budget": {"type": "integer", "minimum": 1, "maximum": MAX_DAILY_BUDGET, "description": "Requests in any 24 hours (a share of Gong's 10,000 a day for the whole company)."},
            "requests_per_second": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_PER_SECOND, "description": "Requests per second at most."}})),
        "Estimate": obj(json!({"calls": {"type": "integer", "description": "Calls Gong counts in the window (records.totalRecords)."},
            "requests": {"type": "integer", "description": "Gong requests to read them: a page per 100 calls, plus one."},
            "days": {"type": "number", "description": "Days of the history lane's share of the budget they take."},
            "finishes_at": {"type": "string", "format": "date-time", "description": "When the re-sync would finish at the current budget and rate."}})),
        "Usage": obj(json!({"connection": s, "daily_budget": i, "requests_per_second": {"type": "number"},
            "share_percent": {"type": "number", "description": "The budget as a share of Gong's 10,000 a day."},
            "used_24h": {"type": "integer", "description": "Requests in the last 24 hours."}, "left": {"type": "integer", "description": "What is left of the budget now."},
            "lanes": {"type": "array", "items": lane},
            "days": {"type": "array", "items": day}})),
    })
}

/// The schema of "Not on the Timeline" (#20 item 4).
fn pending_schemas() -> Value {
    let s = json!({"type": "string"});
    let ns = json!({"type": ["string", "null"]});
    let i = json!({"type": "integer"});
    let t = json!({"type": "string", "format": "date-time"});
    json!({
        "PendingGroup": obj(json!({"reason": pending_reasons(),
            "label": s, "count": i, "fix": s,
            "examples": {"type": "array", "description": "The newest few.", "items": obj(json!({"gong_call_id": s, "title": ns, "started": t, "message": ns}))}})),
    })
}

/// Every schema.
fn all_schemas() -> Value {
    let mut all = schemas();
    if let Some(all) = all.as_object_mut() {
        for more in [quota_schemas(), pending_schemas()] {
            if let Value::Object(more) = more {
                all.extend(more);
            }
        }
    }
    all
}

/// The document.
pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "gong-timeline API", "version": env!("CARGO_PKG_VERSION"),
            "description": "Connections, settings, syncs, the execution log, activities and Gong user mappings. Every list answers one page {\"items\", \"total\", \"next\"}: pass `next` back as `cursor` for the following page (keyset paging; `next` is null on the last). Items have the JSON the CLI's --format json prints. Errors are {\"error\": {\"code\", \"message\", \"field\"}}."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "An API token made on the API tokens page."}},
            "responses": {"Error": {"description": "An error.", "content": {"application/json": {"schema": schema("Error")}}}},
            "schemas": all_schemas(),
        },
    })
}

/// `GET /api/v1/openapi.json` (no authentication).
pub async fn serve() -> Json<Value> {
    Json(document())
}
