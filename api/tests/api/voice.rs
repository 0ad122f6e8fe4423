//! Voice: calls placed through the sandbox's caller simulator reach `/webhooks/twilio/voice`,
//! hear the TwiML the organization's voice settings decide (parsed as XML here), and their
//! callbacks record the lifecycle; CallSids are recorded once under concurrent deliveries and
//! late status callbacks change nothing.

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{json, Value};

use crate::helpers::{body, TestApp};
use crate::on_both_backends;

/// One TwiML verb: its name, attributes and text.
#[derive(Debug, PartialEq)]
struct Verb {
    name: String,
    attributes: HashMap<String, String>,
    text: String,
}

fn verb(e: &quick_xml::events::BytesStart<'_>) -> Verb {
    Verb {
        name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        attributes: e
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.unescape_value().unwrap().into_owned(),
                )
            })
            .collect(),
        text: String::new(),
    }
}

/// The verbs under `<Response>`, in order, with their text; panics on malformed XML.
fn verbs(twiml: &str) -> Vec<Verb> {
    let mut reader = Reader::from_str(twiml);
    let mut verbs = Vec::new();
    let mut open = None;
    let mut depth = 0usize;
    loop {
        match reader.read_event().expect("well-formed TwiML") {
            Event::Start(e) => {
                depth += 1;
                if depth == 2 {
                    verbs.push(verb(&e));
                    open = Some(verbs.len() - 1);
                }
            }
            Event::Empty(e) if depth == 1 => verbs.push(verb(&e)),
            Event::End(_) => {
                if depth == 2 {
                    open = None;
                }
                depth -= 1;
            }
            Event::Text(t) => {
                if let Some(i) = open {
                    verbs[i].text.push_str(&t.unescape().unwrap());
                }
            }
            Event::Eof => return verbs,
            _ => {}
        }
    }
}

fn names(verbs: &[Verb]) -> Vec<&str> {
    verbs.iter().map(|v| v.name.as_str()).collect()
}

/// An organization with a number and the given settings; returns (id, number).
async fn organization_with(app: &TestApp, name: &str, settings: Value) -> (String, String) {
    let org = app.create_organization(name, "trial").await;
    let number = app.number_for(&org).await;
    let response = app
        .patch(&format!("/v1/organizations/{org}"), settings.clone())
        .await;
    assert_eq!(response.status(), 200, "{}", body(response).await);
    (org, number)
}

/// The organization's calls once `n` are listed with a final status.
async fn completed_calls(app: &TestApp, org: &str, n: usize) -> Vec<Value> {
    let path = format!("/v1/organizations/{org}/calls");
    let listed = app
        .wait_for(|| async {
            let page = body(app.get(&path).await).await;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            items.len() == n && items.iter().all(|c| c.get("duration_secs").is_some())
        })
        .await;
    let page = body(app.get(&path).await).await;
    assert!(listed, "{page}");
    page["items"].as_array().unwrap().clone()
}

fn callback<'a>(call: &'a Value, kind: &str) -> &'a Value {
    call["callbacks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} callback in {call}"))
}

async fn a_caller_hears_the_greeting_and_is_put_through(app: &TestApp) {
    let (org, number) = organization_with(
        app,
        "Ben & Jerry's",
        json!({"forward_to": "+15559870000", "voice_language": "es-MX", "voice": "Polly.Mia"}),
    )
    .await;
    let call = app
        .caller_calls(json!({"from": "+15551230000", "to": number, "outcome": "answered"}))
        .await;
    assert_eq!(call["status"], 200, "{call}");
    let twiml = verbs(call["twiml"].as_str().unwrap());
    assert_eq!(names(&twiml), ["Say", "Dial"]);
    assert_eq!(twiml[0].text, "Thank you for calling Ben & Jerry's.");
    assert_eq!(twiml[0].attributes["language"], "es-MX");
    assert_eq!(twiml[0].attributes["voice"], "Polly.Mia");
    assert_eq!(twiml[1].text, "+15559870000");
    assert_eq!(twiml[1].attributes["callerId"], number);
    assert_eq!(twiml[1].attributes["timeout"], "20");
    assert_eq!(
        twiml[1].attributes["action"],
        "/webhooks/twilio/voice/dial-status"
    );
    let dial = callback(&call, "dial-status");
    assert_eq!(dial["status"], 200);
    assert_eq!(names(&verbs(dial["twiml"].as_str().unwrap())), ["Hangup"]);
    assert_eq!(callback(&call, "status")["status"], 204);

    let sid = call["call_sid"].as_str().unwrap();
    assert_eq!(app.recorded_in("Call", sid, "CallReceived").await.len(), 1);
    let completed = app.recorded_in("Call", sid, "CallCompleted").await;
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0]["CallCompleted"]["status"], "completed");
    assert_eq!(completed[0]["CallCompleted"]["duration_secs"], 35);

    let calls = completed_calls(app, &org, 1).await;
    assert_eq!(calls[0]["call_sid"], sid);
    assert_eq!(calls[0]["from"], "+15551230000");
    assert_eq!(calls[0]["to"], number);
    assert_eq!(calls[0]["status"], "completed");
    assert_eq!(calls[0]["outcome"], "forwarded");
    assert_eq!(calls[0]["forwarded_to"], "+15559870000");
    assert_eq!(calls[0]["dial_status"], "completed");
    assert_eq!(calls[0]["duration_secs"], 35);
    assert!(calls[0].get("voicemail_url").is_none());

    let usage = app.usage(&org).await;
    assert_eq!(usage["calls"], 1);
    assert_eq!(usage["call_seconds"], 35);
    assert_eq!(usage["call_minutes"], 1);
    assert_eq!(
        usage["used"], 0,
        "calls never count against the message quota"
    );
}

