package dev.causality.projects;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * Projects and their ingestion keys. Secrets are random, shown once and stored as SHA-256 hashes
 * (they carry 190 bits of entropy, so a fast hash is the right tool, unlike for passwords). Lookups
 * are cached for a few seconds, which bounds how long a revoked key keeps working.
 */
public final class Projects {
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private final MetadataStore store;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final LoadingCache<String, Optional<IngestKey>> byHash;

  public Projects(
      MetadataStore store, InstantSource clock, RandomGenerator random, Duration keyCacheTtl) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.random = requireNonNull(random, "random is null");
    this.byHash =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(keyCacheTtl)
            .build(store::keyBySecretHash);
  }

  /** The default production wiring: system clock, {@link SecureRandom}, 5 s key cache. */
  public static Projects of(MetadataStore store) {
    return new Projects(store, InstantSource.system(), new SecureRandom(), Duration.ofSeconds(5));
  }

  public Project createProject(String id, String name) {
    Project p = new Project(id, name, clock.instant());
    store.insertProject(p);
    return p;
  }

  public List<Project> projects() {
    return store.projects();
  }

  /** Creates a key for an existing project; {@code secret} when given (automation), else random. */
  public CreatedKey createKey(
      String projectId, String name, OptionalInt rateLimit, Optional<String> secret) {
    requireNonNull(projectId, "projectId is null");
    if (store.project(projectId).isEmpty()) {
      throw new MetadataException("no project '" + projectId + "'; create it first", null);
    }
    rateLimit.ifPresent(r -> {
      if (r < 0) {
        throw new IllegalArgumentException(
            "rate limit must be 0 (unlimited) or more events/s, was " + r);
      }
    });
    String s = secret.orElseGet(() -> "ck_" + randomString(32));
    if (s.length() < 16 || s.length() > 200) {
      throw new IllegalArgumentException("key must be 16 to 200 characters, was " + s.length());
    }
    IngestKey key =
        new IngestKey(
            "key_" + randomString(12),
            projectId,
            name,
            s.substring(0, Math.min(8, s.length())),
            rateLimit,
            clock.instant(),
            Optional.empty());
    store.insertKey(key, hash(s));
    byHash.invalidate(hash(s));
    return new CreatedKey(key, s);
  }

  public List<IngestKey> keys() {
    return store.keys();
  }

  public boolean revokeKey(String id) {
    boolean revoked = store.revokeKey(id, clock.instant());
    byHash.invalidateAll();
    return revoked;
  }

  /** The active key with this secret, if any. */
  public Optional<IngestKey> authenticate(String secret) {
    if (secret == null || secret.isEmpty() || secret.length() > 200) {
      return Optional.empty();
    }
    return byHash.get(hash(secret)).filter(IngestKey::active);
  }

  /**
   * The hex SHA-256 of {@code secret} (UTF-8): how ingestion keys, personal tokens and refresh
   * tokens are stored and looked up, never the secret itself. The secrets are long and random, so a
   * plain, fast digest is enough (no password hashing).
   */
  public static String hash(String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private String randomString(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
