"""Service functions: each takes a Session and plain values, owns a business rule, never commits."""
