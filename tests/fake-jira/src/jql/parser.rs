//! The JQL parser: `query := clause? (ORDER BY field (ASC|DESC)? (, ...)*)?` with AND binding
//! tighter than OR, NOT / `!`, parentheses, and Jira's rule that reserved words must be quoted.

use super::lexer::{tokenize_spanned, Spanned, Token};
use super::reserved::is_reserved;
use super::{Clause, JqlError, Op, Operand, OrderBy, Query, Value};

/// Parses a JQL query.
pub fn parse(input: &str) -> Result<Query, JqlError> {
    let tokens = tokenize_spanned(input)?;
    let end = input.chars().count() + 1;
    let mut p = Parser {
        tokens,
        pos: 0,
        end,
    };
    let clause = if p.at_eof() || p.at_order_by() {
        None
    } else {
        Some(p.or()?)
    };
    let mut order_by = Vec::new();
    if p.at_order_by() {
        p.pos += 2;
        loop {
            let field = p.field()?;
            let mut descending = false;
            if let Some(w) = p.peek_word() {
                if w.eq_ignore_ascii_case("desc") || w.eq_ignore_ascii_case("asc") {
                    descending = w.eq_ignore_ascii_case("desc");
                    p.pos += 1;
                }
            }
            order_by.push(OrderBy { field, descending });
            if matches!(p.peek(), Some(Token::Comma)) {
                p.pos += 1;
            } else {
                break;
            }
        }
    }
    if let Some(t) = p.tokens.get(p.pos) {
        let message = if clause.is_some() && order_by.is_empty() {
            format!("Expecting either 'OR' or 'AND' but got '{}'.", t.text)
        } else {
            format!("Expecting ',' but got '{}'.", t.text)
        };
        return Err(JqlError::new(message, t.position));
    }
    Ok(Query { clause, order_by })
}

