package dev.causality.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The log's record format for an {@link Event}: its row as one JSON object. */
public final class EventCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter WRITER = MAPPER.writerFor(Event.class);
  private static final ObjectReader READER = MAPPER.readerFor(Event.class);

  private EventCodec() {}

  public static byte[] encode(Event event) {
    try {
      return WRITER.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode event " + event.eventId(), e);
    }
  }

  /** Decodes a record; throws {@link IOException} when the bytes are not an event. */
  public static Event decode(byte[] bytes) throws IOException {
    return READER.readValue(bytes);
  }
}
