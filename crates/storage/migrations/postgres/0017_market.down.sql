DROP TABLE market_hours;
DROP TABLE market_rounds;
