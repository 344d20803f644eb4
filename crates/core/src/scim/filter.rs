//! SCIM filters (RFC 7644 §3.4.2.2): parsed from the text a provisioning client sends and
//! evaluated against a resource's JSON representation.
//!
//! Attribute names compare without regard to case, as the RFC says; string values too,
//! except for the attributes whose values are identifiers (`id`, `externalId`, and the
//! `value` of `members` and `groups`).

use serde_json::Value;
use std::cmp::Ordering;

/// Longest filter accepted, in bytes: a client never needs more, and a bound keeps parsing
/// cheap for hostile input.
pub const MAX_FILTER_BYTES: usize = 4096;
/// Deepest nesting of parentheses, `not` and `[...]` accepted.
pub const MAX_DEPTH: usize = 32;

/// The URN of the core User schema; its attributes may be named with or without it.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The URN of the core Group schema.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// An attribute named in a filter or a PATCH path: `userName`, `name.givenName`,
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN, for an extension attribute (core schema URNs are dropped).
    pub schema: Option<String>,
    /// The attribute.
    pub name: String,
    /// The sub-attribute, if any.
    pub sub: Option<String>,
}

impl AttrPath {
    /// Parses `[URN ":"] name ["." sub]`.
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        let invalid = || FilterError::new(format!("{text:?} is not an attribute path"));
        let (schema, rest) = match text.rfind(':') {
            Some(colon) => (Some(&text[..colon]), &text[colon + 1..]),
            None => (None, text),
        };
        let (name, sub) = match rest.split_once('.') {
            Some((name, sub)) => (name, Some(sub)),
            None => (rest, None),
        };
        let is_name = |candidate: &str| {
            candidate
                .chars()
                .next()
                .is_some_and(|first| first.is_ascii_alphabetic() || first == '$')
                && candidate
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$'))
        };
        if !is_name(name) || sub.is_some_and(|sub| !is_name(sub)) {
            return Err(invalid());
        }
        let schema = match schema {
            Some(urn) if !urn.to_ascii_lowercase().starts_with("urn:") => return Err(invalid()),
            Some(urn)
                if urn.eq_ignore_ascii_case(USER_SCHEMA)
                    || urn.eq_ignore_ascii_case(GROUP_SCHEMA) =>
            {
                None
            }
            other => other.map(str::to_owned),
        };
        Ok(Self {
            schema,
            name: name.to_owned(),
            sub: sub.map(str::to_owned),
        })
    }

    /// Whether this names `name` (and `sub`), in the core schema.
    #[must_use]
    pub fn is(&self, name: &str, sub: Option<&str>) -> bool {
        self.schema.is_none()
            && self.name.eq_ignore_ascii_case(name)
            && match (&self.sub, sub) {
                (None, None) => true,
                (Some(have), Some(want)) => have.eq_ignore_ascii_case(want),
                _ => false,
            }
    }

    fn is_case_exact(&self, parent: Option<&str>) -> bool {
        let leaf = self.sub.as_deref().unwrap_or(&self.name);
        let owner = if self.sub.is_some() {
            Some(self.name.as_str())
        } else {
            parent
        };
        leaf.eq_ignore_ascii_case("id")
            || leaf.eq_ignore_ascii_case("externalId")
            || (leaf.eq_ignore_ascii_case("value")
                && owner.is_some_and(|owner| {
                    owner.eq_ignore_ascii_case("members") || owner.eq_ignore_ascii_case("groups")
                }))
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `eq`
    Equal,
    /// `ne`
    NotEqual,
    /// `co`
    Contains,
    /// `sw`
    StartsWith,
    /// `ew`
    EndsWith,
    /// `gt`
    Greater,
    /// `ge`
    GreaterOrEqual,
    /// `lt`
    Less,
    /// `le`
    LessOrEqual,
}

