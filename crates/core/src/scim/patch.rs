//! SCIM PATCH (RFC 7644 §3.5.2), applied to a resource's JSON representation.
//!
//! The server reads the resource as it stands, applies the operations here, and then
//! treats the result as a replacement: one way to change a resource, whatever shape the
//! client sent. The shapes of the big provisioning clients are accepted as well as the
//! RFC's: operation names in any case (`Replace`), a `value` object without a `path`
//! (Okta), `members` removed by listing them in `value` (Entra ID), and an `add` or
//! `replace` through a value filter that matches nothing creating the value
//! (`emails[type eq "work"].value`).

use super::filter::{AttrPath, CompareOp, Filter, FilterError, member};
use serde_json::{Map, Value};

/// The schema URN of a PATCH request.
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// The most operations one request may carry.
pub const MAX_OPERATIONS: usize = 1000;

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    /// `add`
    Add,
    /// `replace`
    Replace,
    /// `remove`
    Remove,
}

/// Where an operation applies: an attribute, or the values of a multi-valued one a filter
/// selects, or a sub-attribute of those.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    /// The attribute (with its sub-attribute when no filter is given).
    pub attribute: AttrPath,
    /// Which values of a multi-valued attribute.
    pub filter: Option<Filter>,
    /// After a filter: the sub-attribute of the selected values.
    pub sub: Option<String>,
}

impl PatchPath {
    /// Parses `attr`, `attr.sub`, `urn:…:attr`, `attr[filter]` or `attr[filter].sub`.
    pub fn parse(text: &str) -> Result<Self, PatchError> {
        let text = text.trim();
        let Some(open) = text.find('[') else {
            return Ok(Self {
                attribute: AttrPath::parse(text).map_err(PatchError::path)?,
                filter: None,
                sub: None,
            });
        };
        let close = text
            .rfind(']')
            .filter(|close| *close > open)
            .ok_or_else(|| PatchError::InvalidPath(format!("{text:?} has no closing ]")))?;
        let attribute = AttrPath::parse(&text[..open]).map_err(PatchError::path)?;
        if attribute.sub.is_some() {
            return Err(PatchError::InvalidPath(format!(
                "{text:?}: the filter follows the attribute, not its sub-attribute"
            )));
        }
        let filter = Filter::parse(&text[open + 1..close]).map_err(PatchError::path)?;
        let sub = match &text[close + 1..] {
            "" => None,
            rest => {
                let sub = rest.strip_prefix('.').ok_or_else(|| {
                    PatchError::InvalidPath(format!("{text:?}: unexpected {rest:?} after ]"))
                })?;
                AttrPath::parse(sub).map_err(PatchError::path)?;
                Some(sub.to_owned())
            }
        };
        Ok(Self {
            attribute,
            filter: Some(filter),
            sub,
        })
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// What it does.
    pub kind: OperationKind,
    /// Where; `None` for an `add` or `replace` of the attributes in `value`.
    pub path: Option<PatchPath>,
    /// The value.
    pub value: Option<Value>,
}

/// Why a PATCH was refused, with the `scimType` RFC 7644 §3.12 gives it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The request is not a PatchOp.
    #[error("{0}")]
    InvalidSyntax(String),
    /// A path does not parse.
    #[error("{0}")]
    InvalidPath(String),
    /// A value does not fit where it goes.
    #[error("{0}")]
    InvalidValue(String),
    /// A `remove` names nothing that exists, or has no path.
    #[error("{0}")]
    NoTarget(String),
}

impl PatchError {
    fn path(error: FilterError) -> Self {
        Self::InvalidPath(error.to_string())
    }

    /// The `scimType` of the error.
    #[must_use]
    pub fn scim_type(&self) -> &'static str {
        match self {
            Self::InvalidSyntax(_) => "invalidSyntax",
            Self::InvalidPath(_) => "invalidPath",
            Self::InvalidValue(_) => "invalidValue",
            Self::NoTarget(_) => "noTarget",
        }
    }
}

