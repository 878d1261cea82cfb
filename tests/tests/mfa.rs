//! Multi-factor sign-in and the sign-in limit per account, on the real stack: a user enrols a
//! TOTP secret and confirms it with a code; from then on signing in takes a fresh code as well
//! as the password (asked for only once the password was right), a code works once only, a
//! refresh asks for none, and a code turns MFA off again. An account that fails to sign in too
//! often — wrong passwords or wrong codes — is refused with 429 for the window, the right
//! password included, while the tenant's other accounts sign in as before. The codes are
//! computed here from the secret the API answers, as an authenticator app would.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prism_command_api::identity::login_attempts::DEFAULT_FAILURES_MAX;
use prism_command_api::identity::totp::{Secret, STEP_SECS};
use prism_tests::system::{new_tenant, Answer, System, SystemOptions, TestUser, USER_PASSWORD};
use serde_json::{json, Value};

fn options() -> SystemOptions {
    SystemOptions { projectors: vec![], kafka_brokers: None }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// `POST /v1/auth/login` for `user` of `tenant` with `password` and, if any, `mfa_code`.
async fn login(system: &System, tenant: &str, email: &str, password: &str, mfa_code: Option<&str>) -> Answer {
    let mut body = json!({"tenant": tenant, "email": email, "password": password});
    if let Some(code) = mfa_code {
        body["mfa_code"] = json!(code);
    }
    system.send_post(None, "/v1/auth/login", serde_json::to_vec(&body).unwrap(), &[]).await
}

/// `POST` of the MFA route `action` as `user`, with `code` if any.
async fn mfa(system: &System, user: &TestUser, action: &str, code: Option<&str>) -> Answer {
    let body = code.map_or(Value::Null, |code| json!({ "code": code }));
    system.post_as(&user.token, &format!("/v1/auth/mfa/{action}"), &body).await
}

/// Enrols `user` and confirms with the code of the step before `now` (the codes of `now` and
/// after stay fresh); the secret.
async fn enrol_and_confirm(system: &System, user: &TestUser, now: u64) -> Secret {
    let enrolled = mfa(system, user, "enrol", None).await;
    assert_eq!(enrolled.status.as_u16(), 201, "{}", enrolled.body);
    let secret = Secret::from_base32(enrolled.body["secret"].as_str().unwrap()).unwrap();
    let confirmed = mfa(system, user, "confirm", Some(&secret.code_at(now - STEP_SECS))).await;
    assert_eq!(confirmed.status.as_u16(), 204, "{}", confirmed.body);
    secret
}

/// The current time, once at least `needed_secs` are left of its time step (waiting for the
/// next step if not), so that codes computed from it stay valid while a test uses them.
async fn time_with_step_left(needed_secs: u64) -> u64 {
    let now = unix_now();
    let left = STEP_SECS - now % STEP_SECS;
    if left >= needed_secs {
        return now;
    }
    tokio::time::sleep(Duration::from_secs(left + 1)).await;
    unix_now()
}

/// A 6-digit code that is not `secret`'s for `now` or a step either side.
fn wrong_code(secret: &Secret, now: u64) -> String {
    let valid = [now - STEP_SECS, now, now + STEP_SECS].map(|time| secret.code_at(time));
    ["000000", "111111", "222222", "333333"].into_iter().find(|code| !valid.iter().any(|v| v == code)).unwrap().into()
}

#[tokio::test(flavor = "multi_thread")]
async fn with_mfa_on_signing_in_takes_a_fresh_code_once_the_password_is_right() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    // any signed-in user manages their own MFA: no permission needed
    let user = system.user(&tenant, &["warehouse"]).await;
    system.send_post(None, "/v1/auth/mfa/enrol", Vec::new(), &[]).await.assert_problem(401, "unauthenticated");
    mfa(&system, &user, "confirm", Some("123456")).await.assert_problem(409, "mfa-not-enrolled");

    let enrolled = mfa(&system, &user, "enrol", None).await;
    assert_eq!(enrolled.status.as_u16(), 201, "{}", enrolled.body);
    let text = enrolled.body["secret"].as_str().unwrap();
    assert_eq!(text.len(), 32, "160 bits in base32");
    let expected_uri = format!("otpauth://totp/Prism:{}?secret={text}&issuer=Prism", user.email);
    assert_eq!(enrolled.body["otpauth_uri"], expected_uri.as_str());
    let secret = Secret::from_base32(text).unwrap();
    let pending = login(&system, &tenant, &user.email, USER_PASSWORD, None).await;
    assert_eq!(pending.status.as_u16(), 200, "a pending enrolment changes nothing yet: {}", pending.body);

    let now = time_with_step_left(15).await;
    let wrong = mfa(&system, &user, "confirm", Some(&wrong_code(&secret, now))).await;
    wrong.assert_problem(422, "invalid-mfa-code");
    assert_eq!(wrong.body["field"], "code");
    let confirmed = mfa(&system, &user, "confirm", Some(&secret.code_at(now - STEP_SECS))).await;
    assert_eq!(confirmed.status.as_u16(), 204, "{}", confirmed.body);
    mfa(&system, &user, "enrol", None).await.assert_problem(409, "mfa-already-enabled");

    // the code is asked for only once the password was right
    let sign_in = |password: &'static str, code: Option<String>| {
        let (system, tenant, email) = (&system, &tenant, &user.email);
        async move { login(system, tenant, email, password, code.as_deref()).await }
    };
    sign_in("not-the-password-at-all", None).await.assert_problem(401, "invalid-credentials");
    sign_in(USER_PASSWORD, None).await.assert_problem(401, "mfa-required");
    sign_in(USER_PASSWORD, Some(wrong_code(&secret, now))).await.assert_problem(401, "invalid-mfa-code");
    let code = secret.code_at(now);
    let signed_in = sign_in(USER_PASSWORD, Some(code.clone())).await;
    assert_eq!(signed_in.status.as_u16(), 200, "{}", signed_in.body);
    assert!(signed_in.body["access_token"].is_string(), "{}", signed_in.body);

    // a code works once: the same one again, or the older one that confirmed, is refused
    sign_in(USER_PASSWORD, Some(code.clone())).await.assert_problem(401, "invalid-mfa-code");
    sign_in(USER_PASSWORD, Some(secret.code_at(now - STEP_SECS))).await.assert_problem(401, "invalid-mfa-code");

    // the session was verified at sign-in: refreshing asks for no code
    let refresh = json!({"refresh_token": signed_in.body["refresh_token"]});
    let refreshed = system.send_post(None, "/v1/auth/refresh", serde_json::to_vec(&refresh).unwrap(), &[]).await;
    assert_eq!(refreshed.status.as_u16(), 200, "{}", refreshed.body);

    // turning it off takes a fresh code too; then the password alone signs in again
    mfa(&system, &user, "disable", Some(&code)).await.assert_problem(422, "invalid-mfa-code");
    let disabled = mfa(&system, &user, "disable", Some(&secret.code_at(now + STEP_SECS))).await;
    assert_eq!(disabled.status.as_u16(), 204, "{}", disabled.body);
    mfa(&system, &user, "disable", Some(&code)).await.assert_problem(409, "mfa-not-enabled");
    let plain = sign_in(USER_PASSWORD, None).await;
    assert_eq!(plain.status.as_u16(), 200, "{}", plain.body);
}