async fn a_closed_organization_takes_a_voicemail(app: &TestApp) {
    // Business hours with no open day: always closed.
    let (org, number) = organization_with(
        app,
        "Night Owl",
        json!({"business_hours": {}, "forward_to": "+15559870000",
               "away_message": "{organization} opens at nine."}),
    )
    .await;
    let call = app
        .caller_calls(json!({"from": "+15551230001", "to": number, "outcome": "voicemail"}))
        .await;
    let twiml = verbs(call["twiml"].as_str().unwrap());
    assert_eq!(names(&twiml), ["Say", "Say", "Record"]);
    assert_eq!(twiml[0].text, "Thank you for calling Night Owl.");
    assert_eq!(
        twiml[1].text,
        "Night Owl opens at nine. Please leave a message after the beep."
    );
    assert_eq!(twiml[2].attributes["maxLength"], "120");
    assert_eq!(twiml[2].attributes["playBeep"], "true");
    assert_eq!(
        twiml[2].attributes["recordingStatusCallback"],
        "/webhooks/twilio/voice/recording"
    );
    assert_eq!(callback(&call, "record")["status"], 200);
    assert_eq!(callback(&call, "recording")["status"], 200);
    let sid = call["call_sid"].as_str().unwrap();
    let voicemail = app.recorded_in("Call", sid, "VoicemailRecorded").await;
    assert_eq!(
        voicemail.len(),
        1,
        "the action and the callback record it once"
    );
    assert_eq!(
        voicemail[0]["VoicemailRecorded"]["voicemail"]["duration_secs"],
        12
    );

    let calls = completed_calls(app, &org, 1).await;
    assert_eq!(calls[0]["outcome"], "voicemail");
    assert_eq!(calls[0]["voicemail_secs"], 12);
    let listed_url = calls[0]["voicemail_url"].as_str().unwrap();
    assert!(listed_url.contains("/Recordings/RE"), "{listed_url}");
    assert_eq!(
        voicemail[0]["VoicemailRecorded"]["voicemail"]["recording_url"], "",
        "stored sealed with the caller's key"
    );
    let page = body(
        app.get(&format!("/v1/organizations/{org}/calls?limit=0"))
            .await,
    )
    .await;
    assert_eq!(page["code"], "invalid_limit");
}

async fn calls_are_listed_newest_first_in_pages(app: &TestApp) {
    let (org, number) = organization_with(app, "Pages", json!({})).await;
    let mut sids = Vec::new();
    for i in 0..3 {
        let from = format!("+1555123010{i}");
        let call = app
            .caller_calls(json!({"from": from, "to": number, "outcome": "no-answer"}))
            .await;
        sids.push(call["call_sid"].as_str().unwrap().to_string());
    }
    completed_calls(app, &org, 3).await;
    let path = format!("/v1/organizations/{org}/calls?limit=2");
    let first = body(app.get(&path).await).await;
    assert_eq!(first["items"][0]["call_sid"], sids[2].as_str());
    assert_eq!(first["items"][1]["call_sid"], sids[1].as_str());
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = body(app.get(&format!("{path}&cursor={cursor}")).await).await;
    assert_eq!(second["items"][0]["call_sid"], sids[0].as_str());
    assert!(second.get("next_cursor").is_none());
}

