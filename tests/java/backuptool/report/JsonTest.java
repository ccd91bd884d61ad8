package backuptool.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import backuptool.JsonDocument;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The hand-written JSON writer: escapes, nesting, empty values, and what it refuses. */
class JsonTest {
  private static String string(String s) {
    StringBuilder out = new StringBuilder();
    Json.string(s, out);
    return out.toString();
  }

  @Test
  void everyCharacterThatJsonOrJavaScriptCannotTakeRawIsEscaped() {
    assertEquals("\"a\\\"b\\\\c\"", string("a\"b\\c"));
    assertEquals("\"\\n\\r\\t\\b\\f\"", string("\n\r\t\b\f"));
    assertEquals("\"\\u0000\\u001f\\u007f\"", string("\u0000\u001f\u007f"));
    assertEquals("\"\\u2028\\u2029\"", string("\u2028\u2029"));
    assertEquals("\"é 😀 /\"", string("é 😀 /"), "a pair of surrogates and '/' stay as they are");
    assertEquals("\"\\ud800x\\udc00\"", string("\ud800x\udc00"), "lone surrogates");
  }

  @Test
  void documentsNestAndKeepTheOrderTheirMembersWerePutIn() {
    String text =
        Json.write(
            Json.object()
                .put("b", 1)
                .put("a", List.of())
                .put("c", Json.object())
                .put("d", Optional.empty())
                .put("e", OptionalLong.of(7))
                .put("f", List.of(true, 2.5, "x", Json.object().put("g", (Object) null))));
    JsonDocument.assertValid(text);
    assertEquals(
        """
        {
          "b": 1,
          "a": [],
          "c": {},
          "d": null,
          "e": 7,
          "f": [
            true,
            2.5,
            "x",
            {
              "g": null
            }
          ]
        }
        """,
        text);
  }

  @Test
  void whatJsonCannotHoldIsRefusedNotWrittenWrong() {
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    assertThrows(IllegalArgumentException.class, () -> Json.object().put("a", 1).put("a", 2));
  }
}
