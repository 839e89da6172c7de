"""Test support: a throwaway PostgreSQL cluster and test data helpers."""