async fn nobody_answers_so_the_caller_leaves_a_voicemail(app: &TestApp) {
    let (_, number) =
        organization_with(app, "Busy Bee", json!({"forward_to": "+15559870000"})).await;
    let call = app
        .caller_calls(json!({"from": "+15551230002", "to": number, "outcome": "voicemail"}))
        .await;
    assert_eq!(
        names(&verbs(call["twiml"].as_str().unwrap())),
        ["Say", "Dial"]
    );
    let after = verbs(callback(&call, "dial-status")["twiml"].as_str().unwrap());
    assert_eq!(names(&after), ["Say", "Record"]);
    assert_eq!(
        after[0].text,
        "Nobody can take your call right now. Please leave a message after the beep."
    );
    let sid = call["call_sid"].as_str().unwrap();
    assert_eq!(app.recorded_in("Call", sid, "DialEnded").await.len(), 1);
    assert_eq!(
        app.recorded_in("Call", sid, "VoicemailRecorded")
            .await
            .len(),
        1
    );
}

async fn with_voicemail_off_the_call_hangs_up(app: &TestApp) {
    let (_, number) = organization_with(app, "Quiet", json!({"voicemail": false})).await;
    let call = app
        .caller_calls(json!({"from": "+15551230003", "to": number}))
        .await;
    let twiml = verbs(call["twiml"].as_str().unwrap());
    assert_eq!(names(&twiml), ["Say", "Say", "Hangup"]);
    assert_eq!(
        twiml[1].text,
        "Nobody can take your call right now. Please call again later. Goodbye."
    );
}

async fn an_unrouted_call_hears_an_apology_and_is_recorded(app: &TestApp) {
    app.buy_at_provider("+14155550188", "Nobody's").await;
    let call = app
        .caller_calls(json!({"from": "+15551230004", "to": "+14155550188"}))
        .await;
    let twiml = verbs(call["twiml"].as_str().unwrap());
    assert_eq!(names(&twiml), ["Say", "Hangup"]);
    let sid = call["call_sid"].as_str().unwrap();
    let received = app.recorded_in("Call", sid, "CallReceived").await;
    assert_eq!(
        received[0]["CallReceived"]["call"]["routing"]["kind"],
        "unrouted"
    );
}

async fn a_call_sid_delivered_concurrently_is_recorded_once(app: &TestApp) {
    let (_, number) =
        organization_with(app, "Popular", json!({"forward_to": "+15559870000"})).await;
    let sid = "CA0123456789abcdef0123456789abcdef";
    let params = [
        ("CallSid", sid),
        ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ("From", "+15551230005"),
        ("To", number.as_str()),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
    ];
    let deliveries = (0..8).map(|_| app.signed_webhook("/webhooks/twilio/voice", &params));
    let answers = futures::future::join_all(deliveries).await;
    let mut bodies = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), 200);
        bodies.push(answer.text().await.unwrap());
    }
    assert!(bodies.iter().all(|b| b == &bodies[0]), "{bodies:?}");
    assert_eq!(names(&verbs(&bodies[0])), ["Say", "Dial"]);
    assert_eq!(app.recorded_in("Call", sid, "CallReceived").await.len(), 1);
    assert_eq!(app.recorded_in("Call", sid, "CallAnswered").await.len(), 1);
}

async fn late_call_status_callbacks_change_nothing(app: &TestApp) {
    let (_, number) = organization_with(app, "Orderly", json!({})).await;
    let sid = "CAfedcba9876543210fedcba9876543210";
    let voice = [
        ("CallSid", sid),
        ("From", "+15551230006"),
        ("To", number.as_str()),
        ("CallStatus", "ringing"),
    ];
    assert_eq!(
        app.signed_webhook("/webhooks/twilio/voice", &voice)
            .await
            .status(),
        200
    );
    for (status, duration) in [
        ("completed", "42"),
        ("in-progress", ""),
        ("ringing", ""),
        ("completed", "43"),
        ("failed", ""),
    ] {
        let response = app
            .signed_webhook(
                "/webhooks/twilio/voice/status",
                &[
                    ("CallSid", sid),
                    ("CallStatus", status),
                    ("CallDuration", duration),
                ],
            )
            .await;
        assert_eq!(response.status(), 204);
    }
    let completed = app.recorded_in("Call", sid, "CallCompleted").await;
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0]["CallCompleted"]["duration_secs"], 42);
    assert!(app
        .recorded_in("Call", sid, "CallStatusChanged")
        .await
        .is_empty());
}

