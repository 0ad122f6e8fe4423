use std::fmt;

use serde::{Deserialize, Serialize};

/// An area code as people write it at home: 2 to 5 digits, leading zeros kept (`415` in the US,
/// `020` for London, `06` for Rome). Never a number: GB's `020` and a US `20` are different
/// codes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AreaCode(String);

/// The input is not an area code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an area code (2 to 5 digits, e.g. `415` or `020`)")]
pub struct InvalidAreaCode {
    /// What was given.
    pub input: String,
}

impl AreaCode {
    /// Parses 2 to 5 ASCII digits, kept as written.
    ///
    /// # Errors
    /// [`InvalidAreaCode`] for anything else (signs, blanks, letters, other lengths).
    pub fn parse(input: &str) -> Result<Self, InvalidAreaCode> {
        if (2..=5).contains(&input.len()) && input.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(input.to_string()))
        } else {
            Err(InvalidAreaCode {
                input: input.to_string(),
            })
        }
    }

    /// The digits, as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a North American (NANP) area code: three digits, the first 2 to 9. The
    /// only kind the US and Canada have, and the only kind Twilio's `AreaCode` parameter takes.
    pub fn is_nanp(&self) -> bool {
        self.0.len() == 3 && !self.0.starts_with(['0', '1'])
    }

    /// Whether `country` (ISO 3166-1 alpha-2, upper case) has North American area codes only:
    /// the US and Canada, the countries Twilio's `AreaCode` parameter serves.
    pub fn is_north_american_country(country: &str) -> bool {
        matches!(country, "US" | "CA")
    }

    /// How the numbers of this area code in `country` (ISO 3166-1 alpha-2) begin in E.164: `+`,
    /// the country calling code, then the area code without the national trunk prefix
    /// (libphonenumber's metadata): GB `020` gives `+4420`, IT `06` gives `+3906` (Italy keeps
    /// its zero), US `415` gives `+1415`. `None` for a country libphonenumber does not know.
    pub fn international_prefix(&self, country: &str) -> Option<String> {
        let metadata = phonenumber::metadata::DATABASE.by_id(&country.to_ascii_uppercase())?;
        let national = metadata
            .national_prefix()
            .and_then(|prefix| self.0.strip_prefix(prefix))
            .filter(|rest| !rest.is_empty())
            .unwrap_or(&self.0);
        Some(format!("+{}{national}", metadata.country_code()))
    }
}

impl TryFrom<String> for AreaCode {
    type Error = InvalidAreaCode;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AreaCode> for String {
    fn from(value: AreaCode) -> Self {
        value.0
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_zeros_are_kept_and_only_digits_are_taken() {
        assert_eq!(AreaCode::parse("020").unwrap().as_str(), "020");
        assert_eq!(AreaCode::parse("06").unwrap().to_string(), "06");
        for bad in ["", "4", "415 ", "+44", "12a", "123456", "٤١٥"] {
            assert!(AreaCode::parse(bad).is_err(), "{bad:?}");
        }
        let json = serde_json::to_string(&AreaCode::parse("020").unwrap()).unwrap();
        assert_eq!(json, r#""020""#);
        assert!(serde_json::from_str::<AreaCode>("20").is_err());
    }

    #[test]
    fn only_three_digits_from_two_to_nine_are_north_american() {
        assert!(AreaCode::parse("415").unwrap().is_nanp());
        assert!(!AreaCode::parse("020").unwrap().is_nanp());
        assert!(!AreaCode::parse("155").unwrap().is_nanp());
        assert!(!AreaCode::parse("4155").unwrap().is_nanp());
    }

    #[test]
    fn the_international_prefix_drops_the_trunk_zero_where_the_country_does() {
        let prefix = |code: &str, country: &str| {
            AreaCode::parse(code).unwrap().international_prefix(country)
        };
        assert_eq!(prefix("020", "GB").as_deref(), Some("+4420"));
        assert_eq!(prefix("020", "gb").as_deref(), Some("+4420"));
        assert_eq!(prefix("06", "IT").as_deref(), Some("+3906"));
        assert_eq!(prefix("415", "US").as_deref(), Some("+1415"));
        assert_eq!(prefix("030", "DE").as_deref(), Some("+4930"));
        assert_eq!(prefix("020", "ZZ"), None);
    }
}
