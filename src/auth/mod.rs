//! Bearer tokens: JWTs naming a company and its scopes, turned into a `Viewer`.
//!
//! `TokenKeys` verifies them with exactly one key source: an HS256 secret (the only source
//! that can also sign: `serve`'s demo token, the `token` command, tests), a PEM public key
//! (RSA: RS256, EC P-256: ES256) or a JWKS document (RS256/ES256 keys, picked by the token
//! header's `kid`). A token is accepted only when its header `alg` is the one algorithm of
//! the key that verifies it, so neither `alg: none` nor an HS256 token "signed" with a
//! public key gets through. `exp` is required and `nbf` checked when present, both with a
//! small clock leeway; `iss` and `aud` are required and checked when configured.

use base64::Engine;
use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, KeyOperations, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// A permission a token can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every query (and later, subscription).
    ReadConversations,
    /// Every mutation.
    WriteConversations,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadConversations => "read:conversations",
            Scope::WriteConversations => "write:conversations",
        }
    }

    fn parse(s: &str) -> Option<Scope> {
        match s {
            "read:conversations" => Some(Scope::ReadConversations),
            "write:conversations" => Some(Scope::WriteConversations),
            _ => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is asking: the company every statement of the request is scoped to, and its scopes.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub company_id: Uuid,
    pub subject: String,
    pub scopes: Vec<Scope>,
}

impl Viewer {
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// The claims this service reads and writes. `nbf`, `iss` and `aud` are checked by the
/// validation (see `TokenChecks`).
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The company the token acts for; a token without it, or with a value that is not a
    /// uuid, is refused.
    pub company_id: Uuid,
    /// Space-separated scopes (OAuth style).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Scopes as a list (Auth0 style).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    /// Written by `issue` when an issuer is configured; verification checks the token's own
    /// against the configured one. It must be a string (RFC 7519): jsonwebtoken would
    /// accept a list that contains the configured issuer, so reading it here as a string
    /// refuses any other shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Written by `issue` when an audience is configured; verification checks the token's
    /// own (a string or a list).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// Why a token was refused; the message is safe to show the client (it never names a key,
/// a claim value or a parser's complaint).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("missing bearer token: send `Authorization: Bearer <token>`")]
    Missing,
    #[error("malformed Authorization header: expected `Bearer <token>`")]
    Malformed,
    #[error("the bearer token has expired")]
    Expired,
    #[error("invalid bearer token")]
    Invalid,
}

/// Why a key file cannot verify tokens; said once at start, to the operator.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("it is not a PEM public key (expected a `-----BEGIN PUBLIC KEY-----` block)")]
    NotPem,
    #[error(
        "it holds a private key; give the server only the public half (`openssl pkey -in private.pem -pubout`)"
    )]
    PrivateKey,
    #[error(
        "it holds a certificate; give the server its public key (`openssl x509 -in cert.pem -pubkey -noout`)"
    )]
    Certificate,
    #[error("it holds {0} key; only RSA (RS256) and EC P-256 (ES256) public keys are supported")]
    Unsupported(&'static str),
    #[error("{0:?} is not supported for a public key; use RS256 or ES256")]
    UnsupportedAlgorithm(Algorithm),
    #[error("the algorithm is set to {configured:?}, but the key is {found} (for {detected:?})")]
    AlgorithmMismatch {
        configured: Algorithm,
        found: &'static str,
        detected: Algorithm,
    },
    #[error("the key is malformed")]
    Malformed,
    #[error("the RSA key has {0} bits; RS256 needs 2048 to 4096")]
    RsaSize(usize),
    #[error("it is not a JWKS document (expected {{\"keys\": [...]}}): {0}")]
    NotJwks(String),
    #[error("key {0} of the JWKS is malformed")]
    BadJwk(String),
    #[error("the JWKS holds no usable key: expected RSA (RS256) or EC P-256 (ES256) signing keys")]
    NoUsableKey,
    #[error("two keys of the JWKS have the kid {0:?}")]
    DuplicateKid(String),
}

/// The clock skew allowed on `exp` and `nbf` unless configured otherwise.
pub const DEFAULT_LEEWAY_SECONDS: u64 = 30;