/// Reads the operations of a PATCH request body.
pub fn parse_request(body: &Value) -> Result<Vec<Operation>, PatchError> {
    let operations = member(body, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            PatchError::InvalidSyntax("a PATCH request carries an Operations array".to_owned())
        })?;
    if operations.len() > MAX_OPERATIONS {
        return Err(PatchError::InvalidSyntax(format!(
            "at most {MAX_OPERATIONS} operations per request"
        )));
    }
    operations
        .iter()
        .map(|operation| {
            let kind = match member(operation, "op").and_then(Value::as_str) {
                Some(op) if op.eq_ignore_ascii_case("add") => OperationKind::Add,
                Some(op) if op.eq_ignore_ascii_case("replace") => OperationKind::Replace,
                Some(op) if op.eq_ignore_ascii_case("remove") => OperationKind::Remove,
                other => {
                    return Err(PatchError::InvalidSyntax(format!(
                        "op is add, replace or remove, not {}",
                        other.map_or_else(|| "missing".to_owned(), |op| format!("{op:?}"))
                    )));
                }
            };
            let path = match member(operation, "path") {
                None | Some(Value::Null) => None,
                Some(Value::String(path)) if path.trim().is_empty() => None,
                Some(Value::String(path)) => Some(PatchPath::parse(path)?),
                Some(_) => {
                    return Err(PatchError::InvalidPath("path is a string".to_owned()));
                }
            };
            let value = member(operation, "value").cloned();
            match (kind, &path, &value) {
                (OperationKind::Remove, None, _) => Err(PatchError::NoTarget(
                    "a remove operation needs a path".to_owned(),
                )),
                (OperationKind::Add | OperationKind::Replace, _, None) => Err(
                    PatchError::InvalidValue("add and replace need a value".to_owned()),
                ),
                (OperationKind::Add | OperationKind::Replace, None, Some(value))
                    if !value.is_object() =>
                {
                    Err(PatchError::InvalidValue(
                        "without a path, the value is an object of attributes".to_owned(),
                    ))
                }
                _ => Ok(Operation { kind, path, value }),
            }
        })
        .collect()
}

/// Applies `operations` in order to `resource` (an object), all or nothing.
pub fn apply(resource: &mut Value, operations: &[Operation]) -> Result<(), PatchError> {
    let mut patched = resource.clone();
    for operation in operations {
        apply_one(&mut patched, operation)?;
    }
    *resource = patched;
    Ok(())
}

fn apply_one(resource: &mut Value, operation: &Operation) -> Result<(), PatchError> {
    let Some(path) = &operation.path else {
        // Checked when parsed: add and replace without a path carry an object.
        let attributes = operation
            .value
            .as_ref()
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (name, value) in attributes {
            // An extension's attributes come as one object under its URN.
            let named: Vec<(String, Value)> = match value {
                Value::Object(fields) if name.to_ascii_lowercase().starts_with("urn:") => fields
                    .into_iter()
                    .map(|(field, value)| (format!("{name}:{field}"), value))
                    .collect(),
                value => vec![(name, value)],
            };
            for (name, value) in named {
                apply_one(
                    resource,
                    &Operation {
                        kind: operation.kind,
                        path: Some(PatchPath::parse(&name)?),
                        value: Some(value),
                    },
                )?;
            }
        }
        return Ok(());
    };
    let holder = holder_mut(resource, &path.attribute)?;
    match &path.filter {
        None => apply_to_attribute(holder, &path.attribute, operation),
        Some(filter) => apply_to_selected(holder, path, filter, operation),
    }
}

/// The object an attribute lives in: the resource, or its extension's object.
fn holder_mut<'a>(
    resource: &'a mut Value,
    attribute: &AttrPath,
) -> Result<&'a mut Map<String, Value>, PatchError> {
    let root = resource
        .as_object_mut()
        .ok_or_else(|| PatchError::InvalidValue("the resource is not an object".to_owned()))?;
    match &attribute.schema {
        None => Ok(root),
        Some(schema) => entry_mut(root, schema)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or_else(|| PatchError::InvalidValue(format!("{schema} is not an object"))),
    }
}

/// The entry for `name` in `object`, matching an existing key in any case.
fn entry_mut<'a>(object: &'a mut Map<String, Value>, name: &str) -> serde_json::map::Entry<'a> {
    let key = object
        .keys()
        .find(|key| key.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_owned());
    object.entry(key)
}

fn remove_key(object: &mut Map<String, Value>, name: &str) -> Option<Value> {
    let key = object
        .keys()
        .find(|key| key.eq_ignore_ascii_case(name))
        .cloned()?;
    object.remove(&key)
}

