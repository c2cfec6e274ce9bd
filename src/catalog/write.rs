//! Writing: how a column's SQL value becomes the Jira JSON of a create or an edit. Each
//! writable column declares its [`Write`] beside its reader; custom fields derive theirs from
//! their kind.

use serde_json::{json, Map, Value as Json};

use super::custom::Kind;
use super::{Column, Source};
use crate::error::{Error, Result};
use crate::jira::endpoints::{Deployment, Endpoint};
use crate::jql::{Scalar, Value};

/// How a column can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Read-only: Jira computes it, or it cannot be set from SQL.
    No,
    /// Sets Jira field `field`, encoded as `how`.
    Field(&'static str, Encode),
    /// The status, reached by the transition that leads to it (by name or by id).
    Status { by_id: bool },
    /// The parent whose child a row is (a comment's issue): the path of its create, never
    /// changed afterwards.
    Parent,
}

/// Where an entity's rows are created, read back, edited and deleted.
#[derive(Debug, Clone, Copy)]
pub struct Writes {
    /// `POST` creates a row (`{}` the parent's key, for children).
    pub create: Endpoint,
    /// `POST` creates many rows at once, when Jira has such a resource.
    pub bulk: Option<Endpoint>,
    /// One row (`{}` the parent's key, `{id}` the row's id): `GET` reads it back, `PUT` edits
    /// and `DELETE` deletes it.
    pub one: Endpoint,
    /// Whether a body holds the columns under `fields` (issues) or at its top level.
    pub wrapped: bool,
    /// The column that identifies a row among its parent's (`id`; a watcher's `account_id`).
    pub identity: &'static str,
    /// Whether Jira edits a row in place; links and watchers are only added and removed.
    pub edits: bool,
    /// Whether a partial edit is a `POST` (sprints: their `PUT` replaces the whole sprint)
    /// rather than a `PUT`.
    pub edits_by_post: bool,
    /// Whether a create's answer names the row (links and watchers answer without it, so
    /// RETURNING cannot read them back).
    pub answers_id: bool,
    /// Members that take the parent as `{"key": parent}` when the row does not set them, the
    /// first missing one (a link's other side).
    pub parent_fills: &'static [&'static str],
    /// The field whose value alone is the body (a watcher's account id, a JSON string).
    pub bare: Option<&'static str>,
    /// Whether rows are created with INSERT (attachments are uploaded with
    /// `jira_fdw.add_attachment`).
    pub inserts: bool,
}

impl Writes {
    /// A resource whose rows are created, edited and deleted by id, answering with the row.
    pub const fn by_id(create: Endpoint, one: Endpoint) -> Writes {
        Writes {
            create,
            bulk: None,
            one,
            wrapped: false,
            identity: "id",
            edits: true,
            edits_by_post: false,
            answers_id: true,
            parent_fills: &[],
            bare: None,
            inserts: true,
        }
    }

    /// The body that sets `fields` of a row of `parent`.
    pub fn body(&self, mut fields: Map<String, Json>, parent: Option<&str>) -> Json {
        if let (Some(member), Some(parent)) = (
            self.parent_fills.iter().find(|m| !fields.contains_key(**m)),
            parent,
        ) {
            fields.insert(member.to_string(), json!({ "key": parent }));
        }
        if let Some(field) = self.bare {
            return fields.remove(field).unwrap_or(Json::Null);
        }
        if self.wrapped {
            json!({ "fields": fields })
        } else {
            Json::Object(fields)
        }
    }
}

/// How a SQL value is encoded for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encode {
    /// A string.
    Text,
    /// Plain text as rich text: an ADF document on Cloud, the string on Server/Data Center.
    Rich,
    /// An array of strings (labels).
    Strings,
    /// `{"name": value}`.
    Name,
    /// `[{"name": value}, ...]`.
    Names,
    /// `{"id": "value"}`.
    Id,
    /// `{"key": value}`.
    Key,
    /// A user: `{"accountId": value}` on Cloud, `{"name": value}` on Server/Data Center.
    Account,
    /// `"yyyy-MM-dd"`.
    Date,
    /// Jira's date-time, `2024-01-31T10:00:00.000+0000`.
    DateTime,
    /// A JSON number.
    Number,
    /// An option by its value, `{"value": value}`.
    OptionValue,
    /// Options by their values, `[{"value": v}, ...]`.
    OptionValues,
    /// Seconds as `{"originalEstimate": "<minutes>m"}` (Jira counts estimates in minutes).
    EstimateMinutes,
    /// `true` or `false` (the SQL boolean arrives as its text).
    Bool,
    /// A user as a member of its own: the field's value is the account id on Cloud; on
    /// Server/Data Center the field is `leadUserName` and the value the user's name.
    LeadUser,
}