/// What a token must satisfy besides its signature and an unexpired `exp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenChecks {
    /// When set, `iss` must be present and equal to it.
    pub issuer: Option<String>,
    /// When set, `aud` must be present and equal to it (or, as a list, contain it). When
    /// not set, `aud` is not looked at.
    pub audience: Option<String>,
    /// Seconds of clock skew allowed on `exp` and `nbf`.
    pub leeway_seconds: u64,
}

impl Default for TokenChecks {
    fn default() -> Self {
        TokenChecks {
            issuer: None,
            audience: None,
            leeway_seconds: DEFAULT_LEEWAY_SECONDS,
        }
    }
}

impl TokenChecks {
    /// The validation of a token signed with `alg`.
    fn validation(&self, alg: Algorithm) -> Validation {
        let mut validation = Validation::new(alg);
        let mut required = vec!["exp"];
        validation.leeway = self.leeway_seconds;
        validation.validate_nbf = true;
        if let Some(issuer) = &self.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            // Tokens of most issuers carry an `aud`; unless one is configured it is not ours
            // to judge.
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        validation
    }
}

/// Where the keys came from, which decides how a token's key is picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Secret,
    PublicKey,
    Jwks,
}

/// One key that verifies tokens, with the one algorithm it accepts.
struct VerifyingKey {
    kid: Option<String>,
    alg: Algorithm,
    key: DecodingKey,
    validation: Validation,
}

/// Verifies bearer tokens with one configured key source and, for an HS256 secret, signs them.
pub struct TokenKeys {
    source: Source,
    keys: Vec<VerifyingKey>,
    /// Only an HS256 secret can sign.
    signer: Option<EncodingKey>,
    checks: TokenChecks,
    /// JWKS keys left out because this server cannot use them (encryption keys, other
    /// algorithms or curves); said at start.
    ignored: usize,
}

impl TokenKeys {
    /// Signs and verifies with one HS256 secret; default checks (30 s leeway, no issuer or
    /// audience).
    pub fn hs256(secret: &[u8]) -> Self {
        let checks = TokenChecks::default();
        TokenKeys {
            source: Source::Secret,
            keys: vec![VerifyingKey {
                kid: None,
                alg: Algorithm::HS256,
                key: DecodingKey::from_secret(secret),
                validation: checks.validation(Algorithm::HS256),
            }],
            signer: Some(EncodingKey::from_secret(secret)),
            checks,
            ignored: 0,
        }
    }

    /// Verifies with one PEM public key (`-----BEGIN PUBLIC KEY-----` or
    /// `-----BEGIN RSA PUBLIC KEY-----`): RSA keys verify RS256, EC P-256 keys ES256.
    /// `algorithm`, when given, must be the one the key is for.
    pub fn from_public_key_pem(pem: &[u8], algorithm: Option<Algorithm>) -> Result<Self, KeyError> {
        if let Some(alg) = algorithm
            && !matches!(alg, Algorithm::RS256 | Algorithm::ES256)
        {
            return Err(KeyError::UnsupportedAlgorithm(alg));
        }
        let (label, der) = pem_block(pem).ok_or(KeyError::NotPem)?;
        let kind = match label.as_str() {
            "PUBLIC KEY" => spki_kind(&der)?,
            "RSA PUBLIC KEY" => KeyKind::Rsa,
            "CERTIFICATE" | "TRUSTED CERTIFICATE" => return Err(KeyError::Certificate),
            l if l.ends_with("PRIVATE KEY") => return Err(KeyError::PrivateKey),
            _ => return Err(KeyError::NotPem),
        };
        let detected = kind.algorithm();
        if let Some(configured) = algorithm
            && configured != detected
        {
            return Err(KeyError::AlgorithmMismatch {
                configured,
                found: kind.name(),
                detected,
            });
        }
        let key = match kind {
            KeyKind::Rsa => {
                let key = DecodingKey::from_rsa_pem(pem).map_err(|_| KeyError::Malformed)?;
                let pkcs1 = key.try_get_as_bytes().map_err(|_| KeyError::Malformed)?;
                check_rsa_size(rsa_modulus(pkcs1).ok_or(KeyError::Malformed)?)?;
                key
            }
            KeyKind::EcP256 => {
                let key = DecodingKey::from_ec_pem(pem).map_err(|_| KeyError::Malformed)?;
                let point = key.try_get_as_bytes().map_err(|_| KeyError::Malformed)?;
                if !is_p256_point(point) {
                    return Err(KeyError::Malformed);
                }
                key
            }
        };
        let checks = TokenChecks::default();
        Ok(TokenKeys {
            source: Source::PublicKey,
            keys: vec![VerifyingKey {
                kid: None,
                alg: detected,
                validation: checks.validation(detected),
                key,
            }],
            signer: None,
            checks,
            ignored: 0,
        })
    }

