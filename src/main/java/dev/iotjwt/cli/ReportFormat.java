package dev.iotjwt.cli;

/** How a report is printed: for people, or as JSON for scripts (the same records). */
enum ReportFormat { text, json }
