//! Given/when/then tests for the `Call` aggregate and the voice decision.

use chrono::{TimeZone as _, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::{BusinessHours, OrganizationId, Settings, TimeRange, TimeZone};

type CallTest = TestFramework<Call>;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
}

fn e164(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

fn ours() -> E164 {
    e164("+14155550100")
}

fn routed() -> Routing {
    Routing::Routed {
        organization_id: OrganizationId::from_uuid(Uuid::from_u128(1)),
    }
}

fn inbound(routing: Routing) -> InboundCall {
    InboundCall {
        call_sid: CallSid::parse("CA1").unwrap(),
        account_sid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
        from: "+15551230000".into(),
        to: ours(),
        status: CallStatus::Ringing,
        direction: "inbound".into(),
        caller_name: None,
        routing,
    }
}

fn received(routing: Routing) -> CallEvent {
    CallEvent::CallReceived {
        call: inbound(routing),
        received_at: at(),
    }
}

/// Weekdays 09:00–17:00 in New York.
fn office_hours() -> BusinessHours {
    let day = vec![TimeRange {
        start: 9 * 60,
        end: 17 * 60,
    }];
    let days = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        vec![],
        vec![],
    ];
    BusinessHours::new(TimeZone::parse("America/New_York").unwrap(), days).unwrap()
}

fn settings(forward_to: Option<&str>, voicemail: Option<bool>) -> Settings {
    Settings {
        business_hours: Some(office_hours()),
        forward_to: forward_to.map(e164),
        voicemail,
        voice_language: Some("es-MX".into()),
        voice: Some("Polly.Mia".into()),
        ..Settings::default()
    }
}

fn spoken(text: &str) -> Spoken {
    Spoken {
        text: text.into(),
        language: "es-MX".into(),
        voice: Some("Polly.Mia".into()),
    }
}

fn decide(settings: &Settings, now: DateTime<Utc>) -> VoiceAnswer {
    let our_number = ours();
    answer_call(&CallFacts {
        settings,
        organization_name: "Acme",
        open_now: settings.is_open(now),
        our_number: &our_number,
    })
}

fn answered(answer: VoiceAnswer) -> CallEvent {
    CallEvent::CallAnswered {
        answer,
        answered_at: at(),
    }
}

fn answering(answer: VoiceAnswer) -> CallCommand {
    CallCommand::Answer {
        answer,
        answered_at: at(),
    }
}

fn forward() -> VoiceAnswer {
    VoiceAnswer {
        say: vec![spoken("Thank you for calling Acme.")],
        then: VoiceAction::Forward {
            to: e164("+15559870000"),
            caller_id: ours(),
        },
    }
}

#[test]
fn an_open_organization_with_forward_to_puts_the_call_through() {
    // Monday 23 November 2026, 10:00 in New York.
    let answer = decide(&settings(Some("+15559870000"), None), at());
    CallTest::with(())
        .given(vec![received(routed())])
        .when(answering(answer))
        .then_expect_events(vec![answered(forward())]);
}

#[test]
fn a_closed_organization_takes_a_voicemail() {
    // Monday 23 November 2026, 20:00 in New York.
    let evening = Utc.with_ymd_and_hms(2026, 11, 24, 1, 0, 0).unwrap();
    let answer = decide(&settings(Some("+15559870000"), None), evening);
    CallTest::with(())
        .given(vec![received(routed())])
        .when(answering(answer))
        .then_expect_events(vec![answered(VoiceAnswer {
            say: vec![
                spoken("Thank you for calling Acme."),
                spoken("Acme is closed right now. Please leave a message after the beep."),
            ],
            then: VoiceAction::Voicemail,
        })]);
}

#[test]
fn without_forward_to_an_open_organization_takes_a_voicemail() {
    let answer = decide(&settings(None, None), at());
    assert_eq!(
        answer,
        VoiceAnswer {
            say: vec![
                spoken("Thank you for calling Acme."),
                spoken(
                    "Nobody can take your call right now. Please leave a message after the beep."
                ),
            ],
            then: VoiceAction::Voicemail,
        }
    );
}

#[test]
fn a_forwarded_call_nobody_answers_goes_to_voicemail() {
    let settings = settings(Some("+15559870000"), None);
    let our_number = ours();
    let facts = CallFacts {
        settings: &settings,
        organization_name: "Acme",
        open_now: true,
        our_number: &our_number,
    };
    let next = after_dial(&facts, DialStatus::NoAnswer);
    let expected = VoiceAnswer {
        say: vec![spoken(
            "Nobody can take your call right now. Please leave a message after the beep.",
        )],
        then: VoiceAction::Voicemail,
    };
    CallTest::with(())
        .given(vec![received(routed()), answered(forward())])
        .when(CallCommand::EndDial {
            dial_status: DialStatus::NoAnswer,
            dial_duration_secs: None,
            answer: next,
            ended_at: at(),
        })
        .then_expect_events(vec![CallEvent::DialEnded {
            dial_status: DialStatus::NoAnswer,
            dial_duration_secs: None,
            answer: expected,
            ended_at: at(),
        }]);
    let taken = after_dial(&facts, DialStatus::Completed);
    assert_eq!(taken.then, VoiceAction::Hangup);
    assert!(taken.say.is_empty());
}

#[test]
fn with_voicemail_off_the_caller_hears_goodbye_and_the_call_hangs_up() {
    let evening = Utc.with_ymd_and_hms(2026, 11, 24, 1, 0, 0).unwrap();
    let mut settings = settings(None, Some(false));
    settings.away_message = Some("{organization} opens at nine.".into());
    let answer = decide(&settings, evening);
    CallTest::with(())
        .given(vec![received(routed())])
        .when(answering(answer))
        .then_expect_events(vec![answered(VoiceAnswer {
            say: vec![
                spoken("Thank you for calling Acme."),
                spoken("Acme opens at nine. Please call again later. Goodbye."),
            ],
            then: VoiceAction::Hangup,
        })]);
}

