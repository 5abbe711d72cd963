DROP TABLE analytics_settings;
DROP INDEX channel_daily_live;
DROP INDEX channel_daily_day;
DROP TABLE channel_daily;