impl Column {
    /// How the column is written; custom fields by their kind.
    pub fn writer(&self) -> Write {
        match self.source {
            Source::Custom(id, kind) => match kind {
                Kind::Number => Write::Field(id, Encode::Number),
                Kind::Date => Write::Field(id, Encode::Date),
                Kind::DateTime => Write::Field(id, Encode::DateTime),
                Kind::Text => Write::Field(id, Encode::Rich),
                Kind::Option => Write::Field(id, Encode::OptionValue),
                Kind::OptionArray => Write::Field(id, Encode::OptionValues),
                Kind::StringArray => Write::Field(id, Encode::Strings),
                Kind::User => Write::Field(id, Encode::Account),
                Kind::Other => Write::No,
            },
            _ => self.write,
        }
    }
}

/// The scalar as text, for the kinds a text column holds.
fn text(column: &str, scalar: &Scalar) -> Result<String> {
    match scalar {
        Scalar::Text(s) => Ok(s.clone()),
        Scalar::Int(i) => Ok(i.to_string()),
        Scalar::Decimal(d) => Ok(d.clone()),
        _ => Err(unsupported(column, "a text value")),
    }
}

fn unsupported(column: &str, wanted: &str) -> Error {
    Error::InvalidParameter {
        message: format!("cannot write column \"{column}\": Jira expects {wanted}"),
        hint: "Write the value with the column's own type.".into(),
    }
}

/// Plain text as an ADF document: one paragraph per line, blank lines dropped.
pub fn adf(text: &str) -> Json {
    let paragraphs: Vec<Json> = text
        .split('\n')
        .filter(|line| !line.trim().is_empty())
        .map(|line| json!({"type": "paragraph", "content": [{"type": "text", "text": line}]}))
        .collect();
    json!({"type": "doc", "version": 1, "content": paragraphs})
}

