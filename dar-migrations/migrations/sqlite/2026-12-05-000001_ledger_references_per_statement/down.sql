DROP TRIGGER share_classes_key_kept;
DROP TRIGGER share_classes_kept;
DROP TRIGGER shareholders_key_kept;
DROP TRIGGER shareholders_kept;
