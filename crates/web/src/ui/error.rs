//! [`PageError`]: the pages' error type. A handler returns [`PageResult`] and uses
//! `?` on anything that becomes an [`ApiError`]; the error renders itself as the
//! error page inside the layout (the navigation and a way back) with its variant's
//! status, as the API's error renders itself as JSON. A refused form that is shown
//! again with the error beside its field is not a `PageError`: see [`refused`].

use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup};

use crate::error::ApiError;
use crate::ui::layout;

/// Why a page could not be shown; renders as the error page.
#[derive(Debug)]
pub struct PageError(pub ApiError);

/// A page handler's result: by default a response.
pub type PageResult<T = Response> = Result<T, PageError>;

// Anything the API's error is made from makes a page error too, so `?` works on
// store, sync and connection errors alike.
impl<E: Into<ApiError>> From<E> for PageError {
    fn from(error: E) -> PageError {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log();
        (self.0.status(), Html(page(&self.0).into_string())).into_response()
    }
}

/// The error page: its heading, the public message, and the way back.
fn page(error: &ApiError) -> Markup {
    let forbidden = error.status().as_u16() == 403;
    let body = html! {
        div.error-box role="alert" { p.error id="error" { (error.public_message()) } }
        div.actions {
            @if forbidden {
                a.button.primary href="/companies" { "Back to the Timeline" }
            } @else {
                a.button.primary href="/connectors" { "Back to Connectors" }
                a.button href="/log" { "Execution log" }
            }
        }
    };
    layout::shell(heading(error), None, true, body)
}

/// The error page's title: what the status means to the admin.
fn heading(error: &ApiError) -> &'static str {
    match error.status().as_u16() {
        400 => "That address does not work",
        404 => "Not found",
        403 => "Not allowed",
        409 => "Not now",
        410 => "Expired",
        422 => "Please check the input",
        502 => "Gong did not answer",
        _ => "Something went wrong",
    }
}

/// A form shown again with `error` beside its field, answered with the error's status.
pub fn refused(error: &ApiError, page: Markup) -> Response {
    (error.status(), page).into_response()
}

/// `GET` of a page that does not exist.
pub(crate) async fn not_found() -> PageError {
    PageError(ApiError::NotFound(
        "There is no page at this address.".to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn each_status_has_a_heading_the_admin_understands() {
        let cases = [
            (
                ApiError::BadRequest("x".into()),
                "That address does not work",
            ),
            (ApiError::NotFound("x".into()), "Not found"),
            (ApiError::Forbidden("x".into()), "Not allowed"),
            (ApiError::Conflict("x".into()), "Not now"),
            (ApiError::Gone("x".into()), "Expired"),
            (ApiError::invalid("name", "x"), "Please check the input"),
            (ApiError::BadGateway("x".into()), "Gong did not answer"),
            (ApiError::Internal("x".into()), "Something went wrong"),
        ];
        for (error, expected) in cases {
            assert_eq!(heading(&error), expected, "{error:?}");
        }
    }

    #[test]
    fn an_error_page_has_the_status_of_its_error_and_withholds_internal_details() {
        let internal = ApiError::Internal("db password wrong".into());
        let html = page(&internal).into_string();
        assert!(!html.contains("db password"), "{html}");
        assert!(
            html.contains("Something went wrong on the server"),
            "{html}"
        );
        let response = PageError(internal).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);

        let store: PageError = gong_timeline_store::StoreError::ReadOnly.into();
        assert_eq!(store.0.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
