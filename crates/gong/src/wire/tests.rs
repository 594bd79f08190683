//! Parsing tests on bodies written from the reference's shapes (§5.4, §7.2, §8, §4).

use super::decode::{calls_page, calls_page_lenient, parse, users_page};
use super::*;
use crate::error::GongError;
use chrono::{DateTime, Utc};

const EP: &str = "/v2/calls/extensive";

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("test literal")
}

/// The reference's composed example (§5.4), plus keys Gong may add later.
const REFERENCE_PAGE: &str = r#"{
  "requestId": "3kq8zt0w5hd1fy7pmsa",
  "records": {"totalRecords": 137, "currentPageSize": 100, "currentPageNumber": 0,
              "cursor": "eyJhbGciOiJIUzI1NiJ9.eyJzZXEiOjEwMH0.Zm9vYmFyYmF6cXV4"},
  "someFutureKey": {"nested": [1, 2]},
  "calls": [{
    "metaData": {
      "id": "7390156482217734615",
      "url": "https://us-48210.app.gong.io/call?id=7390156482217734615",
      "title": "Northwind Analytics | Q2 renewal review",
      "scheduled": "2025-03-03T16:00:00Z",
      "started": "2025-03-03T18:02:41.507+02:00",
      "duration": 2714, "primaryUserId": "4417298830051620943",
      "direction": "Conference", "system": "Zoom", "scope": "External", "media": "Video",
      "language": "eng", "workspaceId": "5802771946023187004", "sdrDisposition": null,
      "clientUniqueId": null, "customData": null, "purpose": null,
      "meetingUrl": "https://zoom.us/j/93350127714", "isPrivate": false,
      "calendarEventId": "5q2kd0c9v1mtrg8h3e4bno7a6s", "brandNewField": "ignored"
    },
    "context": [{"system": "Salesforce", "objects": [
      {"objectType": "Account", "objectId": "0015g00000XyZ12AAB", "timing": "Now",
       "fields": [{"name": "Name", "value": "Northwind Analytics"}, {"name": "Amount", "value": 48000}]}
    ]}],
    "parties": [
      {"id": "2218390457761123094", "emailAddress": "lena.ortiz@acme-saas.example", "name": "Lena Ortiz",
       "title": "Customer Success Manager", "userId": "4417298830051620943",
       "speakerId": "6620914477283015502", "context": [], "affiliation": "Internal",
       "methods": ["Invitee", "Attendee"]},
      {"id": "8859201136640327781", "emailAddress": "raj.patel@northwind-analytics.example",
       "name": "Raj Patel", "speakerId": "1093385762210948843", "affiliation": "External",
       "context": [{"system": "Salesforce", "objects": [{"objectType": "Contact", "objectId": "0035g00000AbC56AAD",
                    "fields": [{"name": "Title", "value": "VP Operations"}], "timing": "Now"}]}],
       "methods": ["Invitee", "Attendee"]},
      {"id": "3375019928846150126", "name": "Unknown caller", "speakerId": null,
       "affiliation": "Unknown", "methods": ["Attendee"]}
    ],
    "content": {
      "brief": "Northwind wants to expand seats before renewal.",
      "keyPoints": [{"text": "Seats"}],
      "topics": [{"name": "Pricing", "duration": 412}],
      "trackers": [
        {"id": "1947730286154400917", "name": "Competitors", "count": 3, "type": "KEYWORD", "occurrences": [],
         "phrases": [{"count": 2, "phrase": "Contoso", "occurrences": [
            {"startTime": 611.2, "speakerId": "1093385762210948843"},
            {"startTime": 1490.75, "speakerId": "6620914477283015502"}]},
           {"count": 1, "phrase": "Fabrikam", "occurrences": [{"startTime": 1502.3, "speakerId": "1093385762210948843"}]}]},
        {"id": "8120643379015582276", "name": "Pricing objection", "count": 1, "type": "SMART",
         "occurrences": [{"startTime": 840.0, "speakerId": "1093385762210948843"}], "phrases": []}
      ]
    },
    "media": {"audioUrl": "https://media.example/a.mp3?Expires=1", "videoUrl": "https://media.example/v.mp4?Expires=1"}
  }]
}"#;

