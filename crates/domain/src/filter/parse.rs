//! The parser of single filters (grammar in the parent module's docs).
//!
//! Errors are `(byte offset, message)`; the parent wraps them with the filter number.

use super::{Filter, Object, Op, Value};

/// What a parse step fails with: byte offset and message.
pub(super) type Fail = (usize, String);

/// Builds an operator from its value.
type MakeOp = fn(Value) -> Op;

const OPERATORS: &str =
    "=, !=, contains, not contains, in, not in, >, <, >=, <=, is empty, is not empty";

/// A position in the input.
pub(super) struct Cursor<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(src: &'a str) -> Cursor<'a> {
        Cursor { src, pos: 0 }
    }

    pub(super) fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    pub(super) fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    pub(super) fn at_end(&self) -> bool {
        self.rest().is_empty()
    }

    pub(super) fn eat(&mut self, token: &str) -> bool {
        let found = self.rest().starts_with(token);
        if found {
            self.pos += token.len();
        }
        found
    }

    /// Takes the longest prefix whose chars satisfy `keep`.
    pub(super) fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let len = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    /// The next token, for "found '...'" in messages.
    pub(super) fn peek_token(&self) -> String {
        let rest = self.rest().trim_start();
        match rest.chars().next() {
            None => "end of input".to_string(),
            Some(c) if c.is_alphanumeric() || c == '_' => {
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                format!("'{word}'")
            }
            Some(c) => format!("'{c}'"),
        }
    }

    pub(super) fn fail<T>(&self, message: impl Into<String>) -> Result<T, Fail> {
        Err((self.pos, message.into()))
    }

    /// A keyword at the cursor (case-insensitive, whole word), consumed when it matches.
    pub(super) fn keyword(&mut self, word: &str) -> bool {
        let rest = self.rest();
        let matches = rest.len() >= word.len()
            && rest.is_char_boundary(word.len())
            && rest[..word.len()].eq_ignore_ascii_case(word)
            && !rest[word.len()..].starts_with(is_word_char);
        if matches {
            self.pos += word.len();
        }
        matches
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// True when a field name can be written without quotes.
pub(super) fn is_identifier(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_word_char)
}

/// Parses one filter.
pub(super) fn filter(src: &str) -> Result<Filter, Fail> {
    let mut c = Cursor::new(src);
    c.skip_ws();
    let object_at = c.pos;
    let word = c.take_while(is_word_char);
    let object = match word.to_ascii_lowercase().as_str() {
        "company" => Object::Company,
        "user" => Object::User,
        "meeting" => Object::Meeting,
        "" => {
            return c.fail(format!(
                "expected Company, User or Meeting, found {}",
                c.peek_token()
            ))
        }
        _ => {
            return Err((
                object_at,
                format!("expected Company, User or Meeting, found '{word}'"),
            ))
        }
    };
    if !c.eat(".") {
        return c.fail(format!(
            "expected '.' and a field name after '{object}' (e.g. {object}.name), found {}",
            c.peek_token()
        ));
    }
    let field = if c.rest().starts_with('"') {
        quoted(&mut c)?
    } else {
        c.take_while(is_word_char).to_string()
    };
    if field.is_empty() {
        return c.fail(format!(
            "expected a field name after '{object}.', found {}",
            c.peek_token()
        ));
    }
    c.skip_ws();
    let op = operator(&mut c)?;
    Ok(Filter { object, field, op })
}

fn operator(c: &mut Cursor<'_>) -> Result<Op, Fail> {
    let symbols: [(&str, MakeOp); 7] = [
        ("!=", Op::Ne),
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("==", Op::Eq),
        ("=", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
    ];
    for (symbol, make) in symbols {
        if c.eat(symbol) {
            return Ok(make(single_value(c, symbol)?));
        }
    }
    if c.keyword("contains") {
        return Ok(Op::Contains(single_value(c, "contains")?));
    }
    if c.keyword("in") {
        return Ok(Op::In(list(c)?));
    }
    if c.keyword("not") {
        return negated_operator(c);
    }
    if c.keyword("is") {
        return emptiness(c);
    }
    c.fail(format!(
        "expected an operator ({OPERATORS}), found {}",
        c.peek_token()
    ))
}

/// `not contains` or `not in`, after `not`.
fn negated_operator(c: &mut Cursor<'_>) -> Result<Op, Fail> {
    c.skip_ws();
    if c.keyword("contains") {
        return Ok(Op::NotContains(single_value(c, "not contains")?));
    }
    if c.keyword("in") {
        return Ok(Op::NotIn(list(c)?));
    }
    c.fail(format!(
        "expected 'contains' or 'in' after 'not', found {}",
        c.peek_token()
    ))
}

/// `empty` or `not empty`, after `is`.
fn emptiness(c: &mut Cursor<'_>) -> Result<Op, Fail> {
    c.skip_ws();
    let negated = c.keyword("not");
    c.skip_ws();
    if !c.keyword("empty") {
        return c.fail(format!(
            "expected 'empty' or 'not empty' after 'is', found {}",
            c.peek_token()
        ));
    }
    expect_end(c, "after 'is empty'")?;
    Ok(if negated { Op::IsNotEmpty } else { Op::IsEmpty })
}

fn expect_end(c: &mut Cursor<'_>, context: &str) -> Result<(), Fail> {
    c.skip_ws();
    if c.at_end() {
        Ok(())
    } else {
        c.fail(format!("unexpected {} {context}", c.peek_token()))
    }
}

/// The value after a comparison operator: quoted, or the bare rest of the filter.
fn single_value(c: &mut Cursor<'_>, op: &str) -> Result<Value, Fail> {
    c.skip_ws();
    if c.at_end() {
        return c.fail(format!("expected a value after '{op}'"));
    }
    if c.rest().starts_with('"') {
        let text = quoted(c)?;
        expect_end(c, "after the quoted value")?;
        return Ok(Value::new(text));
    }
    let start = c.pos;
    let text = c.rest().trim_end();
    if let Some(symbol) = text.chars().next().filter(|ch| "=!<>".contains(*ch)) {
        return c.fail(format!(
            "unexpected '{symbol}' after '{op}': one operator per filter (valid: {OPERATORS}); quote a value that really starts with '{symbol}'"
        ));
    }
    if let Some(at) = logic_word(text) {
        return Err((start + at, "one filter holds one condition: combine filters with the logic expression, or quote a value that contains AND/OR".to_string()));
    }
    c.pos = c.src.len();
    Ok(Value::new(text))
}

/// The offset of a standalone upper-case `AND` or `OR` in a bare value.
pub(super) fn logic_word(text: &str) -> Option<usize> {
    let mut offset = 0;
    for word in text.split(' ') {
        if word == "AND" || word == "OR" {
            return Some(offset);
        }
        offset += word.len() + 1;
    }
    None
}

/// `( item, item, ... )` after `in`.
fn list(c: &mut Cursor<'_>) -> Result<Vec<Value>, Fail> {
    c.skip_ws();
    if !c.eat("(") {
        return c.fail(format!(
            "expected '(' and a list of values, e.g. in (a, b), found {}",
            c.peek_token()
        ));
    }
    let mut items = Vec::new();
    loop {
        c.skip_ws();
        let is_quoted = c.rest().starts_with('"');
        let item = if is_quoted {
            quoted(c)?
        } else {
            c.take_while(|ch| ch != ',' && ch != ')')
                .trim_end()
                .to_string()
        };
        if item.is_empty() && !is_quoted {
            return c.fail("expected a value in the list");
        }
        items.push(Value::new(item));
        c.skip_ws();
        if c.eat(")") {
            break;
        }
        if !c.eat(",") {
            return c.fail(format!(
                "expected ',' or ')' in the list, found {}",
                c.peek_token()
            ));
        }
    }
    expect_end(c, "after the list")?;
    Ok(items)
}

/// A double-quoted string with `\"` and `\\` escapes.
fn quoted(c: &mut Cursor<'_>) -> Result<String, Fail> {
    let open = c.pos;
    c.pos += 1;
    let mut out = String::new();
    let mut chars = c.rest().char_indices();
    while let Some((i, ch)) = chars.next() {
        match ch {
            '"' => {
                c.pos += i + 1;
                return Ok(out);
            }
            '\\' => match chars.next() {
                Some((_, esc @ ('"' | '\\'))) => out.push(esc),
                Some((_, other)) => {
                    return Err((
                        c.pos + i,
                        format!("unknown escape '\\{other}': only \\\" and \\\\ are escapes"),
                    ));
                }
                None => break,
            },
            _ => out.push(ch),
        }
    }
    Err((
        open,
        "unterminated string: a closing '\"' is missing".to_string(),
    ))
}