/// Signs `email` of `tenant` in with a wrong password `times` times, each refused with 401.
async fn fail(system: &System, tenant: &str, email: &str, times: u64) {
    for _ in 0..times {
        login(system, tenant, email, "a-wrong-password", None).await.assert_problem(401, "invalid-credentials");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_failing_too_often_is_locked_for_the_window_and_the_others_are_not() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let (locked, other) = (system.user(&tenant, &["sales"]).await, system.user(&tenant, &["sales"]).await);

    fail(&system, &tenant, &locked.email, DEFAULT_FAILURES_MAX).await;
    let refused = login(&system, &tenant, &locked.email, "a-wrong-password", None).await;
    refused.assert_problem(429, "too-many-login-attempts");
    let retry_after: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "within the 15-minute window: {retry_after}");
    assert_eq!(refused.body["retry_after_secs"], retry_after);
    let right = login(&system, &tenant, &locked.email, USER_PASSWORD, None).await;
    right.assert_problem(429, "too-many-login-attempts");

    // the tenant's other account is not affected, and a success clears its own failures
    fail(&system, &tenant, &other.email, DEFAULT_FAILURES_MAX - 1).await;
    assert_eq!(login(&system, &tenant, &other.email, USER_PASSWORD, None).await.status.as_u16(), 200);
    fail(&system, &tenant, &other.email, DEFAULT_FAILURES_MAX).await;
    assert_eq!(login(&system, &tenant, &other.email, USER_PASSWORD, None).await.status.as_u16(), 429);

    // an unknown email is limited alike, so the 429 tells nothing about which accounts exist
    fail(&system, &tenant, "nobody@example.com", DEFAULT_FAILURES_MAX).await;
    let unknown = login(&system, &tenant, "nobody@example.com", USER_PASSWORD, None).await;
    unknown.assert_problem(429, "too-many-login-attempts");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_mfa_codes_count_against_the_account_like_wrong_passwords() {
    let system = System::start_with(options()).await;
    let tenant = new_tenant();
    let user = system.user(&tenant, &["accountant"]).await;
    let now = time_with_step_left(10).await;
    let secret = enrol_and_confirm(&system, &user, now).await;

    let wrong = wrong_code(&secret, now);
    for _ in 0..DEFAULT_FAILURES_MAX {
        let failed = login(&system, &tenant, &user.email, USER_PASSWORD, Some(&wrong)).await;
        failed.assert_problem(401, "invalid-mfa-code");
    }
    let right = login(&system, &tenant, &user.email, USER_PASSWORD, Some(&secret.code_at(now))).await;
    right.assert_problem(429, "too-many-login-attempts");
}
