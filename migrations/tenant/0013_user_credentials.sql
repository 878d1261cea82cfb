-- What a user signs in with, kept out of the events (which are published): the Argon2id hash
-- of the password and, once enrolled, the TOTP secret. One row per user of the identity.user
-- aggregate; the email is the user's login name within the tenant (lower-cased).

CREATE TABLE user_credentials (
    user_id       uuid PRIMARY KEY,
    email         text NOT NULL CONSTRAINT user_credentials_email_unique UNIQUE,
    password_hash text NOT NULL,
    totp_secret   text,
    mfa_enabled   boolean NOT NULL DEFAULT false,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
