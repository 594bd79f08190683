//! Single sign-on (A2) with the test OpenID Connect provider.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use crate::oidc_provider::{Fault, Next};
use crate::world::in_a_browser;

/// A2: a member signs in with the OpenID Connect provider and lands on the
/// Timeline; a token for another audience, with another nonce or expired, and an
/// email of a domain not allowed, are each refused with a page that says why, and
/// no session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and chromedriver: apt-get install -y chromium chromium-driver, then REQUIRE_BROWSER=1 cargo test -p gong_timeline_web --test browser"
)]
async fn single_sign_on_lets_a_member_in_and_refuses_each_bad_token_saying_why() {
    in_a_browser("sso", async |w| {
        let (base, b, idp) = (&w.app.base, &mut w.b, &w.idp);
        let member = |fault| {
            let mut claims = serde_json::Map::new();
            claims.insert("role".into(), json!("member"));
            Next {
                email: "csm@example.org".into(),
                claims,
                fault,
            }
        };
        b.client.delete_all_cookies().await?;
        idp.sign_in_next(member(Fault::None));
        b.visit(&format!("{base}/login"), "login-sso").await?;
        b.click("#sso").await?;
        b.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Id("company-search"))
            .await?;
        assert!(b
            .client
            .current_url()
            .await?
            .path()
            .starts_with("/companies"));
        let refusals = [
            (member(Fault::WrongAudience), "audience"),
            (member(Fault::WrongNonce), "nonce"),
            (member(Fault::Expired), "expired"),
            (
                Next {
                    email: "someone@elsewhere.example".into(),
                    ..member(Fault::None)
                },
                "domain is not one this Timeline allows",
            ),
        ];
        for (next, why) in refusals {
            b.client.delete_all_cookies().await?;
            idp.sign_in_next(next);
            b.client.goto(&format!("{base}/login")).await?;
            b.click("#sso").await?;
            let text = b.text("#sso-error").await?;
            assert!(text.contains(why), "{why}: {text}");
            b.client.goto(&format!("{base}/companies")).await?;
            assert!(
                b.client.current_url().await?.path().starts_with("/login"),
                "{why}: no session"
            );
        }
        b.client.goto(&format!("{base}/login")).await?;
        b.click("#sso").await?;
        b.text("#sso-error").await?;
        b.audit("sso-refused").await?;
        Ok(())
    })
    .await;
}