struct Parser {
    tokens: Vec<Spanned>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|t| &t.token)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Token::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn word_at(&self, offset: usize, keyword: &str) -> bool {
        matches!(self.tokens.get(self.pos + offset).map(|t| &t.token), Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    fn at_eof(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn at_order_by(&self) -> bool {
        self.word_at(0, "order") && self.word_at(1, "by")
    }

    /// An error about the current token (or the end of the query).
    fn error(&self, expecting: &str, hint: bool) -> JqlError {
        match self.tokens.get(self.pos) {
            Some(t) => {
                let mut message = format!("Expecting {expecting} but got '{}'.", t.text);
                if hint {
                    message.push_str(&format!(
                        " You must surround '{}' in quotation marks to use it as a value.",
                        t.text
                    ));
                }
                JqlError::new(message, t.position)
            }
            None => JqlError::new(
                format!("Expecting {expecting} before the end of the query."),
                self.end,
            ),
        }
    }

    fn reserved_error(&self, word: &str) -> JqlError {
        let position = self.tokens.get(self.pos).map_or(self.end, |t| t.position);
        JqlError::new(
            format!("'{word}' is a reserved JQL word. You must surround it in quotation marks to use it in a query."),
            position,
        )
    }

    fn or(&mut self) -> Result<Clause, JqlError> {
        let mut parts = vec![self.and()?];
        while self.word_at(0, "or") || matches!(self.peek(), Some(Token::Pipe)) {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Clause::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Clause, JqlError> {
        let mut parts = vec![self.not()?];
        while self.word_at(0, "and") || matches!(self.peek(), Some(Token::Amp)) {
            self.pos += 1;
            parts.push(self.not()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Clause::And(parts)
        })
    }

    fn not(&mut self) -> Result<Clause, JqlError> {
        if self.word_at(0, "not") || matches!(self.peek(), Some(Token::Bang)) {
            self.pos += 1;
            return Ok(Clause::Not(Box::new(self.not()?)));
        }
        if matches!(self.peek(), Some(Token::LParen)) {
            self.pos += 1;
            let inner = self.or()?;
            if !matches!(self.peek(), Some(Token::RParen)) {
                return Err(self.error("')'", false));
            }
            self.pos += 1;
            return Ok(inner);
        }
        self.term()
    }

    fn term(&mut self) -> Result<Clause, JqlError> {
        let field = self.field()?;
        let op = self.op()?;
        let value = self.operand()?;
        Ok(Clause::Term { field, op, value })
    }

    fn field(&mut self) -> Result<String, JqlError> {
        match self.peek().cloned() {
            Some(Token::Word(w)) => {
                if w.eq_ignore_ascii_case("cf")
                    && matches!(
                        self.tokens.get(self.pos + 1).map(|t| &t.token),
                        Some(Token::LBracket)
                    )
                {
                    self.pos += 2;
                    let id = match self.peek() {
                        Some(Token::Word(n))
                            if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() =>
                        {
                            n.clone()
                        }
                        _ => return Err(self.error("a custom field id", false)),
                    };
                    self.pos += 1;
                    if !matches!(self.peek(), Some(Token::RBracket)) {
                        return Err(self.error("']'", false));
                    }
                    self.pos += 1;
                    return Ok(format!("cf[{id}]"));
                }
                if is_reserved(&w) {
                    return Err(self.reserved_error(&w));
                }
                self.pos += 1;
                Ok(w)
            }
            Some(Token::Str(s)) => {
                self.pos += 1;
                Ok(s)
            }
            _ => Err(self.error("a field name", false)),
        }
    }

    fn op(&mut self) -> Result<Op, JqlError> {
        let op = match self.peek() {
            Some(Token::Op(o)) => match o.as_str() {
                "=" => Op::Eq,
                "!=" => Op::NotEq,
                "~" => Op::Contains,
                "!~" => Op::NotContains,
                "<" => Op::Lt,
                ">" => Op::Gt,
                "<=" => Op::Le,
                _ => Op::Ge,
            },
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("in") => Op::In,
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("not") && self.word_at(1, "in") => {
                self.pos += 1;
                Op::NotIn
            }
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("is") => {
                if self.word_at(1, "not") {
                    self.pos += 1;
                    Op::IsNot
                } else {
                    Op::Is
                }
            }
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("was") || w.eq_ignore_ascii_case("changed") => {
                let position = self.tokens[self.pos].position;
                return Err(JqlError::new(
                    format!("The history operator '{}' is not supported by this fake Jira.", w.to_uppercase()),
                    position,
                ));
            }
            _ => {
                return Err(self.error(
                    "operator",
                    false,
                )
                .with_suffix(" The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'."))
            }
        };
        self.pos += 1;
        Ok(op)
    }

    fn operand(&mut self) -> Result<Operand, JqlError> {
        if matches!(self.peek(), Some(Token::LParen)) {
            self.pos += 1;
            let mut items = vec![self.value()?];
            while matches!(self.peek(), Some(Token::Comma)) {
                self.pos += 1;
                items.push(self.value()?);
            }
            if !matches!(self.peek(), Some(Token::RParen)) {
                return Err(self.error("')'", false));
            }
            self.pos += 1;
            return Ok(Operand::List(items));
        }
        Ok(match self.value()? {
            Value::Empty => Operand::Empty,
            v => Operand::Value(v),
        })
    }

    fn value(&mut self) -> Result<Value, JqlError> {
        match self.peek().cloned() {
            Some(Token::Str(s)) => {
                self.pos += 1;
                Ok(Value::Str(s))
            }
            Some(Token::Word(w)) => {
                if w.eq_ignore_ascii_case("empty") || w.eq_ignore_ascii_case("null") {
                    self.pos += 1;
                    return Ok(Value::Empty);
                }
                if matches!(
                    self.tokens.get(self.pos + 1).map(|t| &t.token),
                    Some(Token::LParen)
                ) && !is_reserved(&w)
                {
                    self.pos += 2;
                    let mut args = Vec::new();
                    while let Some(Token::Str(a) | Token::Word(a)) = self.peek().cloned() {
                        args.push(a);
                        self.pos += 1;
                        if matches!(self.peek(), Some(Token::Comma)) {
                            self.pos += 1;
                        }
                    }
                    if !matches!(self.peek(), Some(Token::RParen)) {
                        return Err(self.error("')'", false));
                    }
                    self.pos += 1;
                    return Ok(Value::Function { name: w, args });
                }
                if is_reserved(&w) {
                    return Err(self.reserved_error(&w));
                }
                self.pos += 1;
                Ok(Value::Word(w))
            }
            _ => Err(self.error("either a value, list or function", self.peek().is_some())),
        }
    }
}

impl JqlError {
    fn with_suffix(mut self, suffix: &str) -> JqlError {
        self.message.push_str(suffix);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(field: &str, op: Op, value: Operand) -> Clause {
        Clause::Term {
            field: field.into(),
            op,
            value,
        }
    }

    #[test]
    fn and_binds_tighter_than_or_and_keywords_are_case_insensitive() {
        let q = parse("x = 1 or y = 2 AnD z = 3").unwrap();
        let w = |s: &str| Operand::Value(Value::Word(s.into()));
        assert_eq!(
            q.clause.unwrap(),
            Clause::Or(vec![
                term("x", Op::Eq, w("1")),
                Clause::And(vec![term("y", Op::Eq, w("2")), term("z", Op::Eq, w("3"))])
            ])
        );
    }

    #[test]
    fn not_parentheses_lists_and_empty() {
        let q = parse(
            "NOT (status in (Done, \"Won't Do\") || !labels is not empty) and assignee = EMPTY",
        )
        .unwrap();
        let Some(Clause::And(parts)) = q.clause else {
            panic!()
        };
        assert!(matches!(&parts[0], Clause::Not(_)));
        assert_eq!(parts[1], term("assignee", Op::Eq, Operand::Empty));
        let q = parse("status NOT IN (x, EMPTY)").unwrap();
        assert_eq!(
            q.clause.unwrap(),
            term(
                "status",
                Op::NotIn,
                Operand::List(vec![Value::Word("x".into()), Value::Empty])
            )
        );
    }

    #[test]
    fn order_by_and_unbounded() {
        let q = parse("ORDER BY key").unwrap();
        assert!(q.clause.is_none());
        assert_eq!(
            q.order_by,
            vec![OrderBy {
                field: "key".into(),
                descending: false
            }]
        );
        let q = parse("project = X order by created DESC, cf[10010] asc").unwrap();
        assert_eq!(q.order_by.len(), 2);
        assert!(q.order_by[0].descending);
        assert_eq!(q.order_by[1].field, "cf[10010]");
        assert!(parse("").unwrap().clause.is_none());
        assert!(parse("   ").unwrap().clause.is_none());
    }

    #[test]
    fn reserved_words_must_be_quoted() {
        let e = parse("project = SET").unwrap_err();
        assert_eq!(e.position, 11);
        assert!(e.message.contains("'SET' is a reserved JQL word"));
        assert!(parse("project = \"SET\"").is_ok());
        assert!(parse("project = cf").is_err());
        assert!(parse("labels = order").is_err());
        assert!(parse("user = x").is_err());
    }

    #[test]
    fn syntax_errors_have_jira_messages() {
        let e = parse("status = ").unwrap_err();
        assert!(e
            .jira_message()
            .starts_with("Error in the JQL Query: Expecting either a value, list or function"));
        let e = parse("status foo bar").unwrap_err();
        assert!(e.message.starts_with("Expecting operator but got 'foo'."));
        assert_eq!(e.position, 8);
        let e = parse("status = Done foo").unwrap_err();
        assert_eq!(e.message, "Expecting either 'OR' or 'AND' but got 'foo'.");
        assert!(parse("(status = Done").is_err());
        assert!(parse("status = Done AND").is_err());
    }

    #[test]
    fn functions_and_custom_fields() {
        let q =
            parse("assignee = currentUser() AND cf[10010] > 3 AND \"Story Points\" = 5").unwrap();
        let Some(Clause::And(parts)) = q.clause else {
            panic!()
        };
        assert_eq!(
            parts[0],
            term(
                "assignee",
                Op::Eq,
                Operand::Value(Value::Function {
                    name: "currentUser".into(),
                    args: vec![]
                })
            )
        );
        assert_eq!(
            parts[1],
            term("cf[10010]", Op::Gt, Operand::Value(Value::Word("3".into())))
        );
        assert_eq!(
            parts[2],
            term(
                "Story Points",
                Op::Eq,
                Operand::Value(Value::Word("5".into()))
            )
        );
    }
}
