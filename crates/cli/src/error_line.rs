//! How the command line prints a failure: the error and its causes on one line,
//! each said once.

/// `error` and its causes joined with ": ", skipping a cause whose text is already
/// in the line: database drivers repeat their source's message inside their own, so
/// a plain chain said the same sentence two or three times.
pub fn error_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::error_line;

    #[derive(Debug)]
    struct Wrapping {
        text: &'static str,
        source: Option<Box<Wrapping>>,
    }

    impl std::fmt::Display for Wrapping {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.text)
        }
    }

    impl std::error::Error for Wrapping {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.source.as_deref().map(|s| s as _)
        }
    }

    fn wrap(text: &'static str, source: Option<Wrapping>) -> Wrapping {
        Wrapping {
            text,
            source: source.map(Box::new),
        }
    }

    #[test]
    fn a_cause_repeated_inside_its_wrapper_is_said_once() {
        let inner = wrap("(code: 8) attempt to write a readonly database", None);
        let middle = wrap(
            "error returned from database: (code: 8) attempt to write a readonly database",
            Some(inner),
        );
        let outer = wrap("database error while starting a job: error returned from database: (code: 8) attempt to write a readonly database", Some(middle));
        let line = error_line(&anyhow::Error::new(outer));
        assert_eq!(line.matches("readonly").count(), 1, "{line}");
    }

    #[test]
    fn distinct_causes_are_all_said_in_order() {
        let error = anyhow::Error::new(wrap("disk full", None)).context("cannot write job-1.xlsx");
        assert_eq!(error_line(&error), "cannot write job-1.xlsx: disk full");
    }
}
