//! `jira_fdw.add_attachment`: the connector's attachment upload as a SQL function (an INSERT
//! cannot carry a file's bytes to Jira's multipart resource).

use pgrx::prelude::*;

use super::interrupt::wait;
use super::modify::ledger;
use super::report::{raise, OrRaise};
use super::table::{current_user, server_config, usable_server};
use crate::error::Error;
use crate::jira::endpoints::{with_parent, ISSUE_ATTACH};
use crate::jira::{segment, Client};

/// Attaches `content` as file `filename` to issue `issue_key`; the new attachment's id. The
/// caller needs USAGE on `server`; Jira keeps the file whatever the transaction does.
#[pg_extern(volatile)]
fn add_attachment(server: &str, issue_key: &str, filename: &str, content: &[u8]) -> i64 {
    let config = server_config(usable_server(server).or_raise(), current_user()).or_raise();
    if config.read_only {
        raise(Error::Definition {
            message: format!("the server {server} is read-only (option read_only)"),
            hint: Some("Nothing was sent to Jira.".into()),
        });
    }
    if filename.trim().is_empty() || filename.contains(['/', '\\', '\0']) {
        raise(Error::InvalidParameter {
            message: "an attachment needs a file name without slashes".into(),
            hint: "Give the name the file should have in Jira, e.g. 'report.pdf'.".into(),
        });
    }
    let client = Client::shared(&config).or_raise();
    let deployment = wait(client.deployment());
    let Some(key) = segment(issue_key) else {
        raise(Error::InvalidParameter {
            message: format!("\"{issue_key}\" is not a Jira issue key"),
            hint: "An issue key is never empty, \".\" or \"..\".".into(),
        })
    };
    let path = with_parent(ISSUE_ATTACH.on(deployment).or_raise(), &key);
    let answer = wait(client.upload(&path, filename, content));
    let id = answer
        .as_array()
        .and_then(|a| a.first())
        .and_then(|a| a.get("id"))
        .and_then(|id| match id {
            serde_json::Value::String(s) => s.parse::<i64>().ok(),
            other => other.as_i64(),
        });
    let Some(id) = id else {
        raise(Error::Connection(
            "Jira's answer to an attachment upload names no attachment".into(),
        ))
    };
    ledger::record(format!("attached {id} to {issue_key}"));
    id
}
