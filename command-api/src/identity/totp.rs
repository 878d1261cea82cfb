//! Time-based one-time passwords (RFC 6238), the second factor of signing in. A code is the
//! HOTP (RFC 4226) of the user's secret and a 30-second time step: HMAC-SHA1, dynamically
//! truncated to 6 decimal digits — what every authenticator app computes. A code is accepted
//! for its own step and [`DRIFT_STEPS`] either side (a phone's clock a little off); that each
//! code is accepted once only is for the caller to enforce with the step
//! [`Secret::step_matching`] answers (see [`super::mfa`]). A secret is [`SECRET_BYTES`] random
//! bytes (160 bits, as RFC 4226 recommends), shown to the user in unpadded base32 (RFC 4648).

use argon2::password_hash::rand_core::{OsRng, RngCore};
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Length of a time step, seconds.
pub const STEP_SECS: u64 = 30;
/// Digits of a code.
pub const DIGITS: usize = 6;
/// Steps either side of the current one whose codes are still accepted.
pub const DRIFT_STEPS: u64 = 1;
/// Bytes of a generated secret.
pub const SECRET_BYTES: usize = 20;
/// 10^[`DIGITS`]: a code is the truncated HMAC modulo this.
const MODULUS: u32 = 1_000_000;
/// The base32 alphabet of RFC 4648.
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A user's TOTP secret (its bytes never show in `Debug`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// A new random secret of [`SECRET_BYTES`] from the operating system's generator.
    #[must_use]
    pub fn generate() -> Self {
        let mut bytes = vec![0; SECRET_BYTES];
        OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// The secret `text` writes in base32 (either case, unpadded); `None` when `text` is empty
    /// or not base32.
    #[must_use]
    pub fn from_base32(text: &str) -> Option<Self> {
        let mut bytes = Vec::with_capacity(text.len() * 5 / 8);
        let (mut buffer, mut bits) = (0_u16, 0_u32);
        for letter in text.bytes() {
            let value = BASE32.iter().position(|&known| known == letter.to_ascii_uppercase())?;
            buffer = (buffer << 5) | u16::try_from(value).ok()?;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
            }
        }
        (!bytes.is_empty()).then_some(Self(bytes))
    }

    /// The secret in base32: upper case, unpadded, as authenticator apps take it.
    #[must_use]
    pub fn to_base32(&self) -> String {
        let mut text = String::with_capacity(self.0.len().div_ceil(5) * 8);
        let (mut buffer, mut bits) = (0_u16, 0_u32);
        for &byte in &self.0 {
            buffer = (buffer << 8) | u16::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                text.push(char::from(BASE32[usize::from((buffer >> bits) & 31)]));
            }
        }
        if bits > 0 {
            text.push(char::from(BASE32[usize::from((buffer << (5 - bits)) & 31)]));
        }
        text
    }

    /// The `otpauth://` key URI an authenticator app enrols from (often shown as a QR code):
    /// the account `account` of `issuer`, with this secret.
    #[must_use]
    pub fn key_uri(&self, issuer: &str, account: &str) -> String {
        let (issuer, account) = (percent_encoded(issuer), percent_encoded(account));
        format!("otpauth://totp/{issuer}:{account}?secret={}&issuer={issuer}", self.to_base32())
    }

    /// The code of the time step `unix_time` (seconds) falls in.
    #[must_use]
    pub fn code_at(&self, unix_time: u64) -> String {
        format!("{:0width$}", self.code(unix_time / STEP_SECS), width = DIGITS)
    }

    /// The time step whose code `code` is, among the step of `unix_time` and [`DRIFT_STEPS`]
    /// either side; `None` when it is none of theirs or not [`DIGITS`] digits.
    #[must_use]
    pub fn step_matching(&self, code: &str, unix_time: u64) -> Option<u64> {
        if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let code: u32 = code.parse().ok()?;
        let now = unix_time / STEP_SECS;
        (now.saturating_sub(DRIFT_STEPS)..=now.saturating_add(DRIFT_STEPS)).find(|&step| self.code(step) == code)
    }

    /// The HOTP value of counter `step`, as a number below [`MODULUS`].
    fn code(&self, step: u64) -> u32 {
        truncated(&self.0, step) % MODULUS
    }
}