    /// Verifies with the RS256 and ES256 signing keys of a JWKS document. A token names its
    /// key with `kid`; a token without one is accepted only when the set holds exactly one
    /// usable key. Keys this server cannot use (encryption keys, other algorithms or curves)
    /// are left out; a set with none left is refused.
    pub fn from_jwks(json: &[u8]) -> Result<Self, KeyError> {
        let set: JwkSet =
            serde_json::from_slice(json).map_err(|e| KeyError::NotJwks(e.to_string()))?;
        let checks = TokenChecks::default();
        let mut keys: Vec<VerifyingKey> = Vec::new();
        let mut ignored = 0;
        for (i, jwk) in set.keys.iter().enumerate() {
            let kid = jwk.common.key_id.clone();
            let name = || match &kid {
                Some(k) => format!("{k:?}"),
                None => format!("#{}", i + 1),
            };
            let Some((alg, key)) = jwk_key(jwk).map_err(|()| KeyError::BadJwk(name()))? else {
                ignored += 1;
                continue;
            };
            if let Some(k) = &kid
                && keys.iter().any(|other| other.kid.as_ref() == Some(k))
            {
                return Err(KeyError::DuplicateKid(k.clone()));
            }
            keys.push(VerifyingKey {
                kid,
                alg,
                key,
                validation: checks.validation(alg),
            });
        }
        if keys.is_empty() {
            return Err(KeyError::NoUsableKey);
        }
        Ok(TokenKeys {
            source: Source::Jwks,
            keys,
            signer: None,
            checks,
            ignored,
        })
    }

    /// The same keys with other claim checks (issuer, audience, leeway).
    pub fn with_checks(mut self, checks: TokenChecks) -> Self {
        for key in &mut self.keys {
            key.validation = checks.validation(key.alg);
        }
        self.checks = checks;
        self
    }

    /// Whether `issue` works: only with an HS256 secret.
    pub fn can_sign(&self) -> bool {
        self.signer.is_some()
    }

    /// What verifies tokens, for the log: "an HS256 secret", "an RS256 public key", "a JWKS
    /// of 2 keys (kid "a" RS256, kid "b" ES256)".
    pub fn describe(&self) -> String {
        match self.source {
            Source::Secret => "an HS256 secret".to_owned(),
            Source::PublicKey => format!("an {:?} public key", self.keys[0].alg),
            Source::Jwks => {
                let keys: Vec<String> = self
                    .keys
                    .iter()
                    .map(|k| match &k.kid {
                        Some(kid) => format!("kid {kid:?} {:?}", k.alg),
                        None => format!("no kid {:?}", k.alg),
                    })
                    .collect();
                let mut text = format!(
                    "a JWKS of {} key{} ({})",
                    keys.len(),
                    if keys.len() == 1 { "" } else { "s" },
                    keys.join(", ")
                );
                if self.ignored > 0 {
                    text.push_str(&format!(
                        "; {} key{} of other kinds ignored",
                        self.ignored,
                        if self.ignored == 1 { "" } else { "s" }
                    ));
                }
                text
            }
        }
    }

