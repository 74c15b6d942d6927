package dev.iotjwt.cli.options;

/** How a report is printed: for people, or as JSON for scripts (the same records). */
public enum ReportFormat { text, json }
