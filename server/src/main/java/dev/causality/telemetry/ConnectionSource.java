package dev.causality.telemetry;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new JDBC connection to the telemetry database; the caller closes it. */
@FunctionalInterface
public interface ConnectionSource {
  Connection open() throws SQLException;
}
