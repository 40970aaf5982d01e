"""People: sign-up, sign-in, password reset, profile, their own data."""
