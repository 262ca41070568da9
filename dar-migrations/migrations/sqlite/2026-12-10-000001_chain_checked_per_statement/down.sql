-- Nothing changes on SQLite: it keeps the chain's foreign key, which it checks in the same
-- pass as the row, without the per-row lookup and lock it costs on PostgreSQL. The folder
-- keeps the two migration trees in step (see the PostgreSQL migration).
SELECT 1;
