use serde::{Deserialize, Serialize};

/// A compliance keyword: the whole message, trimmed, case-insensitive (Twilio's default opt-out
/// handling, help.twilio.com article 223134027 "Twilio support for opt-out keywords").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keyword {
    /// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT.
    OptOut,
    /// START, YES, UNSTOP.
    OptIn,
    /// HELP, INFO.
    Help,
}

impl Keyword {
    /// The keyword a message body is, if it is one.
    pub fn classify(body: &str) -> Option<Keyword> {
        match body.trim().to_ascii_uppercase().as_str() {
            "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" => Some(Keyword::OptOut),
            "START" | "YES" | "UNSTOP" => Some(Keyword::OptIn),
            "HELP" | "INFO" => Some(Keyword::Help),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_whole_messages_in_any_case() {
        for stop in [
            "STOP",
            "stop",
            " Unsubscribe ",
            "cancel",
            "End",
            "quit",
            "StopAll",
        ] {
            assert_eq!(Keyword::classify(stop), Some(Keyword::OptOut), "{stop}");
        }
        for start in ["START", "yes", "Unstop"] {
            assert_eq!(Keyword::classify(start), Some(Keyword::OptIn), "{start}");
        }
        assert_eq!(Keyword::classify("help"), Some(Keyword::Help));
        assert_eq!(Keyword::classify("Info"), Some(Keyword::Help));
        assert_eq!(Keyword::classify("please stop"), None);
        assert_eq!(Keyword::classify("stop!"), None);
    }
}
