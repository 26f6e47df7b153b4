//! Bearer authentication through HTTP with each key source: an RS256 or ES256 public key
//! file, a JWKS file (keys picked by `kid`), an HS256 secret; the time, issuer and audience
//! checks; forged and algorithm-confused tokens; and the binary's handling of key settings.
//!
//! The keys under tests/keys are test-only key pairs generated for this suite (see the
//! README there); the JWKS holds the public halves of test-rsa-1, test-ec-1 and test-rsa-2.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::fixtures::{self, ACME, GLOBEX};
use common::{Backend, SECRET, TestApp, TestDb, first_code};
use conversations_graph::auth::{TokenChecks, TokenKeys};
use conversations_graph::seed::demo_company_id;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs `async fn name(db: TestDb)` once per backend with a fresh migrated database, as
/// `sqlite::name` and `postgres::name`.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = crate::TestDb::create(crate::Backend::Sqlite).await.unwrap();
                super::$name(db).await;
            })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(db) = crate::TestDb::create(crate::Backend::Postgres).await else {
                    return;
                };
                super::$name(db).await;
            })+
        }
    };
}

fn key_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/keys")
        .join(name)
}

fn key_file(name: &str) -> Vec<u8> {
    std::fs::read(key_path(name)).unwrap_or_else(|e| panic!("tests/keys/{name}: {e}"))
}

const RSA_PUBLIC: &str = "test-only-rsa-public.pem";
const EC_PUBLIC: &str = "test-only-ec-public.pem";
const JWKS: &str = "test-only-jwks.json";

fn rsa_private() -> EncodingKey {
    EncodingKey::from_rsa_pem(&key_file("test-only-rsa-private.pem")).unwrap()
}

/// A second RSA key: the JWKS knows it as test-rsa-2; the PEM verifiers do not know it.
fn rsa2_private() -> EncodingKey {
    EncodingKey::from_rsa_pem(&key_file("test-only-rsa2-private.pem")).unwrap()
}

fn ec_private() -> EncodingKey {
    EncodingKey::from_ec_pem(&key_file("test-only-ec-private.pem")).unwrap()
}

fn rsa_pem_keys() -> TokenKeys {
    TokenKeys::from_public_key_pem(&key_file(RSA_PUBLIC), None).expect("the RSA key loads")
}

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

/// The claims of a good token: Acme, the read scope, an hour to live.
fn claims() -> Value {
    json!({
        "sub": "tester",
        "company_id": ACME,
        "scope": "read:conversations",
        "exp": now() + 3600,
    })
}

/// `claims()` with `changes` merged in (a null removes the claim).
fn claims_with(changes: Value) -> Value {
    let mut claims = claims();
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(name);
        } else {
            claims[name] = value.clone();
        }
    }
    claims
}

fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, key).expect("the test token signs")
}

/// A good token (`claims()`) whose header names the key `kid`.
fn with_kid(alg: Algorithm, kid: &str, key: &EncodingKey) -> String {
    sign(alg, Some(kid), key, &claims())
}

fn rs256(claims: &Value) -> String {
    sign(Algorithm::RS256, None, &rsa_private(), claims)
}

/// Fixtures loaded, then the app served with `verifier`.
async fn serve(db: TestDb, verifier: TokenKeys) -> TestApp {
    fixtures::load(&db.conn).await;
    TestApp::serve_with_keys(db, verifier).await
}

const COUNT: &str = "{ conversations { totalCount } }";

/// POSTs a count of the company's conversations with the token; the status, the
/// `WWW-Authenticate` header and the body.
async fn ask(app: &TestApp, token: &str) -> (u16, Option<String>, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": COUNT }))
        .send()
        .await
        .expect("the request reaches the server");
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        status,
        challenge,
        response.json().await.expect("a JSON body"),
    )
}

/// The token is accepted and sees Acme's six conversations (the fixtures' count).
async fn assert_accepted(app: &TestApp, token: &str, what: &str) {
    let (status, _, body) = ask(app, token).await;
    assert_eq!(status, 200, "{what}: {body}");
    assert!(body.get("errors").is_none(), "{what}: {body}");
    assert_eq!(body["data"]["conversations"]["totalCount"], 6, "{what}");
}

