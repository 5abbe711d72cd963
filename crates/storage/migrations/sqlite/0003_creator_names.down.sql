DROP INDEX channels_creator;
DROP INDEX creators_name;