#[test]
fn an_unrouted_call_is_recorded_and_hears_an_apology() {
    CallTest::with(())
        .given_no_previous_events()
        .when(CallCommand::ReceiveCall {
            call: inbound(Routing::Unrouted),
            received_at: at(),
        })
        .then_expect_events(vec![received(Routing::Unrouted)]);
    CallTest::with(())
        .given(vec![received(Routing::Unrouted)])
        .when(answering(answer_unrouted()))
        .then_expect_events(vec![answered(VoiceAnswer {
            say: vec![Spoken {
                text: UNROUTED_APOLOGY.into(),
                language: "en-US".into(),
                voice: None,
            }],
            then: VoiceAction::Hangup,
        })]);
}

#[test]
fn business_hours_follow_daylight_saving_time() {
    // 13:30 UTC is 08:30 EST on Friday 6 March 2026 (closed) but 09:30 EDT on Monday 9 March,
    // the day after clocks went forward (open).
    let settings = settings(Some("+15559870000"), None);
    let before = Utc.with_ymd_and_hms(2026, 3, 6, 13, 30, 0).unwrap();
    let after = Utc.with_ymd_and_hms(2026, 3, 9, 13, 30, 0).unwrap();
    assert_eq!(decide(&settings, before).then, VoiceAction::Voicemail);
    CallTest::with(())
        .given(vec![received(routed())])
        .when(answering(decide(&settings, after)))
        .then_expect_events(vec![answered(forward())]);
}

#[test]
fn a_redelivered_call_sid_is_recorded_once_and_answered_once() {
    CallTest::with(())
        .given(vec![received(routed())])
        .when(CallCommand::ReceiveCall {
            call: inbound(Routing::Unrouted),
            received_at: at(),
        })
        .then_expect_events(vec![]);
    CallTest::with(())
        .given(vec![received(routed()), answered(forward())])
        .when(answering(answer_unrouted()))
        .then_expect_events(vec![]);
}

#[test]
fn a_call_never_received_cannot_be_answered() {
    CallTest::with(())
        .given_no_previous_events()
        .when(answering(answer_unrouted()))
        .then_expect_error(CallError::NotReceived);
}

#[test]
fn a_call_status_moves_forward_and_completes_with_its_duration() {
    CallTest::with(())
        .given(vec![received(routed())])
        .when(CallCommand::ChangeStatus {
            status: CallStatus::Completed,
            duration_secs: Some(42),
            changed_at: at(),
        })
        .then_expect_events(vec![CallEvent::CallCompleted {
            status: CallStatus::Completed,
            duration_secs: 42,
            completed_at: at(),
        }]);
}

#[test]
fn a_late_status_callback_changes_nothing() {
    CallTest::with(())
        .given(vec![
            received(routed()),
            CallEvent::CallCompleted {
                status: CallStatus::Completed,
                duration_secs: 42,
                completed_at: at(),
            },
        ])
        .when(CallCommand::ChangeStatus {
            status: CallStatus::InProgress,
            duration_secs: None,
            changed_at: at(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn a_voicemail_is_recorded_once() {
    let voicemail = Voicemail {
        recording_sid: "RE1".into(),
        recording_url: "https://api.twilio.com/recordings/RE1".into(),
        duration_secs: 9,
    };
    let recorded = CallEvent::VoicemailRecorded {
        voicemail: voicemail.clone(),
        recorded_at: at(),
        caller: Some("+15551230000".into()),
        routing: Some(routed()),
    };
    CallTest::with(())
        .given(vec![received(routed())])
        .when(CallCommand::RecordVoicemail {
            voicemail: voicemail.clone(),
            recorded_at: at(),
        })
        .then_expect_events(vec![recorded.clone()]);
    CallTest::with(())
        .given(vec![received(routed()), recorded])
        .when(CallCommand::RecordVoicemail {
            voicemail,
            recorded_at: at(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn a_voicemail_names_the_caller_and_routing_of_its_call() {
    let voicemail = Voicemail {
        recording_sid: "RE1".into(),
        recording_url: "https://api.twilio.com/recordings/RE1".into(),
        duration_secs: 9,
    };
    CallTest::with(())
        .given(vec![received(Routing::Unrouted)])
        .when(CallCommand::RecordVoicemail {
            voicemail: voicemail.clone(),
            recorded_at: at(),
        })
        .then_expect_events(vec![CallEvent::VoicemailRecorded {
            voicemail,
            recorded_at: at(),
            caller: Some("+15551230000".into()),
            routing: Some(Routing::Unrouted),
        }]);
}

#[test]
fn a_voicemail_stored_before_2_0_reads_without_caller_or_routing() {
    let stored = serde_json::json!({"VoicemailRecorded": {
        "voicemail": {"recording_sid": "RE1", "recording_url": "https://r/RE1", "duration_secs": 3},
        "recorded_at": "2026-11-23T15:00:00Z"
    }});
    let payload = crate::upcasting::upcast("VoicemailRecorded", "1.0", stored);
    let CallEvent::VoicemailRecorded {
        caller, routing, ..
    } = serde_json::from_value(payload).unwrap()
    else {
        panic!("not a VoicemailRecorded");
    };
    assert_eq!((caller, routing), (None, None));
    assert!(!crate::upcasting::is_current("VoicemailRecorded", "1.0"));
    assert!(!crate::upcasting::is_current("CallReceived", "1.0"));
    assert!(crate::upcasting::is_current("VoicemailRecorded", "2.0"));
}
