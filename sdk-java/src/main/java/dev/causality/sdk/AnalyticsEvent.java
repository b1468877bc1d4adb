package dev.causality.sdk;

import java.util.Map;

/**
 * A typed event: a snake_case event name and its properties. The catalog of the platform's events
 * is in {@link Events}; a service defines its own the same way, usually as a record:
 *
 * <pre>{@code
 * record InvoicePaid(String userId, String invoiceId, long amountCents) implements AnalyticsEvent {
 *   public String name() { return "invoice_paid"; }
 *   public Map<String, Object> properties() {
 *     return Map.of("invoice_id", invoiceId, "amount_cents", amountCents);
 *   }
 * }
 * }</pre>
 *
 * A record with a {@code String userId} component implements {@link #userId()} by it.
 */
public interface AnalyticsEvent {
  /** The event name, in snake_case (e.g. {@code api_request}). */
  String name();

  /** The event's properties with snake_case keys; read once, when the event is tracked. */
  Map<String, Object> properties();

  /** The user the event is about, or an empty string for a service-level event (the default). */
  default String userId() {
    return "";
  }
}