async fn voice_webhooks_are_signed_and_validated(app: &TestApp) {
    let unsigned = reqwest::Client::new()
        .post(app.url("/webhooks/twilio/voice"))
        .form(&[
            ("CallSid", "CA1"),
            ("From", "+15551230000"),
            ("To", "+14155550100"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 403);
    let missing = app
        .signed_webhook("/webhooks/twilio/voice", &[("From", "+15551230000")])
        .await;
    assert_eq!(missing.status(), 400);
    let unknown = app
        .signed_webhook(
            "/webhooks/twilio/voice/dial-status",
            &[("CallSid", "CAunknown"), ("DialCallStatus", "no-answer")],
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

async fn voice_settings_are_validated_and_shown(app: &TestApp) {
    let org = app.create_organization("Settings", "trial").await;
    let path = format!("/v1/organizations/{org}");
    for (settings, code) in [
        (json!({"forward_to": "5551234"}), "invalid_phone_number"),
        (
            json!({"voice_language": "english"}),
            "invalid_voice_language",
        ),
        (json!({"voice": "bad voice!"}), "invalid_voice"),
        (json!({"voice_greeting": "   "}), "invalid_message"),
    ] {
        let response = app.patch(&path, settings.clone()).await;
        assert_eq!(response.status(), 422, "{settings}");
        assert_eq!(body(response).await["code"], code, "{settings}");
    }
    let response = app
        .patch(
            &path,
            json!({"voice_greeting": "Hola", "voice_language": "es-MX",
                   "forward_to": "+15559870000", "voicemail": false}),
        )
        .await;
    let shown = body(response).await["settings"].clone();
    assert_eq!(shown["voice_greeting"], "Hola");
    assert_eq!(shown["forward_to"], "+15559870000");
    assert_eq!(shown["voicemail"], false);
    let reset = app
        .patch(&path, json!({"forward_to": null, "voicemail": null}))
        .await;
    let shown = body(reset).await["settings"].clone();
    assert!(shown.get("forward_to").is_none() && shown.get("voicemail").is_none());
}

async fn calls_are_delivered_to_the_organization_s_endpoint(app: &TestApp) {
    use std::time::Duration;

    use crate::delivery::{receiver, register, verify_independently, wait_received};

    let (org, number) = organization_with(app, "Delivered", json!({})).await;
    let (rx, url) = receiver(app).await;
    let types = json!({"event_types": ["call.received", "call.completed", "call.voicemail"]});
    let (_, secret) = register(app, &org, &rx, &url, types).await;
    let call = app
        .caller_calls(json!({"from": "+15551230009", "to": number, "outcome": "voicemail"}))
        .await;
    let got = wait_received(app, &rx, 3, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 3, "{got:?}");
    let envelopes: Vec<Value> = got
        .iter()
        .map(|delivery| {
            verify_independently(&secret, delivery);
            serde_json::from_str(delivery["body"].as_str().unwrap()).unwrap()
        })
        .collect();
    let kinds: Vec<&str> = envelopes
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    // The `<Record>` action (during the call) comes before the final status callback.
    assert_eq!(kinds, ["call.received", "call.voicemail", "call.completed"]);
    for envelope in &envelopes {
        assert_eq!(envelope["data"]["organization_id"], org);
        assert_eq!(envelope["data"]["call_sid"], call["call_sid"]);
        assert_eq!(envelope["data"]["from"], "+15551230009");
        assert_eq!(envelope["data"]["to"], number);
    }
    assert_eq!(envelopes[0]["data"]["outcome"], "voicemail");
    assert_eq!(envelopes[2]["data"]["status"], "completed");
    assert_eq!(envelopes[2]["data"]["duration_secs"], 17);
    assert_eq!(envelopes[1]["data"]["duration_secs"], 12);
    assert!(envelopes[1]["data"]["recording_url"]
        .as_str()
        .unwrap()
        .contains("/Recordings/RE"));
}

on_both_backends!(
    calls_are_delivered_to_the_organization_s_endpoint,
    a_caller_hears_the_greeting_and_is_put_through,
    a_closed_organization_takes_a_voicemail,
    nobody_answers_so_the_caller_leaves_a_voicemail,
    with_voicemail_off_the_call_hangs_up,
    an_unrouted_call_hears_an_apology_and_is_recorded,
    a_call_sid_delivered_concurrently_is_recorded_once,
    late_call_status_callbacks_change_nothing,
    voice_webhooks_are_signed_and_validated,
    voice_settings_are_validated_and_shown,
    calls_are_listed_newest_first_in_pages,
);
