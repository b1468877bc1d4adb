package dev.causality.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a lexer sees of SQL text without parsing it: where comments, quoted text and statement
 * separators are. Used for messages and to place an added {@code LIMIT}; never to decide what is
 * allowed (the warehouse's parser does that, and re-checks whatever this produces).
 */
final class SqlText {
  private static final byte BLANK = 0;
  private static final byte CODE = 1;
  private static final byte COMMENT = 2;
  private static final byte SEPARATOR = 3;
  private static final Pattern DOLLAR_TAG = Pattern.compile("\\$([A-Za-z_][A-Za-z_0-9]*)?\\$");

  private SqlText() {}

  /** {@code sql} without what follows its last token: blanks, comments and semicolons. */
  static String withoutTail(String sql) {
    byte[] kinds = classify(sql);
    int end = kinds.length;
    while (end > 0 && kinds[end - 1] != CODE) {
      end--;
    }
    return sql.substring(0, end);
  }

  /**
   * The first word of each statement that is not empty, upper-cased ({@code SELECT}, {@code DROP},
   * or the first character when it is not a letter, e.g. {@code (}).
   */
  static List<String> statementKeywords(String sql) {
    byte[] kinds = classify(sql);
    List<String> out = new ArrayList<>();
    boolean seen = false;
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] == SEPARATOR) {
        seen = false;
      } else if (kinds[i] == CODE && !seen) {
        seen = true;
        int j = i;
        while (j < kinds.length && kinds[j] == CODE && Character.isLetter(sql.charAt(j))) {
          j++;
        }
        out.add(j == i ? sql.substring(i, i + 1) : sql.substring(i, j).toUpperCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** The kind of every character: a blank, part of a comment, a statement separator, or code. */
  private static byte[] classify(String s) {
    int n = s.length();
    byte[] k = new byte[n];
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      int end;
      byte kind = CODE;
      if (s.startsWith("--", i)) {
        end = s.indexOf('\n', i);
        end = end < 0 ? n : end;
        kind = COMMENT;
      } else if (s.startsWith("/*", i)) {
        int depth = 1;
        end = i + 2;
        while (end < n && depth > 0) {
          if (s.startsWith("/*", end)) {
            depth++;
            end += 2;
          } else if (s.startsWith("*/", end)) {
            depth--;
            end += 2;
          } else {
            end++;
          }
        }
        kind = COMMENT;
      } else if (c == '\'') {
        boolean backslashes =
            i > 0
                && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')
                && (i < 2 || !identifierPart(s.charAt(i - 2)));
        end = quoted(s, i, '\'', backslashes);
      } else if (c == '"') {
        end = quoted(s, i, '"', false);
      } else if (c == '$' && (i == 0 || !identifierPart(s.charAt(i - 1)))) {
        Matcher m = DOLLAR_TAG.matcher(s).region(i, n);
        if (m.lookingAt()) {
          int close = s.indexOf(m.group(), m.end());
          end = close < 0 ? n : close + m.group().length();
        } else {
          end = i + 1;
        }
      } else if (c == ';') {
        end = i + 1;
        kind = SEPARATOR;
      } else {
        end = i + 1;
        kind = Character.isWhitespace(c) ? BLANK : CODE;
      }
      java.util.Arrays.fill(k, i, end, kind);
      i = end;
    }
    return k;
  }

  /** The end of the quoted text that opens at {@code start}; a doubled quote stays inside. */
  private static int quoted(String s, int start, char quote, boolean backslashes) {
    int j = start + 1;
    while (j < s.length()) {
      char d = s.charAt(j);
      if (backslashes && d == '\\') {
        j += 2;
      } else if (d == quote && j + 1 < s.length() && s.charAt(j + 1) == quote) {
        j += 2;
      } else if (d == quote) {
        return j + 1;
      } else {
        j++;
      }
    }
    return s.length();
  }

  private static boolean identifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
