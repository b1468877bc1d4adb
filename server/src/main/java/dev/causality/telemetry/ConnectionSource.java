package dev.causality.telemetry;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Gives a JDBC connection to the telemetry database, new or from a pool; the caller closes it
 * (which returns a pooled one).
 */
@FunctionalInterface
public interface ConnectionSource {
  Connection open() throws SQLException;
}
