//! Twilio's `Contains` search pattern (REFERENCE §1.2; OAI parameter description of
//! `ListAvailablePhoneNumberLocal`): 2–16 of `[0-9a-zA-Z]` plus `*` (any one digit), `%` (any
//! run of digits), a leading `+` anchoring at the start and a trailing `$` at the end. Letters
//! stand for their telephone-keypad digits (ITU E.161), so `STORM` finds `…78676…`.

/// A parsed `Contains` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ContainsPattern {
    /// Digits, `*` and `%`.
    tokens: Vec<char>,
    anchored_start: bool,
    anchored_end: bool,
}

impl ContainsPattern {
    /// Parses a pattern; `None` when it is empty, longer than 16 characters or has other
    /// characters.
    pub fn parse(input: &str) -> Option<Self> {
        let mut rest = input.trim();
        let anchored_start = rest.starts_with('+');
        rest = rest.strip_prefix('+').unwrap_or(rest);
        let anchored_end = rest.ends_with('$');
        rest = rest.strip_suffix('$').unwrap_or(rest);
        if rest.is_empty() || rest.chars().count() > 16 {
            return None;
        }
        let tokens = rest
            .chars()
            .map(|c| match c {
                '0'..='9' | '*' | '%' => Some(c),
                c if c.is_ascii_alphabetic() => Some(keypad_digit(c)),
                _ => None,
            })
            .collect::<Option<Vec<char>>>()?;
        Some(Self {
            tokens,
            anchored_start,
            anchored_end,
        })
    }

    /// Whether the E.164 `number` (its digits; a leading `+` is ignored) matches.
    pub fn matches(&self, number: &str) -> bool {
        let digits: Vec<char> = number.trim_start_matches('+').chars().collect();
        let starts: Vec<usize> = if self.anchored_start {
            vec![0]
        } else {
            (0..=digits.len()).collect()
        };
        starts
            .into_iter()
            .any(|start| self.match_from(&self.tokens, &digits[start..]))
    }

    /// Backtracking match of `tokens` at the start of `digits`.
    fn match_from(&self, tokens: &[char], digits: &[char]) -> bool {
        match tokens.split_first() {
            None => !self.anchored_end || digits.is_empty(),
            Some(('%', rest)) => (0..=digits.len()).any(|n| self.match_from(rest, &digits[n..])),
            Some((token, rest)) => match digits.split_first() {
                Some((digit, more)) if *token == '*' || token == digit => {
                    self.match_from(rest, more)
                }
                _ => false,
            },
        }
    }
}

/// The keypad digit of a letter (2 ABC, 3 DEF, 4 GHI, 5 JKL, 6 MNO, 7 PQRS, 8 TUV, 9 WXYZ).
fn keypad_digit(letter: char) -> char {
    match letter.to_ascii_uppercase() {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        _ => '9',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, number: &str) -> bool {
        ContainsPattern::parse(pattern).unwrap().matches(number)
    }

    #[test]
    fn substrings_and_single_character_wildcards_match() {
        assert!(matches("555", "+14155550100"));
        assert!(matches("0*0", "+14155550100"));
        assert!(matches("01*9", "+14155550119"));
        assert!(!matches("01*9", "+14155550100"));
    }

    #[test]
    fn anchors_sequences_and_letters_work() {
        assert!(matches("+1415", "+14155550100"));
        assert!(!matches("+415", "+14155550100"));
        assert!(matches("0100$", "+14155550100"));
        assert!(!matches("555$", "+14155550100"));
        assert!(matches("415%0100", "+14155550100"));
        assert!(matches("JJJ", "+14155550555"));
    }

    #[test]
    fn bad_patterns_are_refused() {
        for bad in ["", "+", "12-3", "12345678901234567"] {
            assert!(ContainsPattern::parse(bad).is_none(), "{bad}");
        }
    }
}
