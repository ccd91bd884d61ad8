package backuptool;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Checks JSON with a strict parser that is not the tool's writer: one document, nothing after. */
public final class JsonDocument {
  private JsonDocument() {}

  /** Fails unless {@code text} is exactly one valid JSON object with no member named twice. */
  public static void assertValid(String text) {
    JsonFactory factory =
        JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    try (JsonParser parser = factory.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new AssertionError("not a JSON object:\n" + text);
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw new AssertionError("more than one JSON document:\n" + text);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("invalid JSON: " + e.getMessage() + "\n" + text, e);
    }
  }
}
