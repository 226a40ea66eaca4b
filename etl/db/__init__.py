"""The DuckDB database the dashboard reads: its schema, the loader and the exports."""
