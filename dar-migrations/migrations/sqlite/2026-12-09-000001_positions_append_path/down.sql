CREATE INDEX holding_positions_class_idx
    ON holding_positions (tenant_id, share_class_id, shareholder_id, movement_date);
