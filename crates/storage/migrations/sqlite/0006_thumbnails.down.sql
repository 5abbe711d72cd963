DROP TABLE thumb_sources;
DROP TABLE thumbnails;
