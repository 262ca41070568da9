-- As on PostgreSQL: the positions' second index (class before holder) goes; the class totals
-- read a tenant's positions once by the key and sum them per class.
DROP INDEX holding_positions_class_idx;
