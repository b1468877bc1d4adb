package dev.causality.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One line of the audit log: who ({@code actor}: a user id, an email tried at sign-in, or {@code
 * system}) did what ({@code action}, such as {@code user.sign_in}) to what, from where.
 */
public record AuditEntry(
    long seq, Instant at, String actor, String action, String target, String detail, String ip) {
  public AuditEntry {
    requireNonNull(at, "at is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(action, "action is null");
    requireNonNull(target, "target is null");
    requireNonNull(detail, "detail is null");
    requireNonNull(ip, "ip is null");
  }
}