fn apply_to_attribute(
    holder: &mut Map<String, Value>,
    attribute: &AttrPath,
    operation: &Operation,
) -> Result<(), PatchError> {
    let (holder, name) = match &attribute.sub {
        None => (holder, attribute.name.as_str()),
        Some(sub) => {
            let parent =
                entry_mut(holder, &attribute.name).or_insert_with(|| Value::Object(Map::new()));
            if parent.is_null() {
                *parent = Value::Object(Map::new());
            }
            let parent = parent.as_object_mut().ok_or_else(|| {
                PatchError::InvalidPath(format!("{} has no sub-attributes", attribute.name))
            })?;
            (parent, sub.as_str())
        }
    };
    let value = operation.value.clone().unwrap_or(Value::Null);
    match operation.kind {
        OperationKind::Remove => {
            match (value, find_mut(holder, name)) {
                // Entra ID removes members by listing them in `value`.
                (Value::Array(listed), Some(Value::Array(items))) if !listed.is_empty() => {
                    items.retain(|item| !listed.iter().any(|gone| same_value(item, gone)));
                }
                _ => {
                    remove_key(holder, name);
                }
            }
            Ok(())
        }
        OperationKind::Replace => {
            entry_mut(holder, name)
                .and_modify(|existing| *existing = value.clone())
                .or_insert(value);
            Ok(())
        }
        OperationKind::Add => {
            let existing = entry_mut(holder, name).or_insert(Value::Null);
            match (existing, value) {
                (Value::Array(items), Value::Array(added)) => {
                    for item in added {
                        if !items.iter().any(|have| same_value(have, &item)) {
                            items.push(item);
                        }
                    }
                }
                (Value::Array(items), single) => {
                    if !items.iter().any(|have| same_value(have, &single)) {
                        items.push(single);
                    }
                }
                (Value::Object(have), Value::Object(added)) => {
                    for (key, value) in added {
                        entry_mut(have, &key)
                            .and_modify(|existing| *existing = value.clone())
                            .or_insert(value);
                    }
                }
                (existing, value) => *existing = value,
            }
            Ok(())
        }
    }
}

fn find_mut<'a>(object: &'a mut Map<String, Value>, name: &str) -> Option<&'a mut Value> {
    let key = object
        .keys()
        .find(|key| key.eq_ignore_ascii_case(name))
        .cloned()?;
    object.get_mut(&key)
}

/// Whether two values of a multi-valued attribute are the same value: complex values are
/// the same when their `value`s are.
fn same_value(have: &Value, other: &Value) -> bool {
    match (member(have, "value"), member(other, "value")) {
        (Some(left), Some(right)) => left == right,
        _ => have == other,
    }
}

fn apply_to_selected(
    holder: &mut Map<String, Value>,
    path: &PatchPath,
    filter: &Filter,
    operation: &Operation,
) -> Result<(), PatchError> {
    let name = &path.attribute.name;
    let slot = entry_mut(holder, name).or_insert_with(|| Value::Array(Vec::new()));
    if slot.is_null() {
        *slot = Value::Array(Vec::new());
    }
    let Value::Array(items) = slot else {
        return Err(PatchError::InvalidPath(format!(
            "{name} is not multi-valued; it takes no filter"
        )));
    };
    let selected: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| filter.matches(item))
        .map(|(index, _)| index)
        .collect();
    let value = operation.value.clone().unwrap_or(Value::Null);
    match operation.kind {
        OperationKind::Remove => {
            if selected.is_empty() {
                return Ok(());
            }
            for index in selected.into_iter().rev() {
                match &path.sub {
                    None => {
                        items.remove(index);
                    }
                    Some(sub) => {
                        if let Some(object) = items[index].as_object_mut() {
                            remove_key(object, sub);
                        }
                    }
                }
            }
            Ok(())
        }
        OperationKind::Add | OperationKind::Replace => {
            if selected.is_empty() {
                // Entra ID sets `emails[type eq "work"].value` on a user without one: the
                // value the filter describes is created.
                let mut created = equalities(filter).ok_or_else(|| {
                    PatchError::NoTarget(format!(
                        "no value of {name} matches the filter, and the filter does not describe one to create"
                    ))
                })?;
                place(&mut created, path.sub.as_deref(), value)?;
                items.push(Value::Object(created));
                return Ok(());
            }
            for index in selected {
                let item = &mut items[index];
                match (&path.sub, item.as_object_mut()) {
                    (Some(sub), Some(object)) => {
                        entry_mut(object, sub)
                            .and_modify(|existing| *existing = value.clone())
                            .or_insert_with(|| value.clone());
                    }
                    (None, Some(object)) if value.is_object() => {
                        if operation.kind == OperationKind::Replace {
                            object.clear();
                        }
                        for (key, field) in value.as_object().into_iter().flatten() {
                            entry_mut(object, key)
                                .and_modify(|existing| *existing = field.clone())
                                .or_insert_with(|| field.clone());
                        }
                    }
                    _ => *item = value.clone(),
                }
            }
            Ok(())
        }
    }
}

