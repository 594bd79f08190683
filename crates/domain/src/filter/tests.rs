//! Tests of the filter grammar and semantics, named after T3.

use super::*;

fn set(filters: &[&str], logic: Option<&str>) -> FilterSet {
    FilterSet::parse(filters, logic).unwrap_or_else(|e| panic!("{e}\n{}", e.pointer()))
}

fn error(filters: &[&str], logic: Option<&str>) -> String {
    FilterSet::parse(filters, logic).unwrap_err().to_string()
}

fn fields(pairs: &[(&str, &str)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn company() -> Fields {
    fields(&[
        ("name", "Acme Corp"),
        ("crm_account_id", "001A0000006Vm9rIAC"),
        ("Industry", "Software"),
        ("arr", "9500"),
        ("region", "  "),
    ])
}

fn user() -> Fields {
    fields(&[
        ("email", "ann@us.com"),
        ("name", "Ann Lee"),
        ("license_type", "Full"),
        ("status", "active"),
        ("department", "Customer Success"),
    ])
}

fn holds(filter: &str) -> bool {
    set(&[filter], None).matches(&company(), &user())
}

#[test]
fn t3_every_operator_parses() {
    let parsed = set(
        &[
            "Company.industry = Software",
            "User.department != Sales",
            "Company.arr > 10000",
            "Company.arr < 10000",
            "Company.arr >= 9500",
            "Company.arr <= 9500",
            "Company.name contains acme",
            "Company.name not contains Globex",
            "Company.industry in (Software, \"Health, Care\")",
            "Company.industry NOT IN (Retail)",
            "Company.region is empty",
            "User.email IS NOT EMPTY",
        ],
        None,
    );
    let ops: Vec<&Op> = parsed.filters.iter().map(|f| &f.op).collect();
    assert_eq!(ops[0], &Op::Eq(Value::new("Software")));
    assert_eq!(
        ops[8],
        &Op::In(vec![Value::new("Software"), Value::new("Health, Care")])
    );
    assert_eq!(ops[11], &Op::IsNotEmpty);
    assert_eq!(parsed.filters[1].object, Object::User);
}

#[test]
fn t3_strings_compare_case_insensitively() {
    assert!(holds("Company.industry = software"));
    assert!(holds("company.INDUSTRY = SOFTWARE"));
    assert!(holds("Company.name contains ACME"));
    assert!(holds("Company.name = Acme Corp"));
    assert!(holds("Company.name = \"acme corp\""));
    assert!(!holds("User.department != customer success"));
    assert!(holds("User.license_type in (Viewer, full)"));
    assert!(holds("User.status not in (inactive)"));
    assert!(holds("Company.name not contains Globex"));
    assert!(holds("Company.name > acme"));
}

#[test]
fn t3_numbers_compare_numerically() {
    // As strings "9500" > "10000"; as numbers it is less.
    assert!(holds("Company.arr < 10000"));
    assert!(!holds("Company.arr > 10000"));
    assert!(holds("Company.arr = 9500.0"));
    assert!(holds("Company.arr >= 9.5e3"));
    assert!(holds("Company.arr <= 9500"));
    assert!(holds("Company.arr in (1, 9500)"));
}

#[test]
fn t3_long_whole_numbers_compare_exactly() {
    // 19-digit Gong ids: as f64 all three are the same number.
    let owner = fields(&[("gong_user_id", "2813001061817031449")]);
    let matches = |filter: &str| set(&[filter], None).matches(&company(), &owner);
    assert!(matches("User.gong_user_id = 2813001061817031449"));
    assert!(!matches("User.gong_user_id = 2813001061817031448"));
    assert!(!matches("User.gong_user_id = 2813001061817031500"));
    assert!(matches("User.gong_user_id > 2813001061817031448"));
    assert!(matches("User.gong_user_id in (1, 2813001061817031449)"));
    // A whole number against a decimal still compares as a number.
    assert!(matches("User.gong_user_id > 2.8e18"));
}

#[test]
fn t3_missing_and_blank_fields_are_empty() {
    assert!(holds("Company.region is empty"));
    assert!(holds("Company.tier is empty"));
    assert!(!holds("Company.tier is not empty"));
    assert!(holds("Company.tier != Gold"));
    assert!(!holds("Company.tier = Gold"));
    assert!(holds("Company.tier not in (Gold)"));
    // An absent number is neither above nor below anything.
    assert!(!holds("Company.employees < 10"));
    assert!(!holds("Company.employees >= 0"));
}

#[test]
fn t3_several_filters_combine_with_and() {
    let both = set(
        &["Company.industry = Software", "User.status = active"],
        None,
    );
    assert!(both.matches(&company(), &user()));
    let one_fails = set(
        &["Company.industry = Software", "User.status = inactive"],
        None,
    );
    assert!(!one_fails.matches(&company(), &user()));
    assert_eq!(one_fails.failing(&company(), &user()), vec![2]);
    assert!(FilterSet::default().matches(&company(), &user()));
}

#[test]
fn t3_advanced_logic_combines_filters_by_number() {
    let filters = [
        "Company.industry = Retail",
        "User.status = active",
        "Company.arr < 10000",
    ];
    let check = |logic: &str| set(&filters, Some(logic)).matches(&company(), &user());
    assert!(check("(1 AND 2) OR 3"));
    assert!(!check("1 AND (2 OR 3)"));
    assert!(check("NOT 1 AND 2 AND 3"));
    assert!(!check("NOT (1 OR 2) AND 3"));
    // AND binds tighter than OR.
    assert!(check("1 AND 2 OR 3"));
    assert!(check("1 or 2 and 3"));
    let parsed = set(&filters, Some("1 AND 2 OR 3")).logic.unwrap();
    assert_eq!(parsed.to_string(), "1 AND 2 OR 3");
    assert!(matches!(parsed, LogicExpr::Or(..)));
    assert!(set(&filters, Some("  ")).logic.is_none());
}

#[test]
fn t3_parse_errors_name_the_filter_and_column() {
    assert_eq!(
        error(&["Company.industry = Software", "User.department equals Sales"], None),
        "filter 2 at column 17: expected an operator (=, !=, contains, not contains, in, not in, >, <, >=, <=, is empty, is not empty), found 'equals'"
    );
    let err = FilterSet::parse(&["User.department equals Sales"], None).unwrap_err();
    assert_eq!(
        err.pointer(),
        "User.department equals Sales\n                ^"
    );
    for (filter, expected) in [
        (
            "Account.name = x",
            "column 1: expected Company, User or Meeting, found 'Account'",
        ),
        (
            "= x",
            "column 1: expected Company, User or Meeting, found '='",
        ),
        (
            "Company name = x",
            "column 8: expected '.' and a field name",
        ),
        (
            "Company. = x",
            "column 9: expected a field name after 'Company.'",
        ),
        ("Company.name =", "column 15: expected a value after '='"),
        ("Company.name = \"Acme", "column 16: unterminated string"),
        (
            "Company.name = \"a\\nb\"",
            "column 18: unknown escape '\\n'",
        ),
        (
            "Company.name = \"a\" b",
            "column 20: unexpected 'b' after the quoted value",
        ),
        ("Company.tier in Gold", "column 17: expected '('"),
        (
            "Company.tier in (a,, b)",
            "column 20: expected a value in the list",
        ),
        ("Company.tier in (a b", "column 21: expected ',' or ')'"),
        (
            "Company.tier is full",
            "column 17: expected 'empty' or 'not empty'",
        ),
        (
            "Company.tier is empty now",
            "column 23: unexpected 'now' after 'is empty'",
        ),
        (
            "Company.tier not equal x",
            "column 18: expected 'contains' or 'in' after 'not'",
        ),
        (
            "Company.tier = Gold AND User.x = y",
            "column 21: one filter holds one condition",
        ),
    ] {
        let err = error(&[filter], None);
        assert!(err.contains(expected), "{filter:?}: {err}");
    }
}

#[test]
fn t3_logic_errors_point_at_the_problem() {
    let two = ["Company.a = 1", "Company.b = 2"];
    for (logic, expected) in [
        (
            "1 AND 3",
            "logic at column 7: filter 3 does not exist (there are 2 filters)",
        ),
        (
            "1",
            "logic at column 1: filter 2 is not used in the logic expression",
        ),
        (
            "(1 AND 2",
            "logic at column 9: expected ')', found end of input",
        ),
        (
            "1 AND 2)",
            "logic at column 8: expected AND, OR or the end of the expression, found ')'",
        ),
        ("1 XOR 2", "logic at column 3: expected AND, OR or the end"),
        (
            "1 AND",
            "logic at column 6: expected a filter number, '(' or NOT, found end of input",
        ),
        ("1 AND AND 2", "logic at column 7: expected a filter number"),
    ] {
        let err = error(&two, Some(logic));
        assert!(err.starts_with(expected), "{logic:?}: {err}");
    }
    let deep = format!("{}1 AND 2{}", "(".repeat(100), ")".repeat(100));
    assert!(error(&two, Some(&deep)).contains("nests deeper"));
}

#[test]
fn t3_filters_display_in_a_form_that_parses_back() {
    let tricky = [
        "Software",
        "Acme Corp",
        "",
        " padded ",
        "\"quoted\"",
        "say \"hi\"",
        "a, b (c)",
        "back\\slash",
        "Johnson AND Johnson",
        "10000",
        "is empty",
    ];
    let ops: [fn(Value) -> Op; 8] = [
        Op::Eq,
        Op::Ne,
        Op::Contains,
        Op::NotContains,
        Op::Gt,
        Op::Lt,
        Op::Ge,
        Op::Le,
    ];
    let mut filters = Vec::new();
    for text in tricky {
        for make in ops {
            filters.push(make(Value::new(text)));
        }
        filters.push(Op::In(vec![Value::new(text), Value::new("x")]));
        filters.push(Op::NotIn(vec![Value::new(text)]));
    }
    filters.extend([Op::IsEmpty, Op::IsNotEmpty]);
    for (i, op) in filters.into_iter().enumerate() {
        for field in ["industry", "Annual Revenue", "x-y_1"] {
            let object = if i % 2 == 0 {
                Object::Company
            } else {
                Object::User
            };
            let filter = Filter {
                object,
                field: field.into(),
                op: op.clone(),
            };
            let shown = filter.to_string();
            let back: Filter = shown.parse().unwrap_or_else(|e| panic!("{shown}: {e}"));
            assert_eq!(back, filter, "{shown}");
            assert_eq!(back.to_string(), shown);
        }
    }
}

#[test]
fn t3_display_is_canonical() {
    let f: Filter = "  company.Industry   ==   Software  ".parse().unwrap();
    assert_eq!(f.to_string(), "Company.Industry = Software");
    let f: Filter = "User.team not in ( a ,\"b\" )".parse().unwrap();
    assert_eq!(f.to_string(), "User.team not in (a, b)");
}

/// Every logic expression over filters 1..=3 up to a small depth.
fn expressions(depth: usize) -> Vec<LogicExpr> {
    let mut out: Vec<LogicExpr> = (1..=3).map(LogicExpr::Filter).collect();
    if depth == 0 {
        return out;
    }
    let smaller = expressions(depth - 1);
    for a in &smaller {
        out.push(LogicExpr::Not(Box::new(a.clone())));
        for b in smaller.iter().take(6) {
            out.push(LogicExpr::And(vec![a.clone(), b.clone()]));
            out.push(LogicExpr::Or(vec![a.clone(), b.clone()]));
        }
    }
    out
}

#[test]
fn t3_logic_display_round_trips_with_minimal_parentheses() {
    for expr in expressions(2) {
        let shown = expr.to_string();
        let back = logic::parse(&shown, 3).map(Some).or_else(|(_, m)| {
            // Expressions that leave a filter unused are refused by design.
            assert!(m.contains("is not used"), "{shown}: {m}");
            Ok::<_, ()>(None)
        });
        if let Ok(Some(back)) = back {
            assert_eq!(back, expr, "{shown}");
        }
    }
    let e = LogicExpr::And(vec![
        LogicExpr::Filter(1),
        LogicExpr::And(vec![LogicExpr::Filter(2), LogicExpr::Filter(3)]),
    ]);
    assert_eq!(e.to_string(), "1 AND (2 AND 3)");
}

#[test]
fn t3_filter_set_displays_for_the_skip_message() {
    let plain = set(
        &["Company.industry = Software", "User.status = active"],
        None,
    );
    assert_eq!(
        plain.to_string(),
        "Company.industry = Software AND User.status = active"
    );
    let logic = set(&["Company.a = 1", "Company.b = 2"], Some("1 or not 2"));
    assert_eq!(
        logic.to_string(),
        "1 OR NOT 2 where 1: Company.a = 1; 2: Company.b = 2"
    );
}

#[test]
fn a_doubled_or_mistyped_operator_is_refused_not_read_as_a_value() {
    for text in [
        "Company.industry != = Retail",
        "Company.arr >> 5",
        "Company.industry ==== x",
        "Company.arr => 5",
    ] {
        let err = text.parse::<Filter>().unwrap_err();
        assert!(
            err.message.contains("one operator per filter"),
            "{text}: {err}"
        );
    }
    let quoted: Filter = r#"Company.code = "=A""#.parse().unwrap();
    assert_eq!(quoted.to_string(), r#"Company.code = "=A""#);
}

/// Runs `f` on a thread with a small stack (64 KiB), where recursion in proportion
/// to the input would overflow.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no stack overflow")
}

#[test]
fn sec1_a_flat_chain_of_100000_terms_parses_evaluates_prints_and_drops_without_deep_recursion() {
    on_small_stack(|| {
        for word in [" AND ", " OR "] {
            let logic = vec!["1"; 100_000].join(word);
            let parsed = logic::parse(&logic, 1).expect("parses");
            assert!(matches!(&parsed, LogicExpr::And(v) | LogicExpr::Or(v) if v.len() == 100_000));
            assert!(parsed.eval(&[true]));
            assert_eq!(parsed.to_string().len(), logic.len());
            drop(parsed);
        }
    });
}

#[test]
fn single_quoted_values_are_pointed_out_double_quoted_ones_are_not() {
    let set = FilterSet::parse(
        &[
            "Company.industry = 'Retail'",
            "Company.tier in (Gold, 'Silver')",
            "Company.name = \"Acme\"",
            "Company.note contains it's",
        ],
        None,
    )
    .expect("valid filters");
    let quoted: Vec<Vec<&str>> = set
        .filters
        .iter()
        .map(|f| f.single_quoted_values())
        .collect();
    assert_eq!(
        quoted,
        [
            vec!["'Retail'"],
            vec!["'Silver'"],
            Vec::<&str>::new(),
            Vec::new()
        ]
    );
}
