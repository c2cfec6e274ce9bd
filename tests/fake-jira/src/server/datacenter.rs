//! How Data Center's answers differ from Cloud's where the same resource exists: users are
//! named by `name` and `key` and carry no `accountId` (nor `accountType`), and rich text is
//! wiki markup rather than ADF documents.

use axum::body::{to_bytes, Body};
use axum::response::Response;
use serde_json::{Map, Value};

/// The Data Center user name of a user the generated data knows by Cloud account id.
pub fn user_name(account_id: &str) -> String {
    format!("u-{account_id}")
}

/// The Data Center user key of a user the generated data knows by Cloud account id.
pub fn user_key(account_id: &str) -> String {
    format!("JIRAUSER-{account_id}")
}

/// `response` with every user object in Data Center's shape.
pub async fn shaped(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    in_data_center_terms(&mut value);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(value.to_string()))
}

/// `value` as Data Center would answer it: users by name, documents as wiki markup, `self`
/// links into its v2 API.
pub fn in_data_center_terms(value: &mut Value) {
    users_by_name(value);
    docs_as_wiki(value);
    links_to_v2(value);
}

fn links_to_v2(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(links_to_v2),
        Value::Object(map) => {
            if let Some(Value::String(url)) = map.get_mut("self") {
                *url = url.replace("/rest/api/3/", "/rest/api/2/");
            }
            map.values_mut().for_each(links_to_v2);
        }
        _ => {}
    }
}

/// Every ADF document in `value` replaced by its wiki markup.
fn docs_as_wiki(value: &mut Value) {
    if let Some(doc) = crate::adf::Doc::from_json(value) {
        *value = Value::String(crate::wiki::from_doc(&doc, &|id| user_name(id)).markup);
        return;
    }
    match value {
        Value::Array(items) => items.iter_mut().for_each(docs_as_wiki),
        Value::Object(map) => map.values_mut().for_each(docs_as_wiki),
        _ => {}
    }
}

/// Every user object in `value` in Data Center's shape.
fn users_by_name(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(users_by_name),
        Value::Object(map) => {
            if map.contains_key("displayName") {
                if let Some(Value::String(id)) = map.remove("accountId") {
                    as_data_center_user(map, &id);
                }
            }
            map.values_mut().for_each(users_by_name);
        }
        _ => {}
    }
}

fn as_data_center_user(map: &mut Map<String, Value>, account_id: &str) {
    let name = user_name(account_id);
    map.remove("accountType");
    if let Some(Value::String(url)) = map.get("self") {
        let base = url.split("/rest/").next().unwrap_or_default().to_string();
        map.insert(
            "self".into(),
            Value::String(format!("{base}/rest/api/2/user?username={name}")),
        );
    }
    map.insert("key".into(), Value::String(user_key(account_id)));
    map.insert("name".into(), Value::String(name));
}

#[cfg(test)]
mod tests {
    use super::users_by_name;
    use serde_json::json;

    #[test]
    fn documents_become_wiki_markup() {
        let mut v = json!({"body": {"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [
                {"type": "text", "text": "Ask "},
                {"type": "mention", "attrs": {"id": "a1", "text": "@A"}},
                {"type": "text", "text": "now", "marks": [{"type": "strong"}]}
            ]}
        ]}, "other": {"type": "doc"}});
        super::in_data_center_terms(&mut v);
        assert_eq!(v["body"], "Ask [~u-a1]*now*");
        // Not a document of the model: left as it is.
        assert_eq!(v["other"], json!({"type": "doc"}));
    }

    #[test]
    fn users_are_named_not_accounted() {
        let mut v = json!({"lead": {"self": "http://h/rest/api/3/user?accountId=a1", "accountId": "a1", "accountType": "atlassian", "displayName": "A", "active": true}, "key": "OPS", "name": "Ops"});
        users_by_name(&mut v);
        assert_eq!(v["lead"]["name"], "u-a1");
        assert_eq!(v["lead"]["key"], "JIRAUSER-a1");
        assert_eq!(v["lead"]["self"], "http://h/rest/api/2/user?username=u-a1");
        assert!(v["lead"].get("accountId").is_none() && v["lead"].get("accountType").is_none());
        assert_eq!(v["name"], "Ops");
    }
}