/// Days since 1970-01-01 as `yyyy-MM-dd`.
fn day(days: i32) -> String {
    chrono::DateTime::from_timestamp(i64::from(days) * 86_400, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The JSON of `value` for a column written as `how`; `Json::Null` clears the field.
pub fn encode(column: &str, how: Encode, value: &Value, deployment: Deployment) -> Result<Json> {
    let one = match value {
        Value::Null => {
            return Ok(match how {
                Encode::Strings | Encode::Names | Encode::OptionValues => json!([]),
                _ => Json::Null,
            })
        }
        Value::One(s) => Some(s),
        Value::Many(_) => None,
    };
    let many = || -> Result<Vec<String>> {
        match value {
            Value::Many(items) => items
                .iter()
                .map(|i| match i {
                    Some(s) => text(column, s),
                    None => Err(unsupported(column, "an array without NULL elements")),
                })
                .collect(),
            _ => Err(unsupported(column, "an array")),
        }
    };
    Ok(match how {
        Encode::Text => json!(text(
            column,
            one.ok_or_else(|| unsupported(column, "a text value"))?
        )?),
        Encode::Rich => {
            let t = text(
                column,
                one.ok_or_else(|| unsupported(column, "a text value"))?,
            )?;
            match deployment {
                Deployment::Cloud => adf(&t),
                Deployment::Server => json!(t),
            }
        }
        Encode::Strings => json!(many()?),
        Encode::Names => Json::Array(many()?.into_iter().map(|n| json!({"name": n})).collect()),
        Encode::OptionValues => {
            Json::Array(many()?.into_iter().map(|v| json!({"value": v})).collect())
        }
        Encode::Name | Encode::Id | Encode::Key | Encode::Account | Encode::OptionValue => {
            let t = text(
                column,
                one.ok_or_else(|| unsupported(column, "a single value"))?,
            )?;
            let member = match (how, deployment) {
                (Encode::Name, _) => "name",
                (Encode::Id, _) => "id",
                (Encode::Key, _) => "key",
                (Encode::Account, Deployment::Cloud) => "accountId",
                (Encode::Account, Deployment::Server) => "name",
                _ => "value",
            };
            json!({ member: t })
        }
        Encode::Date => match one {
            Some(Scalar::Days(d)) => json!(day(*d)),
            _ => return Err(unsupported(column, "a date")),
        },
        Encode::DateTime => match one {
            Some(Scalar::Micros(us)) => {
                let t = chrono::DateTime::from_timestamp_micros(*us)
                    .ok_or_else(|| unsupported(column, "a timestamp Jira can hold"))?;
                json!(t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string())
            }
            _ => return Err(unsupported(column, "a timestamp")),
        },
        Encode::Number => match one {
            Some(Scalar::Int(i)) => json!(i),
            Some(Scalar::Decimal(d)) => {
                let n: f64 = d
                    .parse()
                    .ok()
                    .filter(|n: &f64| n.is_finite())
                    .ok_or_else(|| unsupported(column, "a finite number"))?;
                json!(n)
            }
            _ => return Err(unsupported(column, "a number")),
        },
        Encode::Bool => match one {
            Some(Scalar::Text(t)) if t == "true" || t == "false" => json!(t == "true"),
            _ => return Err(unsupported(column, "a boolean")),
        },
        Encode::LeadUser => json!(text(
            column,
            one.ok_or_else(|| unsupported(column, "a single value"))?
        )?),
        Encode::EstimateMinutes => match one {
            Some(Scalar::Int(s)) if *s >= 0 && s % 60 == 0 => {
                json!({"originalEstimate": format!("{}m", s / 60)})
            }
            Some(Scalar::Int(_)) => {
                return Err(unsupported(
                    column,
                    "a whole number of minutes, in seconds (a multiple of 60, not negative)",
                ))
            }
            _ => return Err(unsupported(column, "seconds")),
        },
    })
}

/// What a row asks of Jira: the `fields` of a create or an edit, and the status to move to.
#[derive(Debug, Default, PartialEq)]
pub struct Change {
    /// Jira fields and their JSON.
    pub fields: Map<String, Json>,
    /// The status wanted (`by_id`: `value` is a status id).
    pub status: Option<(String, bool)>,
    /// The parent the row belongs to.
    pub parent: Option<String>,
}

/// The change that sets each `(column, value)`; two columns of one field (`project_key` and
/// `project_id`) must agree on being set.
pub fn change(values: &[(&Column, Value)], deployment: Deployment) -> Result<Change> {
    let mut out = Change::default();
    for (column, value) in values {
        match column.writer() {
            Write::No => {
                return Err(Error::InvalidParameter {
                    message: format!("column \"{}\" cannot be written", column.name),
                    hint: "Jira computes it.".into(),
                })
            }
            Write::Parent => match value {
                Value::One(s) => out.parent = Some(text(column.name, s)?),
                _ => {
                    return Err(Error::InvalidParameter {
                        message: format!("column \"{}\" cannot be NULL", column.name),
                        hint: "A row belongs to a parent.".into(),
                    })
                }
            },
            Write::Status { by_id } => match value {
                Value::One(s) => out.status = Some((text(column.name, s)?, by_id)),
                _ => {
                    return Err(Error::InvalidParameter {
                        message: format!("column \"{}\" cannot be set to NULL", column.name),
                        hint: "An issue always has a status.".into(),
                    })
                }
            },
            Write::Field(field, how) => {
                let json = encode(column.name, how, value, deployment)?;
                let field = match (how, deployment) {
                    (Encode::LeadUser, Deployment::Server) => "leadUserName",
                    _ => field,
                };
                // `project_key` and `project_id` of one INSERT: the one not given is NULL.
                if json.is_null() && out.fields.contains_key(field) {
                    continue;
                }
                out.fields.insert(field.to_string(), json);
            }
        }
    }
    Ok(out)
}

/// The id of the transition that leads to `wanted` (a status name, case-insensitively, or a
/// status id) among the transitions Jira offers the issue; the error lists where it can go.
pub fn transition_to(transitions: &Json, wanted: &str, by_id: bool) -> Result<String> {
    let list = transitions
        .get("transitions")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let target = |t: &Json, member: &str| {
        t.get("to")
            .and_then(|to| to.get(member))
            .and_then(Json::as_str)
            .map(str::to_string)
    };
    let found = list.iter().find(|t| {
        if by_id {
            target(t, "id").as_deref() == Some(wanted)
        } else {
            target(t, "name").is_some_and(|n| n.eq_ignore_ascii_case(wanted))
        }
    });
    if let Some(id) = found.and_then(|t| t.get("id")) {
        return Ok(match id {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        });
    }
    let reachable: Vec<String> = list.iter().filter_map(|t| target(t, "name")).collect();
    Err(Error::InvalidParameter {
        message: format!("no transition of the issue leads to status \"{wanted}\""),
        hint: if reachable.is_empty() {
            "Jira offers no transition from the issue's current status.".into()
        } else {
            format!(
                "Statuses reachable from the current one: {}.",
                reachable.join(", ")
            )
        },
    })
}

/// Texts by element number.
pub type Numbered = Vec<(usize, String)>;

/// What a bulk create of `count` issues did: the key of each element created, and Jira's
/// message for each element refused (elements numbered from 0). Jira lists the created
/// issues in order and the refused ones by `failedElementNumber`.
pub fn bulk_outcome(answer: &Json, count: usize) -> (Numbered, Numbered) {
    let mut failed: Vec<(usize, String)> = answer
        .get("errors")
        .and_then(Json::as_array)
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    let n = e.get("failedElementNumber")?.as_u64()? as usize;
                    let detail = e.get("elementErrors").cloned().unwrap_or(Json::Null);
                    let mut parts: Vec<String> = detail
                        .get("errors")
                        .and_then(Json::as_object)
                        .map(|m| {
                            m.iter()
                                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default()))
                                .collect()
                        })
                        .unwrap_or_default();
                    parts.extend(
                        detail
                            .get("errorMessages")
                            .and_then(Json::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(Json::as_str)
                            .map(str::to_string),
                    );
                    Some((n, parts.join("; ")))
                })
                .collect()
        })
        .unwrap_or_default();
    failed.sort();
    let mut keys = answer
        .get("issues")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("key").and_then(Json::as_str).map(str::to_string));
    let created = (0..count)
        .filter(|n| !failed.iter().any(|(f, _)| f == n))
        .map_while(|n| keys.next().map(|k| (n, k)))
        .collect();
    (created, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_per_deployment() {
        let t = |s: &str| Value::One(Scalar::Text(s.into()));
        let cloud = Deployment::Cloud;
        assert_eq!(
            encode("d", Encode::Rich, &t("a\n\nb"), cloud).unwrap(),
            json!({"type": "doc", "version": 1, "content": [
                {"type": "paragraph", "content": [{"type": "text", "text": "a"}]},
                {"type": "paragraph", "content": [{"type": "text", "text": "b"}]}
            ]})
        );
        assert_eq!(
            encode("d", Encode::Rich, &t("a"), Deployment::Server).unwrap(),
            json!("a")
        );
        assert_eq!(
            encode("a", Encode::Account, &t("u1"), cloud).unwrap(),
            json!({"accountId": "u1"})
        );
        assert_eq!(
            encode("a", Encode::Account, &t("jdoe"), Deployment::Server).unwrap(),
            json!({"name": "jdoe"})
        );
        let many = Value::Many(vec![
            Some(Scalar::Text("x".into())),
            Some(Scalar::Text("y".into())),
        ]);
        assert_eq!(
            encode("c", Encode::Names, &many, cloud).unwrap(),
            json!([{"name": "x"}, {"name": "y"}])
        );
        assert_eq!(
            encode("c", Encode::Names, &Value::Null, cloud).unwrap(),
            json!([])
        );
        assert_eq!(
            encode("d", Encode::Date, &Value::One(Scalar::Days(20_000)), cloud).unwrap(),
            json!("2024-10-04")
        );
        assert_eq!(
            encode(
                "t",
                Encode::DateTime,
                &Value::One(Scalar::Micros(1_704_164_645_678_000)),
                cloud
            )
            .unwrap(),
            json!("2024-01-02T03:04:05.678+0000")
        );
        assert_eq!(
            encode(
                "e",
                Encode::EstimateMinutes,
                &Value::One(Scalar::Int(5400)),
                cloud
            )
            .unwrap(),
            json!({"originalEstimate": "90m"})
        );
        let err = encode(
            "e",
            Encode::EstimateMinutes,
            &Value::One(Scalar::Int(61)),
            cloud,
        )
        .unwrap_err();
        assert!(err.to_string().contains("multiple of 60"), "{err}");
        assert!(encode(
            "n",
            Encode::Number,
            &Value::One(Scalar::Decimal("NaN".into())),
            cloud
        )
        .is_err());
        let with_null = Value::Many(vec![None]);
        assert!(encode("l", Encode::Strings, &with_null, cloud).is_err());
    }

    #[test]
    fn bulk_answers_say_which_rows_went_in() {
        let answer = json!({
            "issues": [{"id": "1", "key": "OPS-1"}, {"id": "3", "key": "OPS-2"}],
            "errors": [{"status": 400, "failedElementNumber": 1,
                        "elementErrors": {"errorMessages": [], "errors": {"summary": "You must specify a summary of the issue."}}}]
        });
        let (created, failed) = bulk_outcome(&answer, 3);
        assert_eq!(
            created,
            vec![(0, "OPS-1".to_string()), (2, "OPS-2".to_string())]
        );
        assert_eq!(
            failed,
            vec![(
                1,
                "summary: You must specify a summary of the issue.".to_string()
            )]
        );
    }

    #[test]
    fn transitions_are_found_by_target_or_listed() {
        let offered = json!({"transitions": [
            {"id": "21", "name": "Start", "to": {"id": "3", "name": "In Progress"}},
            {"id": "31", "name": "Finish", "to": {"id": "10001", "name": "Done"}}
        ]});
        assert_eq!(transition_to(&offered, "done", false).unwrap(), "31");
        assert_eq!(transition_to(&offered, "3", true).unwrap(), "21");
        let err = transition_to(&offered, "Closed", false).unwrap_err();
        assert_eq!(
            err.hint().as_deref(),
            Some("Statuses reachable from the current one: In Progress, Done.")
        );
        assert_eq!(err.sqlstate(), crate::error::SqlState::InvalidParameter);
    }
}
