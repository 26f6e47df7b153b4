//! Validation of client input, collecting every refusal with the path of the offending
//! field. Plain data: the GraphQL layer feeds it, the services add existence checks.

use uuid::Uuid;

/// Why an input was refused, in terms the client can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserErrorCode {
    BadUserInput,
    NotFound,
    Conflict,
}

/// One refusal: the path of the input (`["input", "subject"]`), a message and a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    pub field: Vec<String>,
    pub message: String,
    pub code: UserErrorCode,
}

impl UserError {
    pub fn new(path: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        UserError {
            field: path.iter().map(|s| s.to_string()).collect(),
            message: message.into(),
            code,
        }
    }

    pub fn not_found(path: &[&str], what: &str) -> Self {
        UserError::new(
            path,
            UserErrorCode::NotFound,
            format!("no {what} with this id"),
        )
    }
}

/// A write either happens, or is refused for these reasons (and nothing is written).
pub type Outcome<T> = Result<T, Vec<UserError>>;

/// A change to one field of an update: leave it, or set it (to `None` to clear it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    #[default]
    Keep,
    Set(T),
}

pub const MAX_SUBJECT: usize = 255;
pub const MAX_NAME: usize = 255;
pub const MAX_EMAIL: usize = 254;
pub const MAX_PHONE: usize = 32;
pub const MAX_CONTENT: usize = 10_000;
pub const MAX_URL: usize = 2048;
pub const MAX_REASON: usize = 1000;
/// Largest message metadata, in bytes of compact JSON.
pub const MAX_METADATA_BYTES: usize = 16 * 1024;

/// A text a read compares with (a filter, a search): not blank (empty or nothing but white
/// space: the one rule for every text a read compares with; a client that means "no filter"
/// leaves the field out), at most `max` characters, and no control characters but tab and
/// newline (the databases cannot hold NUL, and nothing stored has the others).
pub fn search_text(text: &str, path: &str, max: usize) -> Result<(), crate::error::AppError> {
    use crate::error::AppError;
    if entity::text::is_blank(text) {
        return Err(AppError::BadInput(format!(
            "`{path}` must not be blank (empty or only white space)"
        )));
    }
    let n = text.chars().count();
    if n > max {
        return Err(AppError::BadInput(format!(
            "`{path}` must be at most {max} characters, got {n}"
        )));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\t' && c != '\n')
    {
        return Err(AppError::BadInput(format!(
            "`{path}` must not contain control characters other than tab and newline"
        )));
    }
    Ok(())
}

/// Collects refusals while inputs are read.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<UserError>);

impl Errors {
    pub fn bad(&mut self, path: &[&str], message: impl Into<String>) {
        self.0
            .push(UserError::new(path, UserErrorCode::BadUserInput, message));
    }

    /// `value` if no refusal was collected.
    pub fn finish<T>(self, value: T) -> Outcome<T> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }

    /// A trimmed optional string: empty becomes None; too long or with control characters
    /// is refused. `multiline` allows newlines and tabs.
    pub fn text(
        &mut self,
        path: &[&str],
        value: Option<String>,
        max: usize,
        multiline: bool,
    ) -> Option<String> {
        let trimmed = value?.trim().to_owned();
        if trimmed.is_empty() {
            return None;
        }
        let count = trimmed.chars().count();
        if count > max {
            self.bad(
                path,
                format!("must be at most {max} characters, got {count}"),
            );
        }
        let allowed = |c: char| multiline && (c == '\n' || c == '\t' || c == '\r');
        if trimmed.chars().any(|c| c.is_control() && !allowed(c)) {
            self.bad(path, "must not contain control characters");
        }
        Some(trimmed)
    }

    /// Free-form JSON: at most `MAX_METADATA_BYTES` as compact JSON, and no NUL character in
    /// any key or string (PostgreSQL's jsonb cannot hold one).
    pub fn metadata(
        &mut self,
        path: &[&str],
        value: Option<serde_json::Value>,
    ) -> Option<serde_json::Value> {
        let value = value?;
        let size = serde_json::to_vec(&value).map_or(usize::MAX, |v| v.len());
        if size > MAX_METADATA_BYTES {
            self.bad(
                path,
                format!("must be at most {MAX_METADATA_BYTES} bytes of JSON, got {size}"),
            );
        }
        let mut stack = vec![&value];
        let mut has_nul = false;
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::String(s) => has_nul |= s.contains('\0'),
                serde_json::Value::Array(items) => stack.extend(items),
                serde_json::Value::Object(map) => {
                    has_nul |= map.keys().any(|k| k.contains('\0'));
                    stack.extend(map.values());
                }
                _ => {}
            }
        }
        if has_nul {
            self.bad(path, "must not contain the NUL character (\\u0000)");
        }
        Some(value)
    }

    /// A trimmed string that must not be empty.
    pub fn required_text(
        &mut self,
        path: &[&str],
        value: String,
        max: usize,
        multiline: bool,
    ) -> String {
        match self.text(path, Some(value), max, multiline) {
            Some(v) => v,
            None => {
                self.bad(path, "must not be empty");
                String::new()
            }
        }
    }

    /// An email address of the shape local@domain.tld.
    pub fn email(&mut self, path: &[&str], value: Option<String>) -> Option<String> {
        let v = self.text(path, value, MAX_EMAIL, false)?;
        let shaped = match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !v.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !shaped {
            self.bad(path, "must be an email address such as name@example.com");
        }
        Some(v)
    }

    /// A phone number: digits, spaces and + ( ) - . / only, with 5 to 20 digits.
    pub fn phone(&mut self, path: &[&str], value: Option<String>) -> Option<String> {
        let v = self.text(path, value, MAX_PHONE, false)?;
        let allowed = v
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./".contains(c));
        let digits = v.chars().filter(char::is_ascii_digit).count();
        if !allowed || !(5..=20).contains(&digits) {
            self.bad(
                path,
                "must be a phone number: 5 to 20 digits, with only spaces and + ( ) - . / between",
            );
        }
        Some(v)
    }

    /// An http(s) URL.
    pub fn url(&mut self, path: &[&str], value: Option<String>) -> Option<String> {
        let v = self.text(path, value, MAX_URL, false)?;
        let lower = v.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) || v.contains(' ') {
            self.bad(path, "must be an http:// or https:// URL");
        }
        Some(v)
    }

    /// An id given as input.
    pub fn id(&mut self, path: &[&str], value: &str) -> Uuid {
        Uuid::parse_str(value).unwrap_or_else(|_| {
            self.bad(path, "is not a valid id");
            Uuid::nil()
        })
    }

    /// A value that may be cleared must be present here: `None` is refused.
    pub fn not_null<T>(&mut self, path: &[&str], value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.bad(path, "cannot be null");
        }
        value
    }
}
