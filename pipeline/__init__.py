"""Chinese policy plans into tables: measures, targets, dates and responsible agencies."""

PIPELINE_VERSION = "0.7.0"
