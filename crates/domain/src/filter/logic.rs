//! The parser of advanced-logic expressions (grammar in the parent module's docs).

use super::parse::{Cursor, Fail};
use super::LogicExpr;

const MAX_DEPTH: usize = 64;

/// Parses a logic expression over filters `1..=count`, each of which must be used.
pub(super) fn parse(src: &str, count: usize) -> Result<LogicExpr, Fail> {
    let mut c = Cursor::new(src);
    let mut used = vec![false; count];
    let expr = or_expr(&mut c, count, &mut used, 0)?;
    c.skip_ws();
    if !c.at_end() {
        return c.fail(format!(
            "expected AND, OR or the end of the expression, found {}",
            c.peek_token()
        ));
    }
    if let Some(unused) = used.iter().position(|u| !u) {
        return Err((
            0,
            format!("filter {} is not used in the logic expression", unused + 1),
        ));
    }
    Ok(expr)
}

type Used = Vec<bool>;

fn or_expr(
    c: &mut Cursor<'_>,
    count: usize,
    used: &mut Used,
    depth: usize,
) -> Result<LogicExpr, Fail> {
    let mut operands = vec![and_expr(c, count, used, depth)?];
    loop {
        c.skip_ws();
        if !c.keyword("or") {
            return Ok(chain(operands, LogicExpr::Or));
        }
        operands.push(and_expr(c, count, used, depth)?);
    }
}

fn and_expr(
    c: &mut Cursor<'_>,
    count: usize,
    used: &mut Used,
    depth: usize,
) -> Result<LogicExpr, Fail> {
    let mut operands = vec![factor(c, count, used, depth)?];
    loop {
        c.skip_ws();
        if !c.keyword("and") {
            return Ok(chain(operands, LogicExpr::And));
        }
        operands.push(factor(c, count, used, depth)?);
    }
}

/// One operand as itself, several as one n-ary node (never a left-deep tree).
fn chain(mut operands: Vec<LogicExpr>, node: fn(Vec<LogicExpr>) -> LogicExpr) -> LogicExpr {
    if operands.len() == 1 {
        operands.remove(0)
    } else {
        node(operands)
    }
}

fn factor(
    c: &mut Cursor<'_>,
    count: usize,
    used: &mut Used,
    depth: usize,
) -> Result<LogicExpr, Fail> {
    c.skip_ws();
    if depth > MAX_DEPTH {
        return c.fail(format!(
            "the expression nests deeper than {MAX_DEPTH} levels"
        ));
    }
    if c.keyword("not") {
        return Ok(LogicExpr::Not(Box::new(factor(c, count, used, depth + 1)?)));
    }
    if c.eat("(") {
        let inner = or_expr(c, count, used, depth + 1)?;
        c.skip_ws();
        if !c.eat(")") {
            return c.fail(format!("expected ')', found {}", c.peek_token()));
        }
        return Ok(inner);
    }
    let start = c.pos;
    let digits = c.take_while(|ch| ch.is_ascii_digit());
    match digits.parse::<usize>() {
        Ok(n) if (1..=count).contains(&n) => {
            used[n - 1] = true;
            Ok(LogicExpr::Filter(n))
        }
        Ok(n) => {
            let there = match count {
                1 => "there is 1 filter".to_string(),
                _ => format!("there are {count} filters"),
            };
            Err((start, format!("filter {n} does not exist ({there})")))
        }
        Err(_) => {
            c.pos = start;
            c.fail(format!(
                "expected a filter number, '(' or NOT, found {}",
                c.peek_token()
            ))
        }
    }
}
