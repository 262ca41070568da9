DROP TABLE certificates;
DROP FUNCTION dar_certificate_before_insert();
DROP TABLE certificate_batches;
DROP TABLE document_settings;
DROP TABLE document_images;
