DROP TABLE certificates;
DROP TABLE certificate_batches;
DROP TABLE document_settings;
DROP TABLE document_images;
