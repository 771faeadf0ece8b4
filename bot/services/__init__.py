"""Use cases: each takes a session and plain inputs, calls the domain and the queries."""
