-- TOTP multi-factor sign-in (command-api/src/identity/mfa.rs). `user_credentials` already holds
-- the secret (`totp_secret`: pending until confirmed with a code, then `mfa_enabled`); this adds
-- the time step of the last code accepted for the user, so that a code — valid for its 30 s
-- step and one step either side — is accepted once only, and a rule that MFA is never on
-- without a secret.

ALTER TABLE user_credentials
    ADD COLUMN totp_last_step bigint,
    ADD CONSTRAINT user_credentials_mfa_needs_secret CHECK (NOT mfa_enabled OR totp_secret IS NOT NULL);