    /// A fresh random secret, for a server started without JWT_SECRET.
    pub fn random_secret() -> String {
        let bytes: [u8; 32] = rand::random();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Signs a token for `company_id` with the given space-separated scopes, and the
    /// configured issuer and audience.
    ///
    /// # Panics
    ///
    /// Without an HS256 secret (a public key or JWKS cannot sign): check `can_sign()`.
    pub fn issue(&self, company_id: Uuid, scope: &str, subject: &str, ttl_seconds: u64) -> String {
        let signer = self
            .signer
            .as_ref()
            .expect("only an HS256 secret signs tokens; check can_sign() first");
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: Some(subject.to_owned()),
            company_id,
            scope: Some(scope.to_owned()),
            permissions: None,
            exp: now + ttl_seconds,
            iat: Some(now),
            iss: self.checks.issuer.clone(),
            aud: self.checks.audience.clone(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, signer)
            .expect("HS256 signing with an in-memory key cannot fail")
    }

    /// Reads an `Authorization` header value into a `Viewer`.
    pub fn authenticate(&self, header: Option<&str>) -> Result<Viewer, TokenError> {
        self.authenticate_until(header).map(|(viewer, _)| viewer)
    }

    /// `authenticate`, with the token's expiry (`exp`, seconds since the epoch, with the
    /// allowed clock skew added): a WebSocket is closed then.
    pub fn authenticate_until(&self, header: Option<&str>) -> Result<(Viewer, u64), TokenError> {
        let header = header.ok_or(TokenError::Missing)?.trim();
        let (scheme, token) = header.split_once(' ').ok_or(TokenError::Malformed)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(TokenError::Malformed);
        }
        let claims = self.verify(token)?;
        let mut words: Vec<String> = claims
            .scope
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        // Some issuers send both (Auth0: OAuth scopes in `scope`, API permissions in
        // `permissions`); the token carries the union.
        words.extend(claims.permissions.unwrap_or_default());
        let mut scopes: Vec<Scope> = Vec::new();
        for scope in words.iter().filter_map(|w| Scope::parse(w)) {
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        let until = claims.exp.saturating_add(self.checks.leeway_seconds);
        Ok((
            Viewer {
                company_id: claims.company_id,
                subject: claims.sub.unwrap_or_default(),
                scopes,
            },
            until,
        ))
    }

    /// The claims of a token whose signature, algorithm and time and issuer/audience claims
    /// check out.
    fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        // The header is read unverified only to pick the key; the key then admits exactly one
        // algorithm. An unknown `alg` (such as `none`) does not even parse.
        let header = jsonwebtoken::decode_header(token).map_err(|e| refused(&e))?;
        let key = self.key_for(&header).ok_or_else(|| {
            tracing::debug!(kid = ?header.kid, "bearer token refused: no key for its kid");
            TokenError::Invalid
        })?;
        if header.alg != key.alg {
            tracing::debug!(alg = ?header.alg, expected = ?key.alg, "bearer token refused: algorithm");
            return Err(TokenError::Invalid);
        }
        jsonwebtoken::decode::<Claims>(token, &key.key, &key.validation)
            .map(|data| data.claims)
            .map_err(|e| refused(&e))
    }

    /// The key that must have signed a token with this header.
    fn key_for(&self, header: &Header) -> Option<&VerifyingKey> {
        match (self.source, header.kid.as_deref()) {
            (Source::Jwks, Some(kid)) => self.keys.iter().find(|k| k.kid.as_deref() == Some(kid)),
            (Source::Jwks, None) => match self.keys.as_slice() {
                [only] => Some(only),
                _ => None,
            },
            // One configured key: a `kid` the issuer adds does not matter.
            (Source::Secret | Source::PublicKey, _) => self.keys.first(),
        }
    }
}

/// The client's error for a token jsonwebtoken refused; the reason is only logged.
fn refused(err: &jsonwebtoken::errors::Error) -> TokenError {
    use jsonwebtoken::errors::ErrorKind;
    tracing::debug!(reason = ?err.kind(), "bearer token refused");
    match err.kind() {
        ErrorKind::ExpiredSignature => TokenError::Expired,
        _ => TokenError::Invalid,
    }
}

/// The public key kinds this server verifies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    EcP256,
}

impl KeyKind {
    fn algorithm(self) -> Algorithm {
        match self {
            KeyKind::Rsa => Algorithm::RS256,
            KeyKind::EcP256 => Algorithm::ES256,
        }
    }

    fn name(self) -> &'static str {
        match self {
            KeyKind::Rsa => "an RSA key",
            KeyKind::EcP256 => "an EC P-256 key",
        }
    }
}

// DER contents of the object identifiers that name key kinds in a SubjectPublicKeyInfo.
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

