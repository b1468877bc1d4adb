package dev.causality.auth;

/** Where features write what people did: SQL run, keys made, roles changed. */
@FunctionalInterface
public interface AuditLog {
  /**
   * Records one action.
   *
   * @param actor the user id (or the email tried at sign-in)
   * @param action a dotted name such as {@code sql.query} or {@code key.revoke}
   * @param target what it was done to (a project, a user id, a key id), or empty
   * @param detail free text such as the SQL, or empty
   * @param ip where the request came from, or empty
   */
  void record(String actor, String action, String target, String detail, String ip);
}