/// The token gets HTTP 401 with `WWW-Authenticate: Bearer`, an UNAUTHENTICATED error and no
/// data; returns the error message.
async fn assert_refused(app: &TestApp, token: &str, what: &str) -> String {
    let (status, challenge, body) = ask(app, token).await;
    assert_eq!(status, 401, "{what}: {body}");
    assert_eq!(challenge.as_deref(), Some("Bearer"), "{what}");
    assert_eq!(first_code(&body), "UNAUTHENTICATED", "{what}");
    assert!(body.get("data").is_none(), "{what}: {body}");
    body["errors"][0]["message"].as_str().unwrap().to_owned()
}

async fn an_rs256_public_key_file_verifies_its_tokens(db: TestDb) {
    // The same public key in PKCS#1 form (`BEGIN RSA PUBLIC KEY`), with the algorithm given
    // explicitly, as JWT_ALGORITHM=RS256 does.
    let pkcs1 = key_file("test-only-rsa-public-pkcs1.pem");
    let keys = TokenKeys::from_public_key_pem(&pkcs1, Some(Algorithm::RS256))
        .expect("the RSA key loads as RS256");
    let app = serve(db, keys).await;
    assert_accepted(&app, &rs256(&claims()), "RS256").await;
    // A `kid` the issuer adds does not matter with a single configured key.
    let kid_added = with_kid(Algorithm::RS256, "any", &rsa_private());
    assert_accepted(&app, &kid_added, "RS256 with a kid").await;
    let other_key = sign(Algorithm::RS256, None, &rsa2_private(), &claims());
    let message = assert_refused(&app, &other_key, "signed by another RSA key").await;
    assert_eq!(message, "invalid bearer token");
    // The HS256 test secret means nothing to a public key server.
    assert_refused(&app, &app.reader(ACME), "HS256 with the test secret").await;
}

async fn an_es256_public_key_file_verifies_its_tokens(db: TestDb) {
    // No algorithm given: an EC P-256 key is detected as ES256.
    let keys = TokenKeys::from_public_key_pem(&key_file(EC_PUBLIC), None).expect("the EC key");
    let app = serve(db, keys).await;
    let token = sign(Algorithm::ES256, None, &ec_private(), &claims());
    assert_accepted(&app, &token, "ES256").await;
    assert_refused(&app, &rs256(&claims()), "RS256 against an ES256 key").await;
}

async fn a_jwks_picks_the_key_by_kid(db: TestDb) {
    let keys = TokenKeys::from_jwks(&key_file(JWKS)).expect("the JWKS loads");
    let app = serve(db, keys).await;
    let rsa1 = with_kid(Algorithm::RS256, "test-rsa-1", &rsa_private());
    assert_accepted(&app, &rsa1, "kid test-rsa-1").await;
    let ec1 = with_kid(Algorithm::ES256, "test-ec-1", &ec_private());
    assert_accepted(&app, &ec1, "kid test-ec-1").await;
    let rsa2 = with_kid(Algorithm::RS256, "test-rsa-2", &rsa2_private());
    assert_accepted(&app, &rsa2, "kid test-rsa-2").await;

    let unknown = with_kid(Algorithm::RS256, "test-rsa-9", &rsa_private());
    assert_refused(&app, &unknown, "an unknown kid").await;
    // Three keys in the set: a token that names none is refused, even if one would verify.
    assert_refused(&app, &rs256(&claims()), "no kid, three keys").await;
    let wrong_key = with_kid(Algorithm::RS256, "test-rsa-1", &rsa2_private());
    assert_refused(&app, &wrong_key, "kid test-rsa-1, signed by test-rsa-2").await;
    let wrong_alg = with_kid(Algorithm::RS256, "test-ec-1", &rsa_private());
    assert_refused(&app, &wrong_alg, "an RS256 token naming the ES256 key").await;
}

async fn a_one_key_jwks_accepts_a_token_without_kid(db: TestDb) {
    let mut set: JwkSet = serde_json::from_slice(&key_file(JWKS)).unwrap();
    set.keys.truncate(1); // test-rsa-1
    let keys = TokenKeys::from_jwks(&serde_json::to_vec(&set).unwrap()).unwrap();
    let app = serve(db, keys).await;
    assert_accepted(&app, &rs256(&claims()), "no kid, one key").await;
    let named = with_kid(Algorithm::RS256, "test-rsa-1", &rsa_private());
    assert_accepted(&app, &named, "kid test-rsa-1").await;
    let unknown = with_kid(Algorithm::RS256, "test-rsa-2", &rsa_private());
    assert_refused(&app, &unknown, "a kid not in the set").await;
}

