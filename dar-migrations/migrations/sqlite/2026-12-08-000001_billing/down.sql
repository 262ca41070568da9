DROP TABLE billing_payments;
DROP TABLE billing_lines;
DROP TABLE billing_documents;
DROP TABLE billing_series;
DROP TABLE billing_profiles;
DROP TABLE billing_plan_tiers;
DROP TABLE billing_plans;
DROP TABLE billing_identity;
