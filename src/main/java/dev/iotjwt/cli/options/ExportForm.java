package dev.iotjwt.cli.options;

/** How key and certificate bytes are exported for a device: a C header, DER or PEM. */
public enum ExportForm { c, der, pem }