async fn forged_and_algorithm_confused_tokens_are_refused(db: TestDb) {
    let app = serve(db, rsa_pem_keys()).await;
    let good = rs256(&claims());
    assert_accepted(&app, &good, "the untouched token").await;
    let parts: Vec<&str> = good.split('.').collect();
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());

    // Acme's signature over Globex's claims.
    let globex = claims_with(json!({ "company_id": GLOBEX }));
    let tampered = format!("{}.{}.{}", parts[0], b64(&globex), parts[2]);
    // The signature with one bit flipped.
    let mut signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    signature[10] ^= 1;
    let flipped = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        URL_SAFE_NO_PAD.encode(signature)
    );
    // HS256 with the (public) key file as the HMAC secret: the classic confusion.
    let confused = sign(
        Algorithm::HS256,
        None,
        &EncodingKey::from_secret(&key_file(RSA_PUBLIC)),
        &claims(),
    );
    // Unsigned, with and without the original signature.
    let none_header = b64(&json!({ "alg": "none", "typ": "JWT" }));
    let unsigned = format!("{none_header}.{}.", parts[1]);
    let none_signed = format!("{none_header}.{}.{}", parts[1], parts[2]);
    // ES256 where RS256 is configured.
    let es256 = sign(Algorithm::ES256, None, &ec_private(), &claims());
    // Signed by an unknown key that the header offers as its own `jwk`.
    let set: JwkSet = serde_json::from_slice(&key_file(JWKS)).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.jwk = Some(set.find("test-rsa-2").unwrap().clone());
    let self_vouched = encode(&header, &claims(), &rsa2_private()).unwrap();

    for (token, what) in [
        (tampered, "payload changed under the signature"),
        (flipped, "signature bit flipped"),
        (confused, "HS256 signed with the public key as secret"),
        (unsigned, "alg none, no signature"),
        (none_signed, "alg none, old signature"),
        (es256, "ES256 against an RS256 key"),
        (self_vouched, "signed by a key carried in its own header"),
        ("a.b.c".to_owned(), "not base64 JSON"),
    ] {
        let message = assert_refused(&app, &token, what).await;
        // Generic: no key material, no parser complaint.
        assert_eq!(message, "invalid bearer token", "{what}");
    }
}

async fn expiry_and_not_before_are_checked_with_the_leeway(db: TestDb) {
    // Default checks: 30 s of leeway.
    let app = serve(db, rsa_pem_keys()).await;
    let expired = rs256(&claims_with(json!({ "exp": now() - 120 })));
    let message = assert_refused(&app, &expired, "expired 2 minutes ago").await;
    assert_eq!(message, "the bearer token has expired");
    let just_expired = rs256(&claims_with(json!({ "exp": now() - 10 })));
    assert_accepted(&app, &just_expired, "expired 10 s ago, within the leeway").await;
    let no_exp = rs256(&claims_with(json!({ "exp": null })));
    assert_refused(&app, &no_exp, "no exp").await;

    let not_yet = rs256(&claims_with(json!({ "nbf": now() + 120 })));
    assert_refused(&app, &not_yet, "nbf in 2 minutes").await;
    let almost = rs256(&claims_with(json!({ "nbf": now() + 10 })));
    assert_accepted(&app, &almost, "nbf in 10 s, within the leeway").await;
    let started = rs256(&claims_with(json!({ "nbf": now() - 60 })));
    assert_accepted(&app, &started, "nbf a minute ago").await;
}

async fn a_configured_leeway_replaces_the_default(db: TestDb) {
    let checks = TokenChecks {
        leeway_seconds: 300,
        ..TokenChecks::default()
    };
    let app = serve(db, rsa_pem_keys().with_checks(checks)).await;
    let expired = rs256(&claims_with(json!({ "exp": now() - 120 })));
    assert_accepted(&app, &expired, "expired 2 minutes ago, leeway 5 minutes").await;
    let long_expired = rs256(&claims_with(json!({ "exp": now() - 600 })));
    assert_refused(&app, &long_expired, "expired 10 minutes ago").await;
    let not_yet = rs256(&claims_with(json!({ "nbf": now() + 120 })));
    assert_accepted(&app, &not_yet, "nbf in 2 minutes, leeway 5 minutes").await;
}