#[test]
fn the_reference_example_parses_completely() {
    let (records, calls) = calls_page(EP, REFERENCE_PAGE.as_bytes()).expect("parses");
    assert_eq!(records.total_records, Some(137));
    assert_eq!(records.current_page_number, Some(0));
    assert!(records
        .cursor
        .as_deref()
        .is_some_and(|c| c.starts_with("eyJ")));
    let call = &calls[0];
    let meta = &call.meta_data;
    assert_eq!(call.id(), "7390156482217734615");
    assert_eq!(meta.started, Some(utc("2025-03-03T16:02:41.507Z")));
    assert_eq!(meta.scheduled, Some(utc("2025-03-03T16:00:00Z")));
    assert_eq!(meta.duration, Some(2714));
    assert_eq!(meta.direction, Some(Direction::Conference));
    assert_eq!(meta.scope, Some(CallScope::External));
    assert!(!meta.is_private && meta.custom_data.is_none());
    assert_eq!(call.context[0].system, Some(CrmSystem::Salesforce));
    let account = &call.context[0].objects[0];
    assert_eq!(account.object_id.as_deref(), Some("0015g00000XyZ12AAB"));
    assert_eq!(account.fields[1].value, serde_json::json!(48000));
    assert_eq!(call.parties.len(), 3);
    assert_eq!(call.parties[0].affiliation, Some(Affiliation::Internal));
    assert_eq!(call.parties[1].user_id, None);
    assert_eq!(
        call.parties[1].context[0].objects[0].object_type.as_deref(),
        Some("Contact")
    );
    assert_eq!(call.parties[2].speaker_id, None);
    assert_eq!(call.parties[2].email_address, None);
    let content = call.content.as_ref().expect("content");
    assert_eq!(content.trackers[0].tracker_type, Some(TrackerType::Keyword));
    assert_eq!(
        content.trackers[0].phrases[0].phrase.as_deref(),
        Some("Contoso")
    );
    assert_eq!(
        content.trackers[0].phrases[0].occurrences[1].start_time,
        Some(1490.75)
    );
    assert_eq!(content.trackers[1].tracker_type, Some(TrackerType::Smart));
    assert_eq!(content.key_points[0].text.as_deref(), Some("Seats"));
    assert!(call
        .media
        .as_ref()
        .and_then(|m| m.video_url.as_ref())
        .is_some());
}

#[test]
fn a_metadata_only_call_has_empty_sections() {
    let body = r#"{"records":{"totalRecords":1,"currentPageSize":1,"currentPageNumber":0},
        "calls":[{"metaData":{"id":"54197302563802069","started":"2023-10-17T21:21:31.816562+02:00",
        "title":null,"isPrivate":null,"direction":"Sideways","primaryUserId":413440499764841252}}]}"#;
    let (records, calls) = calls_page(EP, body.as_bytes()).expect("parses");
    assert_eq!(records.cursor, None);
    let call = &calls[0];
    assert!(call.parties.is_empty() && call.context.is_empty());
    assert!(call.content.is_none() && call.media.is_none());
    assert_eq!(
        call.meta_data.started,
        Some(utc("2023-10-17T19:21:31.816562Z"))
    );
    assert_eq!(call.meta_data.title, None);
    assert!(!call.meta_data.is_private);
    assert_eq!(
        call.meta_data.direction,
        Some(Direction::Other("Sideways".into()))
    );
    assert_eq!(
        call.meta_data.primary_user_id.as_deref(),
        Some("413440499764841252")
    );
}

#[test]
fn nulls_for_lists_and_sections_are_empty() {
    let body = r#"{"records":{},"calls":[{"metaData":{"id":"1"},"parties":null,"context":null,
        "content":{"trackers":null,"topics":null,"brief":null},"media":null}]}"#;
    let (_, calls) = calls_page(EP, body.as_bytes()).expect("parses");
    assert!(calls[0].parties.is_empty());
    assert!(calls[0]
        .content
        .as_ref()
        .is_some_and(|c| c.trackers.is_empty()));
}

#[test]
fn a_page_without_calls_is_empty() {
    let (_, calls) =
        calls_page(EP, br#"{"requestId":"x","records":{"totalRecords":0}}"#).expect("parses");
    assert!(calls.is_empty());
}

#[test]
fn a_malformed_call_is_named_by_its_id_and_path() {
    let body = r#"{"records":{},"calls":[{"metaData":{"id":"1","started":"2025-01-01T00:00:00Z"}},
        {"metaData":{"id":"7782342274025937895","started":12345}},
        {"metaData":{"id":"3","started":"later"}}]}"#;
    let err = calls_page(EP, body.as_bytes()).expect_err("call 2 is malformed");
    let text = err.to_string();
    assert!(text.starts_with("Gong call 7782342274025937895:"), "{text}");
    assert!(text.contains("at metaData.started"), "{text}");
    assert!(
        !text.contains("column"),
        "no misleading text position: {text}"
    );
    assert_eq!(err.call_id(), Some("7782342274025937895"));
}

