package dev.causality.ingest;

import static java.util.Objects.requireNonNull;

import dev.causality.event.Event;

/** What the pipeline made of one item of a request. */
sealed interface Outcome {
  int index();

  /** The item became an event, ready to append. */
  record Accepted(int index, Event event) implements Outcome {
    public Accepted {
      requireNonNull(event, "event is null");
    }
  }

  /** The item was refused; the rest of its request is unaffected. */
  record Rejected(int index, Reason reason, String message) implements Outcome {
    public Rejected {
      requireNonNull(reason, "reason is null");
      requireNonNull(message, "message is null");
    }
  }

  /** Why an item was refused. The codes reach clients and metrics and never change meaning. */
  enum Reason {
    NOT_AN_OBJECT("not_an_object"),
    INVALID_TYPE("invalid_type"),
    INVALID_FIELD("invalid_field"),
    MISSING_IDENTITY("missing_identity"),
    MISSING_EVENT("missing_event"),
    MISSING_GROUP_ID("missing_group_id"),
    MISSING_PREVIOUS_ID("missing_previous_id"),
    MESSAGE_ID_TOO_LONG("message_id_too_long"),
    INVALID_TIMESTAMP("invalid_timestamp"),
    INVALID_NUMBER("invalid_number"),
    EVENT_TOO_LARGE("event_too_large"),
    INVALID_WRITE_KEY("invalid_write_key"),
    APP_ID_MISMATCH("app_id_mismatch");

    final String code;

    Reason(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }
}