const ISSUER: &str = "https://auth.example.test/";
const AUDIENCE: &str = "conversations-graph";

async fn issuer_and_audience_are_checked_when_configured(db: TestDb) {
    let checks = TokenChecks {
        issuer: Some(ISSUER.to_owned()),
        audience: Some(AUDIENCE.to_owned()),
        ..TokenChecks::default()
    };
    let app = serve(db, rsa_pem_keys().with_checks(checks)).await;
    let token = |changes: Value| {
        let mut all = json!({ "iss": ISSUER, "aud": AUDIENCE });
        for (name, value) in changes.as_object().unwrap() {
            all[name] = value.clone();
        }
        rs256(&claims_with(all))
    };
    assert_accepted(&app, &token(json!({})), "right iss and aud").await;
    let listed = token(json!({ "aud": ["billing", AUDIENCE] }));
    assert_accepted(&app, &listed, "aud as a list naming us").await;

    for (changes, what) in [
        (json!({ "iss": "https://evil.example.test/" }), "wrong iss"),
        (json!({ "iss": null }), "no iss"),
        // RFC 7519: `iss` is a string; a list naming us is not our issuer.
        (json!({ "iss": [ISSUER] }), "iss as a list of us"),
        (
            json!({ "iss": ["https://evil.example.test/", ISSUER] }),
            "iss as a list naming us",
        ),
        (json!({ "iss": { "iss": ISSUER } }), "iss as an object"),
        (json!({ "aud": "billing" }), "wrong aud"),
        (json!({ "aud": ["billing", "crm"] }), "aud list without us"),
        (json!({ "aud": null }), "no aud"),
    ] {
        let message = assert_refused(&app, &token(changes), what).await;
        assert_eq!(message, "invalid bearer token", "{what}");
    }
}

async fn issuer_and_audience_are_ignored_unless_configured(db: TestDb) {
    let app = serve(db, rsa_pem_keys()).await;
    let token = rs256(&claims_with(
        json!({ "iss": "https://anyone.example.test/", "aud": ["someone-else"] }),
    ));
    assert_accepted(&app, &token, "any iss and aud").await;
}

async fn the_company_id_claim_must_be_a_uuid(db: TestDb) {
    let app = serve(db, rsa_pem_keys()).await;
    for (company, what) in [
        (Value::Null, "no company_id"),
        (json!("acme"), "a name"),
        (json!(42), "a number"),
        (json!(""), "empty"),
    ] {
        let token = rs256(&claims_with(json!({ "company_id": company })));
        let message = assert_refused(&app, &token, what).await;
        assert_eq!(message, "invalid bearer token", "{what}");
    }
}

async fn scopes_come_from_scope_or_permissions(db: TestDb) {
    let app = serve(db, rsa_pem_keys()).await;
    let listed = rs256(&claims_with(
        json!({ "scope": null, "permissions": ["read:conversations"] }),
    ));
    assert_accepted(&app, &listed, "permissions list").await;
    // Both present (Auth0 sends OAuth scopes beside API permissions): the union counts.
    let both = rs256(&claims_with(
        json!({ "scope": "openid profile", "permissions": ["read:conversations"] }),
    ));
    assert_accepted(&app, &both, "scope words and a permissions list").await;
    // A valid token without the read scope is authenticated but forbidden.
    let write_only = rs256(&claims_with(
        json!({ "scope": null, "permissions": ["write:conversations"] }),
    ));
    let (status, _, body) = ask(&app, &write_only).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(first_code(&body), "FORBIDDEN");
}

async fn a_secret_issues_tokens_that_pass_its_own_checks(db: TestDb) {
    let checks = TokenChecks {
        issuer: Some(ISSUER.to_owned()),
        audience: Some(AUDIENCE.to_owned()),
        ..TokenChecks::default()
    };
    let issuer = TokenKeys::hs256(SECRET.as_bytes()).with_checks(checks.clone());
    let app = serve(db, TokenKeys::hs256(SECRET.as_bytes()).with_checks(checks)).await;
    let issued = issuer.issue(ACME, "read:conversations", "tester", 600);
    assert_accepted(&app, &issued, "issued with iss and aud").await;
    // The harness's token has neither.
    assert_refused(&app, &app.reader(ACME), "no iss, no aud").await;
}