#[test]
fn a_malformed_call_costs_only_itself_and_a_sound_page_reads_in_one_pass_alike() {
    let good =
        |id: &str| format!(r#"{{"metaData":{{"id":"{id}","started":"2025-01-01T00:00:00Z"}}}}"#);
    let bad = r#"{"metaData":{"id":"2","started":12345}}"#;
    let page = |calls: &[String]| {
        format!(
            r#"{{"records":{{"totalRecords":3}},"calls":[{}]}}"#,
            calls.join(",")
        )
    };
    let mixed = page(&[good("1"), bad.to_string(), good("3")]);
    let (records, calls) = calls_page_lenient(EP, mixed.as_bytes()).expect("the page parses");
    assert_eq!(records.total_records, Some(3));
    let ids: Vec<Result<&str, Option<&str>>> = calls
        .iter()
        .map(|c| c.as_ref().map(Call::id).map_err(GongError::call_id))
        .collect();
    assert_eq!(ids, [Ok("1"), Err(Some("2")), Ok("3")]);
    // Without the malformed call the page is read in one pass, to the same calls.
    let sound = page(&[good("1"), good("3")]);
    let (_, one_pass) = calls_page_lenient(EP, sound.as_bytes()).expect("parses");
    let one_pass: Vec<Call> = one_pass.into_iter().map(|c| c.expect("sound")).collect();
    let expected: Vec<Call> = calls.into_iter().filter_map(Result::ok).collect();
    assert_eq!(one_pass, expected);
}

#[test]
fn bytes_that_are_not_utf8_in_a_key_nobody_reads_do_not_fail_the_page() {
    let mut body = br#"{"records":{},"someFutureKey":""#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe]);
    body.extend_from_slice(
        br#"","calls":[{"metaData":{"id":"1","started":"2025-01-01T00:00:00Z"}}]}"#,
    );
    let (_, calls) = calls_page(EP, &body).expect("the odd bytes are in an ignored key");
    assert_eq!(calls[0].id(), "1");
}

#[test]
fn a_bad_date_in_a_party_list_names_the_full_path() {
    let body = r#"{"records":{},"calls":[{"metaData":{"id":"9"},"parties":[{"id":"p","affiliation":7}]}]}"#;
    let err = calls_page(EP, body.as_bytes()).expect_err("affiliation is a number");
    assert!(
        matches!(&err, GongError::Decode { path, call_id: Some(id), .. }
        if path == "parties[0].affiliation" && id == "9"),
        "{err}"
    );
}

#[test]
fn a_call_without_an_id_is_named_by_its_position() {
    let body = r#"{"records":{},"calls":[{"metaData":{"duration":"long"}}]}"#;
    let err = calls_page(EP, body.as_bytes()).expect_err("duration is not a number");
    assert!(
        matches!(&err, GongError::Decode { path, call_id: None, .. } if path == "calls[0].metaData.duration"),
        "{err}"
    );
}

#[test]
fn a_broken_envelope_names_the_path() {
    let err =
        calls_page(EP, br#"{"records":{"cursor":5},"calls":[]}"#).expect_err("cursor is a number");
    assert!(err.to_string().contains("at records.cursor"), "{err}");
    let err = calls_page(EP, b"<html>").expect_err("not JSON");
    assert!(err.to_string().contains("did not parse"), "{err}");
}

#[test]
fn the_reference_users_example_parses() {
    let body = r#"{"requestId":"1v7rk2m9qd0xj4wzs5e",
      "records":{"totalRecords":2,"currentPageSize":2,"currentPageNumber":0},
      "users":[{"id":"4417298830051620943","emailAddress":"lena.ortiz@acme-saas.example",
        "created":"2023-09-14T10:12:55.318-07:00","active":true,"emailAliases":["lortiz@acme-saas.example"],
        "trustedEmailAddress":"lena.ortiz@acme-saas.example","firstName":"Lena","lastName":"Ortiz",
        "title":"Customer Success Manager","phoneNumber":null,"extension":null,
        "personalMeetingUrls":["https://zoom.us/j/5550104477"],
        "settings":{"webConferencesRecorded":true,"preventWebConferenceRecording":false,
          "telephonyCallsImported":false,"emailsImported":true,"preventEmailImport":false,
          "nonRecordedMeetingsImported":true,"gongConnectEnabled":true},
        "managerId":"902315577460218834","meetingConsentPageUrl":"https://us-48210.join.gong.io/acme-saas/lena.ortiz",
        "spokenLanguages":[{"language":"en-US","primary":true}],"conferencingProviders":null},
       {"id":"902315577460218834","emailAddress":"marcus.hale@acme-saas.example",
        "created":"2021-02-01T08:00:03.000-08:00","active":false,"emailAliases":[],
        "trustedEmailAddress":null,"firstName":"Marcus","lastName":"Hale","title":null,
        "personalMeetingUrls":[],"settings":null,"managerId":null,"spokenLanguages":null}]}"#;
    let (records, users) = users_page("/v2/users", body.as_bytes()).expect("parses");
    assert_eq!(records.total_records, Some(2));
    assert_eq!(users[0].created, Some(utc("2023-09-14T17:12:55.318Z")));
    assert_eq!(
        users[0].email_aliases,
        vec!["lortiz@acme-saas.example".to_owned()]
    );
    assert_eq!(users[0].full_name().as_deref(), Some("Lena Ortiz"));
    assert_eq!(users[1].active, Some(false));
    assert!(users[1].settings.is_none() && users[1].spoken_languages.is_empty());
}

#[test]
fn trackers_and_workspaces_parse() {
    let body = r#"{"requestId":"r","keywordTrackers":[{"trackerId":"1947730286154400917","trackerName":"Competitors",
        "workspaceId":"5802771946023187004","languageKeywords":[{"language":"eng","keywords":["Contoso"],
        "includeRelatedForms":false}],"affiliation":"Anyone","partOfQuestion":false,"saidAt":"Anytime",
        "filterQuery":"{}","created":"2024-01-01T10:00:00.1+01:00","creatorUserId":null,
        "updated":null,"updaterUserId":null}]}"#;
    let trackers: TrackersResponse =
        parse("/v2/settings/trackers", body.as_bytes()).expect("parses");
    let t = &trackers.keyword_trackers[0];
    assert_eq!(t.tracker_name.as_deref(), Some("Competitors"));
    assert_eq!(t.created, Some(utc("2024-01-01T09:00:00.1Z")));
    assert_eq!(t.creator_user_id, None);
    let body = r#"{"requestId":"r","workspaces":[{"id":"5802771946023187004","name":"Initial workspace",
        "description":"The built-in workspace"}]}"#;
    let ws: WorkspacesResponse = parse("/v2/workspaces", body.as_bytes()).expect("parses");
    assert_eq!(ws.workspaces[0].name.as_deref(), Some("Initial workspace"));
}

