package dev.causality.projects;

import java.util.List;
import java.util.Optional;

/** Where projects and keys are kept (and later users, dashboards, alerts). */
public interface MetadataStore extends AutoCloseable {

  void insertProject(Project project);

  List<Project> projects();

  Optional<Project> project(String id);

  void insertKey(IngestKey key, String secretHash);

  List<IngestKey> keys();

  /** The key whose secret hashes to {@code secretHash}, revoked or not. */
  Optional<IngestKey> keyBySecretHash(String secretHash);

  /** Marks the key revoked; false when no such active key exists. */
  boolean revokeKey(String id, java.time.Instant at);

  @Override
  void close();
}