on_both_backends!(
    an_rs256_public_key_file_verifies_its_tokens,
    an_es256_public_key_file_verifies_its_tokens,
    a_jwks_picks_the_key_by_kid,
    a_one_key_jwks_accepts_a_token_without_kid,
    forged_and_algorithm_confused_tokens_are_refused,
    expiry_and_not_before_are_checked_with_the_leeway,
    a_configured_leeway_replaces_the_default,
    issuer_and_audience_are_checked_when_configured,
    issuer_and_audience_are_ignored_unless_configured,
    the_company_id_claim_must_be_a_uuid,
    scopes_come_from_scope_or_permissions,
    a_secret_issues_tokens_that_pass_its_own_checks,
);

// The binary.

const BIN: &str = env!("CARGO_BIN_EXE_conversations-graph");

/// The binary with none of the settings it reads from the environment inherited, run in a
/// fresh empty directory (so a start that went too far would leave data/ behind).
fn bin(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    for var in [
        "DATABASE_URL",
        "LISTEN_ADDR",
        "JWT_SECRET",
        "JWT_PUBLIC_KEY_FILE",
        "JWT_ALGORITHM",
        "JWT_JWKS_FILE",
        "JWT_ISSUER",
        "JWT_AUDIENCE",
        "JWT_LEEWAY_SECONDS",
        "SEED_DEMO",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.current_dir(dir);
    cmd
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cg-auth-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exits 1 with exactly one line, `error: ...` containing `needle`, no panic.
fn assert_one_line_failure(out: &Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err:?}");
}

/// `serve` with `settings`, expected to fail before touching a database.
fn serve_fails(settings: &[(&str, &std::ffi::OsStr)], needle: &str) -> String {
    let dir = temp_dir();
    let mut cmd = bin(&dir);
    cmd.args(["serve", "--listen-addr", "127.0.0.1:0"]);
    for (name, value) in settings {
        cmd.env(name, value);
    }
    let out = cmd.output().expect("the binary runs");
    assert_one_line_failure(&out, needle);
    assert!(!dir.join("data").exists(), "no database was created");
    std::fs::remove_dir_all(&dir).unwrap();
    stderr(&out)
}

#[test]
fn two_key_sources_are_refused_with_one_line() {
    let jwks = key_path(JWKS);
    let pem = key_path(RSA_PUBLIC);
    let err = serve_fails(
        &[
            ("JWT_SECRET", "a-secret".as_ref()),
            ("JWT_JWKS_FILE", jwks.as_os_str()),
        ],
        "more than one token key source is configured (JWT_SECRET, JWT_JWKS_FILE)",
    );
    assert!(!err.contains("a-secret"), "the secret is never printed");
    serve_fails(
        &[
            ("JWT_PUBLIC_KEY_FILE", pem.as_os_str()),
            ("JWT_JWKS_FILE", jwks.as_os_str()),
        ],
        "more than one token key source",
    );
    // Flags count the same as the environment.
    let dir = temp_dir();
    let out = bin(&dir)
        .args(["serve", "--listen-addr", "127.0.0.1:0", "--jwt-secret", "s"])
        .arg("--jwt-public-key-file")
        .arg(&pem)
        .output()
        .unwrap();
    assert_one_line_failure(&out, "(JWT_SECRET, JWT_PUBLIC_KEY_FILE)");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unreadable_key_file_is_refused_with_one_line() {
    let missing = std::env::temp_dir().join("cg-auth-no-such-key.pem");
    serve_fails(
        &[("JWT_PUBLIC_KEY_FILE", missing.as_os_str())],
        &format!("cannot read JWT_PUBLIC_KEY_FILE {}", missing.display()),
    );
    serve_fails(
        &[("JWT_JWKS_FILE", missing.as_os_str())],
        "cannot read JWT_JWKS_FILE",
    );
    // A directory is not a key file either.
    let dir = temp_dir();
    serve_fails(
        &[("JWT_JWKS_FILE", dir.as_os_str())],
        "cannot read JWT_JWKS_FILE",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unusable_key_file_is_refused_with_one_line() {
    let private = key_path("test-only-rsa-private.pem");
    let err = serve_fails(
        &[("JWT_PUBLIC_KEY_FILE", private.as_os_str())],
        "cannot verify tokens: it holds a private key",
    );
    let body = String::from_utf8(key_file("test-only-rsa-private.pem")).unwrap();
    assert!(
        !err.contains(body.lines().nth(1).unwrap()),
        "no key material is printed"
    );

    let jwks = key_path(JWKS);
    serve_fails(
        &[("JWT_PUBLIC_KEY_FILE", jwks.as_os_str())],
        "it is not a PEM public key",
    );
    let pem = key_path(RSA_PUBLIC);
    serve_fails(
        &[("JWT_JWKS_FILE", pem.as_os_str())],
        "it is not a JWKS document",
    );
    serve_fails(
        &[
            ("JWT_PUBLIC_KEY_FILE", pem.as_os_str()),
            ("JWT_ALGORITHM", "ES256".as_ref()),
        ],
        "the algorithm is set to ES256, but the key is an RSA key",
    );
    serve_fails(
        &[("JWT_ALGORITHM", "RS256".as_ref())],
        "JWT_ALGORITHM (--jwt-algorithm) applies only to a public key file",
    );

    // A JWKS of only a shared secret and an encryption key has nothing to verify with.
    let dir = temp_dir();
    let unusable = dir.join("jwks.json");
    let mut set: Value = serde_json::from_slice(&key_file(JWKS)).unwrap();
    let mut encryption = set["keys"][0].clone();
    encryption["use"] = json!("enc");
    encryption["alg"] = json!("RSA-OAEP");
    set["keys"] = json!([{ "kty": "oct", "k": "c2VjcmV0", "kid": "hmac" }, encryption]);
    std::fs::write(&unusable, set.to_string()).unwrap();
    serve_fails(
        &[("JWT_JWKS_FILE", unusable.as_os_str())],
        "the JWKS holds no usable key",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_a_jwks_file_accepts_its_tokens_and_prints_no_demo_token() {
    let dir = temp_dir();
    let mut child = bin(&dir)
        .args(["serve", "--listen-addr", "127.0.0.1:0"])
        .env("JWT_JWKS_FILE", key_path(JWKS))
        .env("JWT_ISSUER", ISSUER)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("GraphiQL: ")
        .unwrap_or_else(|| panic!("serve prints the GraphiQL address first, got {line:?}"))
        .trim_end_matches("/graphql")
        .to_owned();

    let client = reqwest::Client::new();
    let count = |token: String| {
        let request = client
            .post(format!("{base}/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": COUNT }));
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    // The embedded default seeds the demo set: 100 conversations in the demo company.
    let demo = json!({
        "company_id": demo_company_id(),
        "scope": "read:conversations",
        "iss": ISSUER,
        "exp": now() + 600,
    });
    let token = sign(Algorithm::ES256, Some("test-ec-1"), &ec_private(), &demo);
    let (status, body) = count(token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["conversations"]["totalCount"], 100);
    let mut no_issuer = demo.clone();
    no_issuer.as_object_mut().unwrap().remove("iss");
    let token = sign(
        Algorithm::ES256,
        Some("test-ec-1"),
        &ec_private(),
        &no_issuer,
    );
    let (status, body) = count(token).await;
    assert_eq!(status, 401, "JWT_ISSUER is enforced: {body}");

    let page = client
        .get(format!("{base}/graphql"))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("graphiql"));
    assert!(
        !page.contains("Bearer"),
        "no prefilled Authorization header"
    );

    child.kill().unwrap();
    child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(!rest.contains("Bearer"), "no demo token printed: {rest}");
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let said: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("prints no demo token"))
        .collect();
    assert_eq!(said.len(), 1, "one log line says why: {log}");
    assert!(said[0].contains("a JWKS of 3 keys"), "{}", said[0]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_token_command_writes_issuer_and_audience() {
    let dir = temp_dir();
    let out = bin(&dir)
        .args(["token", "--issuer", ISSUER, "--audience", AUDIENCE])
        .env("JWT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let checks = TokenChecks {
        issuer: Some(ISSUER.to_owned()),
        audience: Some(AUDIENCE.to_owned()),
        ..TokenChecks::default()
    };
    let strict = TokenKeys::hs256(SECRET.as_bytes()).with_checks(checks);
    let viewer = strict
        .authenticate(Some(&format!("Bearer {token}")))
        .expect("the token passes the issuer and audience checks");
    assert_eq!(viewer.company_id, demo_company_id());

    let plain = bin(&dir)
        .arg("token")
        .env("JWT_SECRET", SECRET)
        .output()
        .unwrap();
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(
        strict
            .authenticate(Some(&format!("Bearer {}", plain.trim())))
            .is_err(),
        "without --issuer/--audience the token lacks them"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
