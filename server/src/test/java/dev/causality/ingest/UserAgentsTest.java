package dev.causality.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
import org.junit.jupiter.api.Test;

class UserAgentsTest {

  /** Browsers, systems and device classes from every branch of {@code deviceType}, and junk. */
  private static final List<String> AGENTS =
      List.of(
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/120.0.0.0 Safari/537.36",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
          "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
              + " Version/17.2 Safari/605.1.15",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
              + " Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
          "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
              + " Version/16.6 Mobile/15E148 Safari/604.1",
          "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/120.0.6099.144 Mobile Safari/537.36",
          "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-X700) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36",
          "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/120.0.0.0 Mobile Safari/537.36 OPR/79.0.4195.76442",
          "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
          "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
          "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)",
          "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36",
          "Mozilla/5.0 (X11; U; Linux armv7l like Android; en-us) AppleWebKit/531.2+ (KHTML, like"
              + " Gecko) Version/5.0 Safari/533.2+ Kindle/3.0+",
          "Mozilla/5.0 (Linux; Android 11; Quest 2) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " OculusBrowser/18.1.0.2.46 SamsungBrowser/4.0 Chrome/98.0.4758.87 VR Safari/537.36",
          "curl/8.5.0",
          "python-requests/2.31.0",
          "okhttp/4.12.0",
          "analytics-java/3.5.1",
          "Dalvik/2.1.0 (Linux; U; Android 12; Pixel 6 Build/SQ3A.220705.004)",
          "",
          "}{ not a user agent at all \u0000\u00ff");

  @Test
  void compactingTheRulesKeepsEveryParseTheSame() {
    UserAgentAnalyzer plain = UserAgents.build();
    List<List<String>> expected = parseAll(plain);
    plain.destroy();

    UserAgentAnalyzer compacted = UserAgents.build();
    int replaced = UserAgents.compact(compacted);

    // Yauaa 8.1 keeps ~200,000 of these sets; -1 would mean the table it compacts is gone
    assertThat(replaced).isGreaterThan(100_000);
    assertThat(parseAll(compacted)).isEqualTo(expected);
    // the parse results are not all unknown, so the comparison compares something
    assertThat(expected)
        .extracting(fields -> fields.get(4))
        .contains("Desktop", "Phone", "Tablet", "Robot", "Game Console", "TV");
    // a second pass finds nothing left to replace
    assertThat(UserAgents.compact(compacted)).isZero();
    compacted.destroy();
  }

  @Test
  void theLoadedParserFillsTheEventsColumns() {
    UserAgents agents = new UserAgents(100);
    UserAgents.Parsed iphone = agents.parse(AGENTS.get(4));
    assertThat(agents.loaded()).isTrue();
    assertThat(iphone).isEqualTo(new UserAgents.Parsed("Safari", "17.1", "iOS", "17.1", "mobile"));
    assertThat(agents.parse(AGENTS.get(9)).deviceType()).isEqualTo("bot");
  }

  private static List<List<String>> parseAll(UserAgentAnalyzer analyzer) {
    List<List<String>> all = new ArrayList<>();
    for (String agent : AGENTS) {
      UserAgent parsed = analyzer.parse(agent);
      all.add(
          List.of(
              parsed.getValue(UserAgent.AGENT_NAME),
              parsed.getValue(UserAgent.AGENT_VERSION),
              parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME),
              parsed.getValue(UserAgent.OPERATING_SYSTEM_VERSION),
              parsed.getValue(UserAgent.DEVICE_CLASS)));
    }
    return all;
  }
}