#[test]
fn error_bodies_parse_and_anything_else_is_kept_as_text() {
    let body = ErrorBody::parse(br#"{"requestId":"5f1is09lflj186eqvv8","errors":["No calls found corresponding to the provided filters"]}"#);
    assert_eq!(body.request_id.as_deref(), Some("5f1is09lflj186eqvv8"));
    assert_eq!(
        body.message(),
        "No calls found corresponding to the provided filters"
    );
    let body = ErrorBody::parse(br#"{"requestId":"r","errors":["a","b"],"userFacingError":"x"}"#);
    assert_eq!(body.message(), "a; b");
    let body = ErrorBody::parse(b"502 Bad Gateway");
    assert_eq!(body.message(), "502 Bad Gateway");
    assert_eq!(ErrorBody::parse(b"").message(), "no message");
}

#[test]
fn a_scheduled_time_as_an_epoch_number_or_garbage_does_not_fail_the_call() {
    let body = r#"{"records":{},"calls":[
        {"metaData":{"id":"1","started":"2025-01-01T00:00:00Z","scheduled":1518940800}},
        {"metaData":{"id":"2","started":"2025-01-01T00:00:00Z","scheduled":1518940800000}},
        {"metaData":{"id":"3","started":"2025-01-01T00:00:00Z","scheduled":{"odd":true}}}]}"#;
    let (_, calls) = calls_page(EP, body.as_bytes()).expect("parses");
    assert_eq!(
        calls[0].meta_data.scheduled,
        Some(utc("2018-02-18T08:00:00Z"))
    );
    assert_eq!(
        calls[1].meta_data.scheduled,
        Some(utc("2018-02-18T08:00:00Z"))
    );
    assert_eq!(calls[2].meta_data.scheduled, None);
}