/// The kind of key a SubjectPublicKeyInfo (a `PUBLIC KEY` PEM) holds.
fn spki_kind(der: &[u8]) -> Result<KeyKind, KeyError> {
    let (spki, _) = der_element(der, 0x30).ok_or(KeyError::Malformed)?;
    let (algorithm, _) = der_element(spki, 0x30).ok_or(KeyError::Malformed)?;
    let (oid, params) = der_element(algorithm, 0x06).ok_or(KeyError::Malformed)?;
    let curve = der_element(params, 0x06).map(|(curve, _)| curve);
    match (oid, curve) {
        (OID_RSA, _) => Ok(KeyKind::Rsa),
        (OID_EC, Some(OID_P256)) => Ok(KeyKind::EcP256),
        (OID_EC, Some(OID_P384)) => Err(KeyError::Unsupported("an EC P-384")),
        (OID_EC, Some(OID_P521)) => Err(KeyError::Unsupported("an EC P-521")),
        (OID_EC, _) => Err(KeyError::Unsupported(
            "an EC key of another curve, not a P-256",
        )),
        (OID_RSA_PSS, _) => Err(KeyError::Unsupported("an RSA-PSS")),
        (OID_ED25519, _) => Err(KeyError::Unsupported("an Ed25519")),
        _ => Err(KeyError::Unsupported("an unknown kind of")),
    }
}

/// The contents of the DER element at the start of `input` when its tag is `tag`, and what
/// follows it.
fn der_element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&found, rest) = input.split_first()?;
    if found != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |len, b| (len << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

/// The label and DER contents of the first PEM block of `text`.
fn pem_block(text: &[u8]) -> Option<(String, Vec<u8>)> {
    let text = std::str::from_utf8(text).ok()?;
    let start = text.find("-----BEGIN ")? + "-----BEGIN ".len();
    let (label, rest) = text[start..].split_once("-----")?;
    let (body, _) = rest.split_once(&format!("-----END {label}-----"))?;
    let body: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    Some((label.to_owned(), der))
}

/// The modulus of a PKCS#1 RSAPublicKey (`SEQUENCE { n INTEGER, e INTEGER }`).
fn rsa_modulus(pkcs1: &[u8]) -> Option<&[u8]> {
    let (key, _) = der_element(pkcs1, 0x30)?;
    let (n, rest) = der_element(key, 0x02)?;
    let (e, _) = der_element(rest, 0x02)?;
    (!e.is_empty()).then_some(n)
}

/// RS256 keys of 2048 to 4096 bits: smaller ones are too weak, and the RSA implementation
/// refuses larger ones at every verification.
fn check_rsa_size(modulus: &[u8]) -> Result<(), KeyError> {
    let bits = match modulus.iter().position(|b| *b != 0) {
        Some(i) => (modulus.len() - i) * 8 - modulus[i].leading_zeros() as usize,
        None => 0,
    };
    if (2048..=4096).contains(&bits) {
        Ok(())
    } else {
        Err(KeyError::RsaSize(bits))
    }
}

/// A P-256 point in SEC1 form: uncompressed (0x04, x, y) or compressed (0x02/0x03, x).
fn is_p256_point(point: &[u8]) -> bool {
    matches!(
        (point.first(), point.len()),
        (Some(0x04), 65) | (Some(0x02 | 0x03), 33)
    )
}

/// The algorithm and key of a JWKS entry, `None` for a key this server does not verify
/// with, `Err` for one that claims to be usable but is malformed.
fn jwk_key(jwk: &Jwk) -> Result<Option<(Algorithm, DecodingKey)>, ()> {
    let common = &jwk.common;
    let signs = match &common.public_key_use {
        None | Some(PublicKeyUse::Signature) => true,
        Some(_) => false,
    };
    let verifies = common
        .key_operations
        .as_ref()
        .is_none_or(|ops| ops.contains(&KeyOperations::Verify));
    if !signs || !verifies {
        return Ok(None);
    }
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s);
    let alg = match (&jwk.algorithm, common.key_algorithm) {
        (AlgorithmParameters::RSA(rsa), None | Some(KeyAlgorithm::RS256)) => {
            let n = b64(&rsa.n).map_err(|_| ())?;
            let e = b64(&rsa.e).map_err(|_| ())?;
            if e.is_empty() || check_rsa_size(&n).is_err() {
                return Err(());
            }
            Algorithm::RS256
        }
        (AlgorithmParameters::EllipticCurve(ec), None | Some(KeyAlgorithm::ES256))
            if ec.curve == EllipticCurve::P256 =>
        {
            let x = b64(&ec.x).map_err(|_| ())?;
            let y = b64(&ec.y).map_err(|_| ())?;
            if x.len() != 32 || y.len() != 32 {
                return Err(());
            }
            Algorithm::ES256
        }
        _ => return Ok(None),
    };
    let key = DecodingKey::from_jwk(jwk).map_err(|_| ())?;
    Ok(Some((alg, key)))
}
