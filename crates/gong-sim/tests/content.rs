//! Gong's AI content, interaction statistics, public comments, call outcomes and
//! transcripts (#23 item 4), over real HTTP: what a full content selector returns,
//! `GET /v2/call-outcomes`, `POST /v2/calls/transcript`, and the third-party-client
//! check that every requested field arrives in the shape of the reference (§5.2, §6).

use std::collections::HashSet;

use gong_timeline_gong_sim::{start, Limits, Scenario, SimConfig, SimHandle};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const FIXTURE: &str = include_str!("fixtures/scenario.json");

async fn sim_with(calls: u64, seed: u64) -> SimHandle {
    start(SimConfig {
        calls,
        seed,
        limits: Limits::off(),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts")
}

async fn sim(calls: u64) -> SimHandle {
    sim_with(calls, SimConfig::default().seed).await
}

async fn post(sim: &SimHandle, path: &str, body: Value) -> reqwest::Response {
    Client::new()
        .post(format!("{}{path}", sim.base_url()))
        .basic_auth("sim-access-key", Some("sim-secret"))
        .json(&body)
        .send()
        .await
        .expect("request")
}

async fn get(sim: &SimHandle, path: &str) -> reqwest::Response {
    Client::new()
        .get(format!("{}{path}", sim.base_url()))
        .basic_auth("sim-access-key", Some("sim-secret"))
        .send()
        .await
        .expect("request")
}

/// Every flag of the reference's `contentSelector` (§5.1), all on.
fn full_selector() -> Value {
    json!({
        "context": "Extended",
        "contextTiming": ["Now"],
        "exposedFields": {
            "parties": true,
            "media": true,
            "content": {
                "structure": true, "topics": true, "trackers": true,
                "trackerOccurrences": true, "pointsOfInterest": true, "brief": true,
                "outline": true, "highlights": true, "callOutcome": true, "keyPoints": true
            },
            "interaction": {
                "speakers": true, "video": true, "personInteractionStats": true,
                "questions": true
            },
            "collaboration": {"publicComments": true}
        }
    })
}

async fn extensive(sim: &SimHandle, filter: Value, selector: Value) -> Value {
    let response = post(
        sim,
        "/v2/calls/extensive",
        json!({"filter": filter, "contentSelector": selector}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

const CONTENT_KEYS: [&str; 9] = [
    "structure",
    "topics",
    "trackers",
    "brief",
    "keyPoints",
    "pointsOfInterest",
    "outline",
    "highlights",
    "callOutcome",
];

fn keys(v: &Value) -> HashSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_full_selector_returns_every_section_and_a_flag_off_leaves_its_section_out() {
    let sim = sim(300).await;
    let page = extensive(&sim, json!({}), full_selector()).await;
    let calls = page["calls"].as_array().unwrap();
    let public: Vec<_> = calls
        .iter()
        .filter(|c| c["metaData"]["isPrivate"] == false)
        .collect();
    assert!(!public.is_empty());
    for call in &public {
        let content = &call["content"];
        for key in CONTENT_KEYS {
            assert!(content.get(key).is_some(), "content.{key} in {content:#}");
        }
        assert_eq!(
            keys(&call["interaction"]),
            ["speakers", "interactionStats", "video", "questions"]
                .map(String::from)
                .into()
        );
        assert!(call["collaboration"]["publicComments"].is_array());
    }
    // "Next steps" is a highlight of most calls, with 1-3 items.
    let next_steps: Vec<_> = public
        .iter()
        .filter_map(|c| {
            c["content"]["highlights"]
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h["title"] == "Next steps")
        })
        .collect();
    assert!(
        next_steps.len() * 10 >= public.len() * 7,
        "{} of {}",
        next_steps.len(),
        public.len()
    );
    assert!(next_steps
        .iter()
        .all(|h| (1..=3).contains(&h["items"].as_array().unwrap().len())));
    assert!(public
        .iter()
        .any(|c| !c["content"]["pointsOfInterest"]["actionItems"]
            .as_array()
            .unwrap()
            .is_empty()));

    // A private call keeps its content, interaction and comments to itself.
    let private_id = public[0]["metaData"]["id"].as_str().unwrap().to_string();
    sim.controls().make_private([private_id.clone()]);
    let private = extensive(&sim, json!({"callIds": [private_id]}), full_selector()).await;
    let private = &private["calls"][0];
    assert_eq!(private["metaData"]["isPrivate"], true);
    for key in ["content", "interaction", "collaboration"] {
        assert!(private.get(key).is_none(), "{key} of a private call");
    }
    assert!(private["parties"].is_array(), "parties stay");

    // One flag: only its section; no flags: no section at all.
    let one = extensive(
        &sim,
        json!({}),
        json!({"exposedFields": {"content": {"highlights": true},
                                 "interaction": {"questions": true}}}),
    )
    .await;
    for call in one["calls"].as_array().unwrap() {
        if call["metaData"]["isPrivate"] == true {
            continue;
        }
        assert_eq!(keys(&call["content"]), ["highlights".to_string()].into());
        assert_eq!(keys(&call["interaction"]), ["questions".to_string()].into());
        assert!(call.get("collaboration").is_none());
    }
    let bare = extensive(&sim, json!({}), json!({"exposedFields": {"parties": true}})).await;
    for call in bare["calls"].as_array().unwrap() {
        for key in ["content", "interaction", "collaboration"] {
            assert!(call.get(key).is_none(), "{key} was not asked for");
        }
    }
}

#[tokio::test]
async fn call_outcomes_are_a_fixed_list_that_every_call_outcome_is_from() {
    let sim = sim(200).await;
    let response = get(&sim, "/v2/call-outcomes").await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: Value = response.json().await.unwrap();
    assert!(list["requestId"].is_string());
    let outcomes = list["callOutcomes"].as_array().unwrap();
    let names: Vec<_> = outcomes
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Demo scheduled") && names.contains(&"Closed lost"));
    for o in outcomes {
        assert!(["Positive", "Neutral", "Negative"].contains(&o["category"].as_str().unwrap()));
    }
    let ids: HashSet<_> = outcomes.iter().map(|o| o["id"].clone()).collect();
    assert_eq!(list["outcomes"].as_array().unwrap().len(), outcomes.len());

    let page = extensive(
        &sim,
        json!({}),
        json!({"exposedFields": {"content": {"callOutcome": true}}}),
    )
    .await;
    let mut seen = HashSet::new();
    for call in page["calls"].as_array().unwrap() {
        if call["metaData"]["isPrivate"] == true {
            continue;
        }
        let outcome = &call["content"]["callOutcome"];
        assert!(ids.contains(&outcome["id"]), "{outcome}");
        let listed = outcomes.iter().find(|o| o["id"] == outcome["id"]).unwrap();
        assert_eq!(listed, outcome);
        seen.insert(outcome["id"].clone());
    }
    assert!(seen.len() >= 3, "calls spread over the outcomes");
    assert_eq!(sim.controls().stats().count("GET /v2/call-outcomes"), 1);

    let denied = Client::new()
        .get(format!("{}/v2/call-outcomes", sim.base_url()))
        .basic_auth("sim-access-key", Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
}

/// Every page of `POST /v2/calls/transcript` for `filter`.
async fn transcript_pages(sim: &SimHandle, filter: Value) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut body = json!({"filter": filter});
        if let Some(c) = &cursor {
            body["cursor"] = json!(c);
        }
        let response = post(sim, "/v2/calls/transcript", body).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page: Value = response.json().await.unwrap();
        cursor = page["records"]["cursor"].as_str().map(String::from);
        pages.push(page);
        if cursor.is_none() {
            return pages;
        }
    }
}

#[tokio::test]
async fn transcripts_page_by_call_ids_leave_private_calls_out_and_404_on_unknown_ids() {
    let sim = sim(400).await;
    let ds = sim.dataset();
    let ids: Vec<String> = (0..250).map(|i| ds.call_id(i).unwrap()).collect();
    let private: HashSet<String> = (0..250)
        .filter_map(|i| ds.call(i))
        .filter(|c| c.is_private)
        .map(|c| c.id)
        .collect();

    let pages = transcript_pages(&sim, json!({"callIds": ids})).await;
    assert_eq!(pages.len(), 3);
    assert_eq!(sim.controls().stats().count("POST /v2/calls/transcript"), 3);
    let mut seen = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        assert_eq!(page["records"]["totalRecords"], 250);
        assert_eq!(page["records"]["currentPageNumber"], n);
        assert!(page["requestId"].is_string());
        for t in page["callTranscripts"].as_array().unwrap() {
            seen.push(t["callId"].as_str().unwrap().to_string());
        }
    }
    let expected: Vec<_> = ids
        .iter()
        .filter(|id| !private.contains(*id))
        .cloned()
        .collect();
    assert_eq!(seen, expected, "every public call once, in order");

    // Speakers are the parties' speakers; tracker phrases are said.
    let calls = extensive(
        &sim,
        json!({"callIds": ids[..100].to_vec()}),
        json!({"exposedFields": {"parties": true}}),
    )
    .await;
    let mut phrases_found = 0;
    for t in pages[0]["callTranscripts"].as_array().unwrap() {
        let call = calls["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["metaData"]["id"] == t["callId"])
            .unwrap();
        let speakers: HashSet<_> = call["parties"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["speakerId"].as_str())
            .collect();
        let monologues = t["transcript"].as_array().unwrap();
        if speakers.is_empty() {
            assert!(monologues.is_empty());
            continue;
        }
        assert!((3..=8).contains(&monologues.len()));
        let mut last_end = 0;
        for m in monologues {
            assert!(speakers.contains(m["speakerId"].as_str().unwrap()));
            let sentences = m["sentences"].as_array().unwrap();
            assert!((1..=4).contains(&sentences.len()));
            for s in sentences {
                let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
                assert!(last_end <= start && start < end, "{s}");
                last_end = end;
                assert!(!s["text"].as_str().unwrap().is_empty());
            }
        }
        let text: String = monologues
            .iter()
            .flat_map(|m| m["sentences"].as_array().unwrap())
            .map(|s| s["text"].as_str().unwrap())
            .collect::<Vec<_>>()
            .join(" ");
        let call_id = t["callId"].as_str().unwrap();
        for hit in &ds.call_by_id(call_id).unwrap().trackers {
            for (phrase, _) in &hit.phrases {
                assert!(text.contains(phrase.as_str()), "{phrase} in {text}");
                phrases_found += 1;
            }
        }
    }
    assert!(phrases_found > 20, "a search can find tracker phrases");

    // A private call: no transcript.
    let one = ids
        .iter()
        .find(|id| !private.contains(*id))
        .unwrap()
        .clone();
    sim.controls().make_private([one.clone()]);
    let page = &transcript_pages(&sim, json!({"callIds": [one]})).await[0];
    assert_eq!(page["callTranscripts"], json!([]));

    // Unknown ids, an empty window: Gong's 404; no filter, empty callIds: 400.
    for filter in [
        json!({"callIds": ["1234567890123456789"]}),
        json!({"fromDateTime": "2999-01-01T00:00:00Z"}),
    ] {
        let response = post(&sim, "/v2/calls/transcript", json!({"filter": filter})).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"],
            json!(["No calls found corresponding to the provided filters"])
        );
    }
    for body in [json!({}), json!({"filter": {"callIds": []}})] {
        let response = post(&sim, "/v2/calls/transcript", body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_content_and_transcripts() {
    let (a, b, other) = tokio::join!(sim_with(150, 7), sim_with(150, 7), sim_with(150, 8));
    let mut answers = Vec::new();
    for sim in [&a, &b, &other] {
        let mut page = extensive(sim, json!({}), full_selector()).await;
        for call in page["calls"].as_array_mut().unwrap() {
            // Media links are signed with the clock; the deep link names the port.
            call.as_object_mut().unwrap().remove("media");
            call["metaData"].as_object_mut().unwrap().remove("url");
        }
        let transcripts = transcript_pages(sim, json!({})).await;
        answers.push((
            page["calls"].clone(),
            transcripts
                .iter()
                .map(|p| p["callTranscripts"].clone())
                .collect::<Vec<_>>(),
        ));
    }
    assert_eq!(answers[0], answers[1]);
    assert_ne!(answers[0].0, answers[2].0);
    assert_ne!(answers[0].1, answers[2].1);
}

fn is_number(v: &Value) -> bool {
    v.is_number()
}

fn is_opt_string(v: &Value) -> bool {
    v.is_string() || v.is_null()
}

/// A third-party client's view: asks for every field the reference lists and checks
/// that each one arrives, typed as the reference says (§5.2, §6).
#[tokio::test]
async fn a_third_party_client_gets_every_requested_field_in_the_reference_shape() {
    let sim = sim(300).await;
    let page = extensive(&sim, json!({}), full_selector()).await;
    let calls = page["calls"].as_array().unwrap();
    let mut seen = HashSet::new();
    for call in calls {
        let meta = &call["metaData"];
        for key in [
            "id",
            "url",
            "title",
            "scheduled",
            "started",
            "duration",
            "primaryUserId",
            "direction",
            "system",
            "scope",
            "media",
            "language",
            "workspaceId",
            "sdrDisposition",
            "clientUniqueId",
            "customData",
            "purpose",
            "meetingUrl",
            "isPrivate",
            "calendarEventId",
        ] {
            assert!(meta.get(key).is_some(), "metaData.{key}");
        }
        assert!(call["context"].is_array());
        for p in call["parties"].as_array().unwrap() {
            assert!(p["id"].is_string() && is_opt_string(&p["speakerId"]));
            assert!(p["affiliation"].is_string() && p["methods"].is_array());
            assert!(p["context"].is_array());
        }
        if meta["isPrivate"] == true {
            continue;
        }
        let c = &call["content"];
        for s in c["structure"].as_array().unwrap() {
            assert!(s["name"].is_string() && s["duration"].is_u64());
        }
        for t in c["topics"].as_array().unwrap() {
            assert!(t["name"].is_string() && t["duration"].is_u64());
        }
        for t in c["trackers"].as_array().unwrap() {
            assert!(t["id"].is_string() && t["name"].is_string() && t["count"].is_u64());
            assert!(["KEYWORD", "SMART"].contains(&t["type"].as_str().unwrap()));
            assert!(t["occurrences"].is_array() && t["phrases"].is_array());
            seen.insert("trackers");
        }
        assert!(c["brief"].is_string());
        for k in c["keyPoints"].as_array().unwrap() {
            assert!(k["text"].is_string());
        }
        for a in c["pointsOfInterest"]["actionItems"].as_array().unwrap() {
            assert!(is_number(&a["snippetStartTime"]) && is_number(&a["snippetEndTime"]));
            assert!(a["speakerID"].is_string(), "speakerID, capital ID: {a}");
            assert!(a.get("speakerId").is_none());
            assert!(a["snippet"].is_string());
            seen.insert("actionItems");
        }
        for o in c["outline"].as_array().unwrap() {
            assert!(o["section"].is_string());
            assert!(is_number(&o["startTime"]) && is_number(&o["duration"]));
            for i in o["items"].as_array().unwrap() {
                assert!(i["text"].is_string() && is_number(&i["startTime"]));
            }
            seen.insert("outline");
        }
        for h in c["highlights"].as_array().unwrap() {
            assert!(h["title"].is_string());
            for i in h["items"].as_array().unwrap() {
                assert!(i["text"].is_string());
                assert!(i["startTimes"].as_array().unwrap().iter().all(is_number));
            }
            seen.insert("highlights");
        }
        let outcome = &c["callOutcome"];
        assert!(outcome["id"].is_string() && outcome["category"].is_string());
        assert!(outcome["name"].is_string());

        let i = &call["interaction"];
        for s in i["speakers"].as_array().unwrap() {
            assert!(s["id"].is_string() && is_opt_string(&s["userId"]));
            assert!(is_number(&s["talkTime"]));
        }
        let stats: Vec<_> = i["interactionStats"]
            .as_array()
            .unwrap()
            .iter()
            .inspect(|s| assert!(is_number(&s["value"])))
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            stats,
            [
                "Talk Ratio",
                "Longest Monologue",
                "Longest Customer Story",
                "Interactivity",
                "Patience"
            ]
        );
        for v in i["video"].as_array().unwrap() {
            assert!(v["name"].is_string() && is_number(&v["duration"]));
            seen.insert("video");
        }
        assert!(i["questions"]["companyCount"].is_u64());
        assert!(i["questions"]["nonCompanyCount"].is_u64());
        for comment in call["collaboration"]["publicComments"].as_array().unwrap() {
            assert!(comment["id"].is_string() && comment["commenterUserId"].is_string());
            assert!(is_number(&comment["audioStartTime"]));
            assert!(is_number(&comment["audioEndTime"]));
            assert!(comment["comment"].is_string() && comment["duringCall"].is_boolean());
            assert!(is_opt_string(&comment["inReplyTo"]));
            let posted = comment["posted"].as_str().unwrap();
            assert!(
                chrono::DateTime::parse_from_rfc3339(posted).is_ok(),
                "{posted}"
            );
            seen.insert("publicComments");
        }
        if call.get("media").is_some() {
            seen.insert("media");
        }
    }
    for key in [
        "trackers",
        "actionItems",
        "outline",
        "highlights",
        "video",
        "publicComments",
        "media",
    ] {
        assert!(seen.contains(key), "no call had {key}");
    }

    let transcripts = &transcript_pages(&sim, json!({})).await;
    let t = transcripts[0]["callTranscripts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| !t["transcript"].as_array().unwrap().is_empty())
        .unwrap();
    assert!(t["callId"].is_string());
    let m = &t["transcript"][0];
    assert!(m["speakerId"].is_string() && is_opt_string(&m["topic"]));
    let s = &m["sentences"][0];
    assert!(s["start"].is_u64() && s["end"].is_u64() && s["text"].is_string());
    let records = &transcripts[0]["records"];
    for key in [
        "totalRecords",
        "currentPageSize",
        "currentPageNumber",
        "cursor",
    ] {
        assert!(records.get(key).is_some(), "records.{key}");
    }
}

#[tokio::test]
async fn a_scenario_sends_only_the_content_it_spells_out() {
    let scenario = Scenario::from_json(FIXTURE).expect("the documented example parses");
    let sim = start(SimConfig {
        scenario: Some(scenario),
        limits: Limits::off(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let page = extensive(
        &sim,
        json!({}),
        json!({"exposedFields": {"parties": true, "content": {"highlights": true,
               "outline": true, "callOutcome": true, "pointsOfInterest": true,
               "brief": true}}}),
    )
    .await;
    let first = &page["calls"][0];
    let content = &first["content"];
    assert_eq!(content["brief"], "Renewal discussed.");
    assert_eq!(content["highlights"][0]["title"], "Next steps");
    assert_eq!(
        content["highlights"][0]["items"][0]["text"],
        "Send the renewal quote"
    );
    assert_eq!(content["outline"][0]["section"], "Pricing");
    assert_eq!(content["callOutcome"]["name"], "Demo scheduled");
    let lena = first["parties"][0]["speakerId"].clone();
    let raj = first["parties"][1]["speakerId"].clone();
    let item = &content["pointsOfInterest"]["actionItems"][0];
    assert_eq!(
        (&item["snippet"], &item["speakerID"]),
        (&json!("I'll send the quote"), &lena)
    );

    let transcripts = transcript_pages(&sim, json!({})).await;
    let list = transcripts[0]["callTranscripts"].as_array().unwrap();
    assert_eq!(list.len(), 1, "the private call has none");
    let monologues = list[0]["transcript"].as_array().unwrap();
    assert_eq!(monologues[0]["speakerId"], raj);
    assert_eq!(
        monologues[0]["sentences"][0]["text"],
        "How does Contoso compare?"
    );
    assert_eq!(monologues[1]["speakerId"], lena);

    let unknown = FIXTURE.replace("\"Demo scheduled\"", "\"Great call\"");
    let err = Scenario::from_json(&unknown).unwrap_err().to_string();
    assert!(
        err.contains("Great call") && err.contains("Demo scheduled"),
        "{err}"
    );
    let stranger = FIXTURE.replace("\"speaker\": \"Raj Patel\"", "\"speaker\": \"Nobody\"");
    let err = Scenario::from_json(&stranger).unwrap_err().to_string();
    assert!(err.contains("Nobody"), "{err}");
}
