//! Custom field contexts and their select options:
//! `GET /rest/api/3/field/{fieldId}/context` and `.../context/{contextId}/option`, paged like
//! Jira (`startAt`/`maxResults`, `isLast`, `values`).

use super::errors::{bad_request, jira_error};
use super::meta::{paged, paging};
use super::Shared;
use crate::data::registry::{
    field_contexts, ContextOption, FieldContext, MOBILE_TEAM_OPTIONS, TEAM_CONTEXTS,
};
use crate::data::{CustomFieldKind, CUSTOM_FIELDS};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The numeric id of a custom field id such as `customfield_10011`, when the field exists.
fn custom_field(field_id: &str) -> Option<u32> {
    let id: u32 = field_id.strip_prefix("customfield_")?.parse().ok()?;
    CUSTOM_FIELDS.iter().any(|f| f.id == id).then_some(id)
}

fn no_field(field_id: &str) -> Response {
    jira_error(
        StatusCode::NOT_FOUND,
        format!("The custom field was not found: {field_id}"),
    )
}

fn context_json(c: &FieldContext) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "isGlobalContext": c.global,
        "isAnyIssueType": c.any_issue_type,
    })
}

/// `GET /rest/api/3/field/{fieldId}/context`: `maxResults` defaults to (and is capped at) 50.
pub async fn contexts(
    State(state): State<Shared>,
    Path(field_id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (start, max) = match paging(q.as_deref(), 50, 50) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Some(field) = custom_field(&field_id) else {
        return no_field(&field_id);
    };
    let all = field_contexts(field).iter().map(context_json).collect();
    let url = format!("{}/rest/api/3/field/{field_id}/context", state.base_url);
    Json(paged(&url, "", start, max, all)).into_response()
}

/// `GET /rest/api/3/field/{fieldId}/context/{contextId}/option`: options first, then
/// cascading options; `maxResults` defaults to (and is capped at) 100. Fields without options
/// answer 400, contexts of other fields 404.
pub async fn options(
    State(state): State<Shared>,
    Path((field_id, context_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    let (start, max) = match paging(q.as_deref(), 100, 100) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Some(field) = custom_field(&field_id) else {
        return no_field(&field_id);
    };
    let kind = CUSTOM_FIELDS.iter().find(|f| f.id == field).map(|f| f.kind);
    if kind != Some(CustomFieldKind::Option) {
        return bad_request("The custom field doesn't support options.");
    }
    let all: Vec<Value> = if context_id == TEAM_CONTEXTS[0].id {
        state
            .data()
            .catalog
            .team_options
            .iter()
            .map(|o| json!({"id": o.id, "value": o.value, "disabled": false}))
            .collect()
    } else if context_id == TEAM_CONTEXTS[1].id {
        let (top, cascading): (Vec<&ContextOption>, Vec<&ContextOption>) =
            MOBILE_TEAM_OPTIONS.iter().partition(|o| o.parent.is_none());
        top.into_iter()
            .chain(cascading)
            .map(|o| {
                let mut v = json!({"id": o.id, "value": o.value, "disabled": o.disabled});
                if let Some(parent) = o.parent {
                    v["optionId"] = json!(parent);
                }
                v
            })
            .collect()
    } else {
        return jira_error(
            StatusCode::NOT_FOUND,
            format!("The context was not found: {context_id}"),
        );
    };
    let url = format!(
        "{}/rest/api/3/field/{field_id}/context/{context_id}/option",
        state.base_url
    );
    Json(paged(&url, "", start, max, all)).into_response()
}
