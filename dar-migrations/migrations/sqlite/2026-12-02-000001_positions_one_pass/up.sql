-- PostgreSQL only: the SQLite triggers keep holding_positions row by row, unchanged.
SELECT 1;
