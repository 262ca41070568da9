DROP TABLE import_mappings;
DROP TABLE imports;