/// The attributes a filter of only `eq` comparisons joined by `and` pins down, as an
/// object: `type eq "work"` gives `{"type": "work"}`.
fn equalities(filter: &Filter) -> Option<Map<String, Value>> {
    match filter {
        Filter::Compare {
            path,
            op: CompareOp::Equal,
            value,
        } if path.schema.is_none() && path.sub.is_none() && !value.is_null() => {
            let mut object = Map::new();
            object.insert(path.name.clone(), value.clone());
            Some(object)
        }
        Filter::And(left, right) => {
            let mut object = equalities(left)?;
            object.extend(equalities(right)?);
            Some(object)
        }
        _ => None,
    }
}

fn place(
    object: &mut Map<String, Value>,
    sub: Option<&str>,
    value: Value,
) -> Result<(), PatchError> {
    match (sub, value) {
        (Some(sub), value) => {
            object.insert(sub.to_owned(), value);
            Ok(())
        }
        (None, Value::Object(fields)) => {
            object.extend(fields);
            Ok(())
        }
        (None, _) => Err(PatchError::InvalidValue(
            "a value selected by a filter is an object".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patched(resource: Value, request: Value) -> Value {
        let operations = parse_request(&request).expect("a valid request");
        let mut resource = resource;
        apply(&mut resource, &operations).expect("applies");
        resource
    }

    #[test]
    fn entra_user_changes_apply() {
        let user = json!({"userName": "a@example.com", "active": true, "emails": []});
        let result = patched(
            user,
            json!({"schemas": [PATCH_SCHEMA], "Operations": [
                {"op": "Replace", "path": "active", "value": "False"},
                {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "b@example.com"},
                {"op": "Add", "path": "name.givenName", "value": "Bea"},
                {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Sales"}
            ]}),
        );
        assert_eq!(result["active"], "False");
        assert_eq!(
            result["emails"],
            json!([{"type": "work", "value": "b@example.com"}])
        );
        assert_eq!(result["name"]["givenName"], "Bea");
        assert_eq!(
            result["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"],
            "Sales"
        );
    }

    #[test]
    fn okta_replaces_without_a_path() {
        let result = patched(
            json!({"userName": "a@example.com", "active": true, "name": {"givenName": "A"}}),
            json!({"schemas": [PATCH_SCHEMA], "Operations": [
                {"op": "replace", "value": {"active": false, "name.familyName": "Bianchi"}}
            ]}),
        );
        assert_eq!(result["active"], false);
        assert_eq!(
            result["name"],
            json!({"givenName": "A", "familyName": "Bianchi"})
        );
    }

    #[test]
    fn group_members_are_added_and_removed_both_ways() {
        let group = json!({"displayName": "Rossi", "members": [{"value": "u1"}, {"value": "u2"}]});
        let result = patched(
            group,
            json!({"Operations": [
                {"op": "Add", "path": "members", "value": [{"value": "u3"}, {"value": "u1"}]},
                {"op": "Remove", "path": "members", "value": [{"value": "u2"}]},
                {"op": "remove", "path": "members[value eq \"u1\"]"}
            ]}),
        );
        assert_eq!(result["members"], json!([{"value": "u3"}]));
        let cleared = patched(
            result,
            json!({"Operations": [{"op": "remove", "path": "members"}]}),
        );
        assert!(cleared.get("members").is_none());
    }

    #[test]
    fn a_failing_operation_changes_nothing() {
        let mut resource = json!({"userName": "a@example.com", "nickName": "a"});
        let operations = parse_request(&json!({"Operations": [
            {"op": "replace", "path": "nickName", "value": "b"},
            {"op": "add", "path": "nickName[type eq \"x\"]", "value": "c"}
        ]}))
        .expect("parses");
        assert!(apply(&mut resource, &operations).is_err());
        assert_eq!(resource["nickName"], "a");
    }

    #[test]
    fn malformed_requests_are_refused_with_their_scim_type() {
        let refused = |request: Value| parse_request(&request).expect_err("refused").scim_type();
        assert_eq!(refused(json!({"operations": "x"})), "invalidSyntax");
        assert_eq!(
            refused(json!({"Operations": [{"op": "move"}]})),
            "invalidSyntax"
        );
        assert_eq!(
            refused(json!({"Operations": [{"op": "remove"}]})),
            "noTarget"
        );
        assert_eq!(
            refused(json!({"Operations": [{"op": "add", "path": "emails[type eq", "value": 1}]})),
            "invalidPath"
        );
        assert_eq!(
            refused(json!({"Operations": [{"op": "replace", "value": "x"}]})),
            "invalidValue"
        );
    }
}
