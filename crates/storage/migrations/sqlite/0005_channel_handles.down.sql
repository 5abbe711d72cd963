DROP TABLE channel_handles;