/// RFC 4226's dynamic truncation of HMAC-SHA1(`key`, `counter`): 31 bits of the digest, at the
/// offset its last nibble names.
fn truncated(key: &[u8], counter: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word = [digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]];
    u32::from_be_bytes(word) & 0x7fff_ffff
}

/// `text` with every byte but the URI's unreserved characters and `@` percent-encoded.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of RFC 4226's and RFC 6238's SHA-1 test vectors.
    const RFC_KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn hotp_matches_the_rfc_4226_test_vectors() {
        let expected = [755_224, 287_082, 359_152, 969_429, 338_314, 254_676, 287_922, 162_583, 399_871, 520_489];
        for (counter, code) in expected.into_iter().enumerate() {
            assert_eq!(Secret(RFC_KEY.to_vec()).code(counter as u64), code, "counter {counter}");
        }
    }

    #[test]
    fn totp_matches_the_rfc_6238_sha1_test_vectors() {
        // (time, the 8-digit code of the RFC's table): our 6 digits are its last 6
        let vectors = [
            (59, 94_287_082),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ];
        let secret = Secret(RFC_KEY.to_vec());
        for (time, code) in vectors {
            assert_eq!(truncated(RFC_KEY, time / STEP_SECS) % 100_000_000, code, "time {time}");
            assert_eq!(secret.code_at(time), format!("{:06}", code % 1_000_000), "time {time}");
        }
        assert_eq!(secret.code_at(1_111_111_109), "081804", "leading zeros are kept");
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_not_further() {
        let secret = Secret(RFC_KEY.to_vec());
        let now = 1_234_567_890;
        let step = now / STEP_SECS;
        assert_eq!(secret.step_matching(&secret.code_at(now), now), Some(step));
        assert_eq!(secret.step_matching(&secret.code_at(now - STEP_SECS), now), Some(step - 1));
        assert_eq!(secret.step_matching(&secret.code_at(now + STEP_SECS), now), Some(step + 1));
        assert_eq!(secret.step_matching(&secret.code_at(now - 2 * STEP_SECS), now), None);
        assert_eq!(secret.step_matching(&secret.code_at(now + 2 * STEP_SECS), now), None);
        let code = secret.code_at(now);
        for malformed in [&code[..5], &format!("{code}0"), "12345a", "+12345", " 12345"] {
            assert_eq!(secret.step_matching(malformed, now), None, "{malformed}");
        }
    }

    #[test]
    fn base32_matches_the_rfc_4648_vectors_and_reads_back() {
        let vectors = [("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB")];
        for (bytes, text) in vectors.into_iter().chain([("foobar", "MZXW6YTBOI")]) {
            assert_eq!(Secret(bytes.as_bytes().to_vec()).to_base32(), text);
            assert_eq!(Secret::from_base32(text), Some(Secret(bytes.as_bytes().to_vec())));
            assert_eq!(Secret::from_base32(&text.to_lowercase()), Some(Secret(bytes.as_bytes().to_vec())));
        }
        for malformed in ["", "MZXW1", "MZ=", "MZ XW"] {
            assert_eq!(Secret::from_base32(malformed), None, "{malformed}");
        }
    }

    #[test]
    fn generated_secrets_are_160_random_bits_in_32_letters_and_never_debug_printed() {
        let (one, other) = (Secret::generate(), Secret::generate());
        assert_ne!(one, other);
        assert_eq!(one.to_base32().len(), 32);
        assert_eq!(Secret::from_base32(&one.to_base32()), Some(one.clone()));
        assert!(!format!("{one:?}").contains(&one.to_base32()));
    }

    #[test]
    fn the_key_uri_names_issuer_and_account_encoded() {
        let secret = Secret(b"foobar".to_vec());
        assert_eq!(
            secret.key_uri("Prism", "ada+ops@acme.example"),
            "otpauth://totp/Prism:ada%2Bops@acme.example?secret=MZXW6YTBOI&issuer=Prism"
        );
    }
}
