-- Nothing changes on SQLite: its head guard already fires only when the head changes. The
-- folder keeps the two migration trees in step (see the PostgreSQL migration).
SELECT 1;
