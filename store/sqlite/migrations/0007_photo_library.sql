-- Photo files leave the database for the photo library beside it (clinic.db → clinic.photos/),
-- named by their SHA-256: the original by photos.sha256, the preview by photos.preview_sha256.
-- Thumbnails stay here, where a gallery reads forty of them in one query.
--
-- A photo whose preview_sha256 is '' has not moved yet: its bytes are still in photo_originals
-- and photo_renditions, and the store moves them out one photo at a time (each file written and
-- verified before its rows go), so that moving can stop anywhere and resume.
ALTER TABLE photos ADD COLUMN preview_sha256 TEXT NOT NULL DEFAULT '';

CREATE TABLE photo_thumbnails (
    photo_id  TEXT PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
    thumbnail BLOB NOT NULL
) STRICT;

INSERT INTO photo_thumbnails (photo_id, thumbnail) SELECT photo_id, thumbnail FROM photo_renditions;