impl CompareOp {
    fn parse(word: &str) -> Option<Self> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => Self::Equal,
            "ne" => Self::NotEqual,
            "co" => Self::Contains,
            "sw" => Self::StartsWith,
            "ew" => Self::EndsWith,
            "gt" => Self::Greater,
            "ge" => Self::GreaterOrEqual,
            "lt" => Self::Less,
            "le" => Self::LessOrEqual,
            _ => return None,
        })
    }
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attr op value`
    Compare {
        /// The attribute.
        path: AttrPath,
        /// The operator.
        op: CompareOp,
        /// A string, number, boolean or null.
        value: Value,
    },
    /// `attr pr`
    Present(AttrPath),
    /// `a and b`
    And(Box<Filter>, Box<Filter>),
    /// `a or b`
    Or(Box<Filter>, Box<Filter>),
    /// `not (a)`
    Not(Box<Filter>),
    /// `emails[type eq "work"]`: some value of a multi-valued attribute matches.
    ValuePath {
        /// The multi-valued attribute.
        attribute: AttrPath,
        /// What one of its values must match, its sub-attributes named bare.
        filter: Box<Filter>,
    },
}

/// Why a filter was refused (`invalidFilter`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(String);

impl FilterError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Literal(Value),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
}

fn tokenize(text: &str) -> Result<Vec<Token>, FilterError> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'(' => {
                tokens.push(Token::Open);
                at += 1;
            }
            b')' => {
                tokens.push(Token::Close);
                at += 1;
            }
            b'[' => {
                tokens.push(Token::OpenBracket);
                at += 1;
            }
            b']' => {
                tokens.push(Token::CloseBracket);
                at += 1;
            }
            b'"' => {
                let start = at;
                at += 1;
                loop {
                    match bytes.get(at) {
                        None => return Err(FilterError::new("a string is not closed")),
                        Some(b'\\') => at += 2,
                        Some(b'"') => break,
                        Some(_) => at += 1,
                    }
                }
                at += 1;
                let literal: String = serde_json::from_str(&text[start..at])
                    .map_err(|_| FilterError::new("a string has an invalid escape"))?;
                tokens.push(Token::Literal(Value::String(literal)));
            }
            _ => {
                let start = at;
                while at < bytes.len() && !b" \t\r\n()[]\"".contains(&bytes[at]) {
                    at += 1;
                }
                let word = &text[start..at];
                let literal = match word.to_ascii_lowercase().as_str() {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    "null" => Some(Value::Null),
                    _ if word.starts_with(|c: char| c.is_ascii_digit() || c == '-') => Some(
                        serde_json::from_str::<serde_json::Number>(word)
                            .map(Value::Number)
                            .map_err(|_| FilterError::new(format!("{word:?} is not a number")))?,
                    ),
                    _ => None,
                };
                tokens.push(literal.map_or_else(|| Token::Word(word.to_owned()), Token::Literal));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(word)) if word.eq_ignore_ascii_case(keyword))
    }

    fn descend(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError::new("the filter nests too deeply"));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.and()?;
        while self.peek_keyword("or") {
            self.at += 1;
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.unary()?;
        while self.peek_keyword("and") {
            self.at += 1;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, FilterError> {
        if self.peek_keyword("not") {
            self.at += 1;
            if self.peek() != Some(&Token::Open) {
                return Err(FilterError::new("`not` must be followed by a parenthesis"));
            }
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        match self.next() {
            Some(Token::Open) => {
                self.descend()?;
                let inner = self.or()?;
                self.depth -= 1;
                if self.next() != Some(Token::Close) {
                    return Err(FilterError::new("a parenthesis is not closed"));
                }
                Ok(inner)
            }
            Some(Token::Word(word)) => self.expression(&word),
            Some(other) => Err(FilterError::new(format!(
                "expected an attribute, found {}",
                describe(&other)
            ))),
            None => Err(FilterError::new("the filter ends too early")),
        }
    }

    fn expression(&mut self, attribute: &str) -> Result<Filter, FilterError> {
        let path = AttrPath::parse(attribute)?;
        if self.peek() == Some(&Token::OpenBracket) {
            self.at += 1;
            if path.sub.is_some() {
                return Err(FilterError::new(
                    "a value filter follows the attribute, not its sub-attribute",
                ));
            }
            self.descend()?;
            let inner = self.or()?;
            self.depth -= 1;
            if self.next() != Some(Token::CloseBracket) {
                return Err(FilterError::new("a value filter is not closed with ]"));
            }
            return Ok(Filter::ValuePath {
                attribute: path,
                filter: Box::new(inner),
            });
        }
        let operator = match self.next() {
            Some(Token::Word(word)) => word,
            _ => {
                return Err(FilterError::new(format!(
                    "{attribute} must be followed by an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)"
                )));
            }
        };
        if operator.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let op = CompareOp::parse(&operator)
            .ok_or_else(|| FilterError::new(format!("{operator:?} is not an operator")))?;
        let value = match self.next() {
            Some(Token::Literal(value)) => value,
            _ => {
                return Err(FilterError::new(format!(
                    "{attribute} {operator} must be followed by a string, number, true, false or null"
                )));
            }
        };
        if matches!(value, Value::Null | Value::Bool(_))
            && !matches!(op, CompareOp::Equal | CompareOp::NotEqual)
        {
            return Err(FilterError::new(format!(
                "{operator} compares strings, numbers and dates, not {value}"
            )));
        }
        Ok(Filter::Compare { path, op, value })
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Word(word) => format!("{word:?}"),
        Token::Literal(value) => value.to_string(),
        Token::Open => "(".to_owned(),
        Token::Close => ")".to_owned(),
        Token::OpenBracket => "[".to_owned(),
        Token::CloseBracket => "]".to_owned(),
    }
}

impl Filter {
    /// Parses a filter.
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        if text.len() > MAX_FILTER_BYTES {
            return Err(FilterError::new(format!(
                "a filter has at most {MAX_FILTER_BYTES} bytes"
            )));
        }
        let mut parser = Parser {
            tokens: tokenize(text)?,
            at: 0,
            depth: 0,
        };
        let filter = parser.or()?;
        match parser.next() {
            None => Ok(filter),
            Some(extra) => Err(FilterError::new(format!(
                "unexpected {} after a complete filter",
                describe(&extra)
            ))),
        }
    }

    /// Whether `resource` (a SCIM resource as JSON) matches.
    #[must_use]
    pub fn matches(&self, resource: &Value) -> bool {
        self.matches_within(resource, None)
    }

    fn matches_within(&self, resource: &Value, parent: Option<&str>) -> bool {
        match self {
            Self::Compare { path, op, value } => {
                let exact = path.is_case_exact(parent);
                let found = values_at(resource, path);
                match (op, value) {
                    (CompareOp::Equal, Value::Null) => found.is_empty(),
                    (CompareOp::NotEqual, Value::Null) => !found.is_empty(),
                    (CompareOp::NotEqual, _) => !found
                        .iter()
                        .any(|have| compare(have, CompareOp::Equal, value, exact)),
                    _ => found.iter().any(|have| compare(have, *op, value, exact)),
                }
            }
            Self::Present(path) => {
                let found = if path.sub.is_some() {
                    values_at(resource, path)
                } else {
                    attribute_of(resource, path).into_iter().collect()
                };
                found.iter().any(|value| match value {
                    Value::Null => false,
                    Value::String(text) => !text.is_empty(),
                    Value::Array(items) => !items.is_empty(),
                    _ => true,
                })
            }
            Self::And(left, right) => {
                left.matches_within(resource, parent) && right.matches_within(resource, parent)
            }
            Self::Or(left, right) => {
                left.matches_within(resource, parent) || right.matches_within(resource, parent)
            }
            Self::Not(inner) => !inner.matches_within(resource, parent),
            Self::ValuePath { attribute, filter } => {
                let owner = attribute.name.as_str();
                match attribute_of(resource, attribute) {
                    Some(Value::Array(items)) => items
                        .iter()
                        .any(|item| filter.matches_within(item, Some(owner))),
                    Some(single @ Value::Object(_)) => filter.matches_within(single, Some(owner)),
                    _ => false,
                }
            }
        }
    }

    /// The value this filter requires `name` to equal, when the whole filter cannot match
    /// otherwise (`userName eq "x"`, alone or in an `and`): a store can look it up by index
    /// and evaluate the rest on what it finds.
    #[must_use]
    pub fn required_equal(&self, name: &str) -> Option<&str> {
        match self {
            Self::Compare {
                path,
                op: CompareOp::Equal,
                value: Value::String(text),
            } if path.is(name, None) => Some(text),
            Self::And(left, right) => left
                .required_equal(name)
                .or_else(|| right.required_equal(name)),
            _ => None,
        }
    }

    /// Whether the filter names the attribute `name` anywhere.
    #[must_use]
    pub fn mentions(&self, name: &str) -> bool {
        match self {
            Self::Compare { path, .. } | Self::Present(path) => {
                path.schema.is_none() && path.name.eq_ignore_ascii_case(name)
            }
            Self::And(left, right) | Self::Or(left, right) => {
                left.mentions(name) || right.mentions(name)
            }
            Self::Not(inner) => inner.mentions(name),
            Self::ValuePath { attribute, .. } => {
                attribute.schema.is_none() && attribute.name.eq_ignore_ascii_case(name)
            }
        }
    }
}

/// The member of `object` called `name`, whatever its case.
#[must_use]
pub fn member<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object.as_object().and_then(|map| {
        map.get(name).or_else(|| {
            map.iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value)
        })
    })
}

/// The attribute `path` names (ignoring its sub-attribute).
fn attribute_of<'a>(resource: &'a Value, path: &AttrPath) -> Option<&'a Value> {
    let holder = match &path.schema {
        None => resource,
        Some(schema) => member(resource, schema)?,
    };
    member(holder, &path.name)
}

/// Every value at `path`: a multi-valued attribute gives each of its values, and a complex
/// value without a sub-attribute named is compared through its `value`.
fn values_at<'a>(resource: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let Some(found) = attribute_of(resource, path) else {
        return Vec::new();
    };
    let items: Vec<&Value> = match found {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    items
        .into_iter()
        .filter_map(|item| match (&path.sub, item) {
            (Some(sub), Value::Object(_)) => member(item, sub),
            (Some(_), _) => None,
            (None, Value::Object(_)) => member(item, "value"),
            (None, plain) => Some(plain),
        })
        .collect()
}

fn compare(have: &Value, op: CompareOp, want: &Value, exact: bool) -> bool {
    match (have, want) {
        (Value::String(have), Value::String(want)) => {
            let (have, want) = if exact {
                (have.clone(), want.clone())
            } else {
                (have.to_lowercase(), want.to_lowercase())
            };
            match op {
                CompareOp::Equal => have == want,
                CompareOp::NotEqual => have != want,
                CompareOp::Contains => have.contains(&want),
                CompareOp::StartsWith => have.starts_with(&want),
                CompareOp::EndsWith => have.ends_with(&want),
                _ => ordered(have.cmp(&want), op),
            }
        }
        (Value::Number(have), Value::Number(want)) => match (have.as_f64(), want.as_f64()) {
            (Some(have), Some(want)) => have
                .partial_cmp(&want)
                .is_some_and(|ordering| ordered(ordering, op)),
            _ => false,
        },
        (Value::Bool(have), Value::Bool(want)) => match op {
            CompareOp::Equal => have == want,
            CompareOp::NotEqual => have != want,
            _ => false,
        },
        _ => false,
    }
}

fn ordered(ordering: Ordering, op: CompareOp) -> bool {
    match op {
        CompareOp::Equal => ordering == Ordering::Equal,
        CompareOp::NotEqual => ordering != Ordering::Equal,
        CompareOp::Greater => ordering == Ordering::Greater,
        CompareOp::GreaterOrEqual => ordering != Ordering::Less,
        CompareOp::Less => ordering == Ordering::Less,
        CompareOp::LessOrEqual => ordering != Ordering::Greater,
        CompareOp::Contains | CompareOp::StartsWith | CompareOp::EndsWith => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn giulia() -> Value {
        json!({
            "id": "u1",
            "userName": "Giulia@Example.com",
            "active": true,
            "name": {"formatted": "Giulia Rossi", "givenName": "Giulia"},
            "emails": [
                {"value": "giulia@example.com", "type": "work", "primary": true},
                {"value": "g@home.example", "type": "home"}
            ],
            "meta": {"created": "2026-11-01T10:00:00Z"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"}
        })
    }

    fn matches(filter: &str) -> bool {
        Filter::parse(filter)
            .unwrap_or_else(|error| panic!("{filter}: {error}"))
            .matches(&giulia())
    }

    #[test]
    fn the_filters_entra_and_okta_send_match_as_they_mean() {
        assert!(matches(r#"userName eq "giulia@example.com""#));
        assert!(!matches(r#"userName eq "lucia@example.com""#));
        assert!(matches(
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "GIULIA@example.com""#
        ));
        assert!(matches(
            r#"emails[type eq "work" and value co "example.com"]"#
        ));
        assert!(!matches(
            r#"emails[type eq "home" and value co "example.com"]"#
        ));
        assert!(matches(r#"emails.value ew "home.example""#));
        assert!(matches(r#"name.givenName sw "gi" and active eq true"#));
        assert!(matches(r#"not (active eq false) or id eq "nobody""#));
        assert!(matches(
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "sales""#
        ));
        assert!(matches(r#"meta.created gt "2026-01-01T00:00:00Z""#));
        assert!(matches("title eq null and name pr"));
        assert!(!matches(r#"id eq "U1""#), "ids compare exactly");
    }

    #[test]
    fn and_binds_tighter_than_or() {
        // false and false or true: true when `and` binds first.
        assert!(matches(
            r#"id eq "x" and id eq "y" or userName eq "giulia@example.com""#
        ));
        assert!(!matches(
            r#"id eq "x" and (id eq "y" or userName eq "giulia@example.com")"#
        ));
    }

    #[test]
    fn a_required_equality_is_found_for_an_index_lookup() {
        let filter =
            Filter::parse(r#"userName eq "a@b.example" and active eq true"#).expect("parses");
        assert_eq!(filter.required_equal("userName"), Some("a@b.example"));
        let either = Filter::parse(r#"userName eq "a@b.example" or id eq "x""#).expect("parses");
        assert_eq!(either.required_equal("userName"), None);
    }

    #[test]
    fn malformed_filters_are_refused_with_a_reason() {
        for bad in [
            "",
            "userName",
            r#"userName eq"#,
            r#"userName xx "a""#,
            r#"userName eq "a"#,
            r#"(userName eq "a""#,
            r#"userName eq "a" extra"#,
            r#"emails[type eq "work""#,
            r#"userName gt true"#,
            r#"not userName eq "a""#,
            r#"9lives eq "a""#,
            r#"http://x:y eq "a""#,
        ] {
            assert!(Filter::parse(bad).is_err(), "{bad:?} was accepted");
        }
        let deep = format!("{}id eq \"a\"{}", "(".repeat(100), ")".repeat(100));
        assert!(Filter::parse(&deep).is_err());
        assert!(Filter::parse(&"a".repeat(MAX_FILTER_BYTES + 1)).is_err());
    }
}
