//! Profile fields (the ConnectProf set) and phone numbers, with their validation.

use serde::{Deserialize, Serialize};

/// Longest value of a free-text profile field.
pub const MAX_FIELD_LENGTH: usize = 200;

/// What a user tells about themselves besides e-mail and name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Trade name.
    pub trade_name: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
}

/// A field value we refuse, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct InvalidField {
    /// The field's form name, e.g. `date_of_birth`.
    pub field: &'static str,
    /// What is wrong, as a message catalogue key.
    pub problem: &'static str,
}

/// Trims a free-text field; empty becomes `None`; too long or control characters are refused.
pub fn clean_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, InvalidField> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(InvalidField {
            field,
            problem: "field-error-too-long",
        });
    }
    if value.chars().any(char::is_control) {
        return Err(InvalidField {
            field,
            problem: "field-error-invalid",
        });
    }
    Ok(Some(value.to_owned()))
}

/// Checks a date of birth: `YYYY-MM-DD`, a real date, from 1900 to `today`.
pub fn clean_date_of_birth(
    value: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<Option<String>, InvalidField> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    let invalid = InvalidField {
        field: "date_of_birth",
        problem: "field-error-date",
    };
    let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| invalid.clone())?;
    let earliest = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).ok_or(invalid.clone())?;
    if date < earliest || date > today {
        return Err(invalid);
    }
    Ok(Some(date.format("%Y-%m-%d").to_string()))
}

impl Profile {
    /// Validates and normalises every field.
    pub fn cleaned(&self, today: chrono::NaiveDate) -> Result<Self, InvalidField> {
        Ok(Self {
            trade_name: clean_text("trade_name", self.trade_name.as_deref(), MAX_FIELD_LENGTH)?,
            country: clean_text("country", self.country.as_deref(), 100)?,
            city: clean_text("city", self.city.as_deref(), 100)?,
            date_of_birth: clean_date_of_birth(self.date_of_birth.as_deref(), today)?,
            company: clean_text("company", self.company.as_deref(), MAX_FIELD_LENGTH)?,
            job_title: clean_text("job_title", self.job_title.as_deref(), MAX_FIELD_LENGTH)?,
        })
    }
}

/// A phone number that is not an international number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("enter the phone number in international form, e.g. +358 40 123 4567")]
pub struct InvalidPhone;

/// Normalises a phone number to E.164: `+` and 8 to 15 digits. Spaces, dashes, dots and
/// brackets are dropped; a leading `00` becomes `+`.
pub fn normalize_phone(input: &str) -> Result<String, InvalidPhone> {
    let compact: String = input
        .trim()
        .chars()
        .filter(|character| !matches!(character, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix("00"))
        .ok_or(InvalidPhone)?;
    if !(8..=15).contains(&digits.len())
        || !digits.chars().all(|character| character.is_ascii_digit())
        || digits.starts_with('0')
    {
        return Err(InvalidPhone);
    }
    Ok(format!("+{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            normalize_phone("+358 40 123 4567"),
            Ok("+358401234567".into())
        );
        assert_eq!(
            normalize_phone("0084 (90) 123-4567"),
            Ok("+84901234567".into())
        );
        for bad in [
            "",
            "040 123 4567",
            "+12",
            "+358abc1234567",
            "+0123456789",
            &format!("+{}", "1".repeat(16)),
        ] {
            assert_eq!(normalize_phone(bad), Err(InvalidPhone), "{bad:?}");
        }
    }

    #[test]
    fn profile_fields() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
        let profile = Profile {
            trade_name: Some("  Rossi Srl ".into()),
            date_of_birth: Some("1985-02-28".into()),
            city: Some(String::new()),
            ..Profile::default()
        };
        let cleaned = profile.cleaned(today).expect("valid");
        assert_eq!(cleaned.trade_name.as_deref(), Some("Rossi Srl"));
        assert_eq!(cleaned.city, None);
        let future = Profile {
            date_of_birth: Some("2030-01-01".into()),
            ..Profile::default()
        };
        assert_eq!(
            future.cleaned(today).map_err(|error| error.field),
            Err("date_of_birth")
        );
        let invalid = Profile {
            date_of_birth: Some("1985-02-30".into()),
            ..Profile::default()
        };
        assert!(invalid.cleaned(today).is_err());
        let long = Profile {
            company: Some("x".repeat(201)),
            ..Profile::default()
        };
        assert_eq!(
            long.cleaned(today).map_err(|error| error.problem),
            Err("field-error-too-long")
        );
    }
}
