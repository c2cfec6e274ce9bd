//! Which scan serves a set of pushed-down equality conditions.
//!
//! Conditions on `key` or `id` are served by `issue/bulkfetch` (a JQL `key = "X-1"` fails the
//! whole search when X-1 does not exist, bulk fetch just leaves it out); the others become a
//! JQL conjunction. Every condition here is also rechecked locally, so a superset is enough.

use super::{Clause, Field, Query};
use crate::catalog::{Column, Source};
use crate::jira::Strategy;

/// The equality conditions pushed so far.
#[derive(Debug, Default, Clone)]
pub struct Pushdown {
    clauses: Vec<Clause>,
    keys: Option<Vec<String>>,
    ids: Option<Vec<String>>,
    jql_echo: Option<String>,
    impossible: bool,
}

/// `acc ∩ values`, keeping the order of `values` and dropping duplicates.
fn intersect(acc: &mut Option<Vec<String>>, values: Vec<String>) {
    let mut unique: Vec<String> = Vec::new();
    for v in values {
        if !unique.contains(&v) {
            unique.push(v);
        }
    }
    *acc = Some(match acc.take() {
        None => unique,
        Some(old) => unique.into_iter().filter(|v| old.contains(v)).collect(),
    });
}

impl Pushdown {
    /// Adds `column = ANY(values)` (a single `=` is a one-element list). Returns false when the
    /// column cannot be pushed.
    pub fn add(&mut self, column: &Column, values: Vec<String>) -> bool {
        if let Source::Jql = column.source {
            // Raw JQL only with plain `=`: an IN list of JQL texts has no single meaning.
            if values.len() != 1 {
                return false;
            }
            let text = values.into_iter().next().unwrap_or_default();
            self.clauses.push(Clause::Raw(text.clone()));
            self.jql_echo.get_or_insert(text);
            return true;
        }
        let Some(field) = column.jql else {
            return false;
        };
        if values.is_empty() {
            // `x = ANY('{}')` matches nothing.
            self.impossible = true;
            return true;
        }
        match field {
            "key" => intersect(&mut self.keys, values),
            "id" => intersect(&mut self.ids, values),
            _ => {
                let mut values: Vec<super::Value> =
                    values.into_iter().map(super::Value::Str).collect();
                values.dedup();
                self.clauses.push(if values.len() == 1 {
                    Clause::Eq(Field(field), values.remove(0))
                } else {
                    Clause::In(Field(field), values)
                });
            }
        }
        true
    }

    /// The JQL text the user passed through the `jql` column, echoed in every row.
    pub fn jql_echo(&self) -> Option<&str> {
        self.jql_echo.as_deref()
    }

    /// How to fetch the issues these conditions allow.
    pub fn strategy(&self) -> Strategy {
        if self.impossible {
            return Strategy::Keys { keys: Vec::new() };
        }
        if let Some(keys) = self.keys.as_ref().or(self.ids.as_ref()) {
            return Strategy::Keys { keys: keys.clone() };
        }
        let clause = match self.clauses.len() {
            0 => None,
            1 => Some(self.clauses[0].clone()),
            _ => Some(Clause::And(self.clauses.clone())),
        };
        Strategy::Search {
            jql: Query {
                clause,
                order_by: Vec::new(),
            }
            .to_jql(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Entity;

    fn col(name: &str) -> &'static Column {
        Entity::Issues.column(name).unwrap()
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn no_conditions_scan_everything() {
        assert_eq!(
            Pushdown::default().strategy(),
            Strategy::Search {
                jql: "project IS NOT EMPTY".into()
            }
        );
    }

    #[test]
    fn project_and_status_become_jql() {
        let mut p = Pushdown::default();
        assert!(p.add(col("project_key"), s(&["SET"])));
        assert!(p.add(col("status_name"), s(&["Won't Do", "Done", "Done"])));
        assert!(!p.add(col("summary"), s(&["x"])));
        assert_eq!(
            p.strategy(),
            Strategy::Search {
                jql: r#"project = "SET" AND status IN ("Won\'t Do", "Done")"#.into()
            }
        );
    }

    #[test]
    fn keys_win_and_intersect() {
        let mut p = Pushdown::default();
        p.add(col("project_key"), s(&["A"]));
        p.add(col("id"), s(&["1"]));
        p.add(col("key"), s(&["A-1", "A-2", "A-1"]));
        p.add(col("key"), s(&["A-2", "A-3"]));
        assert_eq!(p.strategy(), Strategy::Keys { keys: s(&["A-2"]) });
        let mut ids = Pushdown::default();
        ids.add(col("id"), s(&["10001", "10002"]));
        assert_eq!(
            ids.strategy(),
            Strategy::Keys {
                keys: s(&["10001", "10002"])
            }
        );
    }

    #[test]
    fn empty_in_list_fetches_nothing() {
        let mut p = Pushdown::default();
        p.add(col("status_name"), vec![]);
        assert_eq!(p.strategy(), Strategy::Keys { keys: vec![] });
    }

    #[test]
    fn raw_jql_is_anded_and_echoed() {
        let mut p = Pushdown::default();
        assert!(p.add(col("jql"), s(&["labels = x ORDER"])));
        assert!(!p.add(col("jql"), s(&["a", "b"])));
        p.add(col("status_name"), s(&["Done"]));
        assert_eq!(p.jql_echo(), Some("labels = x ORDER"));
        assert_eq!(
            p.strategy(),
            Strategy::Search {
                jql: r#"(labels = x ORDER) AND status = "Done""#.into()
            }
        );
    }
}
