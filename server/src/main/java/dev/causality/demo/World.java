package dev.causality.demo;

import java.util.List;

/**
 * The fixed vocabulary of the demo: Pixelmart, a made-up marketplace of design assets for product
 * teams — its places, devices, browsers, products, pages, campaigns and companies. E-mail and web
 * domains are reserved example names (RFC 2606), so no generated address is anybody's.
 */
final class World {
  static final String SITE = "https://pixelmart.example";
  static final String APP_NAME = "Pixelmart";

  /** Where people are; the columns a GeoIP lookup would give, plus their time zone and locale. */
  record Place(
      String country, String region, String city, String timezone, String locale, int weight) {}

  static final List<Place> PLACES =
      List.of(
          new Place("US", "California", "San Francisco", "America/Los_Angeles", "en-US", 6),
          new Place("US", "California", "Los Angeles", "America/Los_Angeles", "en-US", 4),
          new Place("US", "New York", "New York", "America/New_York", "en-US", 7),
          new Place("US", "Texas", "Austin", "America/Chicago", "en-US", 4),
          new Place("US", "Washington", "Seattle", "America/Los_Angeles", "en-US", 3),
          new Place("US", "Illinois", "Chicago", "America/Chicago", "en-US", 3),
          new Place("US", "Massachusetts", "Boston", "America/New_York", "en-US", 3),
          new Place("GB", "England", "London", "Europe/London", "en-GB", 6),
          new Place("GB", "England", "Manchester", "Europe/London", "en-GB", 2),
          new Place("GB", "Scotland", "Edinburgh", "Europe/London", "en-GB", 1),
          new Place("DE", "Land Berlin", "Berlin", "Europe/Berlin", "de-DE", 4),
          new Place("DE", "Bavaria", "Munich", "Europe/Berlin", "de-DE", 3),
          new Place("DE", "Hamburg", "Hamburg", "Europe/Berlin", "de-DE", 2),
          new Place("IN", "Karnataka", "Bengaluru", "Asia/Kolkata", "en-IN", 4),
          new Place("IN", "Maharashtra", "Mumbai", "Asia/Kolkata", "en-IN", 3),
          new Place(
              "IN", "National Capital Territory of Delhi", "New Delhi", "Asia/Kolkata", "en-IN", 2),
          new Place("FR", "Île-de-France", "Paris", "Europe/Paris", "fr-FR", 4),
          new Place("FR", "Auvergne-Rhône-Alpes", "Lyon", "Europe/Paris", "fr-FR", 1),
          new Place("BR", "São Paulo", "São Paulo", "America/Sao_Paulo", "pt-BR", 4),
          new Place("BR", "Rio de Janeiro", "Rio de Janeiro", "America/Sao_Paulo", "pt-BR", 2),
          new Place("CA", "Ontario", "Toronto", "America/Toronto", "en-CA", 3),
          new Place("CA", "British Columbia", "Vancouver", "America/Vancouver", "en-CA", 2),
          new Place("JP", "Tokyo", "Tokyo", "Asia/Tokyo", "ja-JP", 3),
          new Place("JP", "Osaka", "Osaka", "Asia/Tokyo", "ja-JP", 1),
          new Place("AU", "New South Wales", "Sydney", "Australia/Sydney", "en-AU", 2),
          new Place("AU", "Victoria", "Melbourne", "Australia/Melbourne", "en-AU", 1),
          new Place("NL", "North Holland", "Amsterdam", "Europe/Amsterdam", "nl-NL", 3),
          new Place("ES", "Madrid", "Madrid", "Europe/Madrid", "es-ES", 2),
          new Place("ES", "Catalonia", "Barcelona", "Europe/Madrid", "es-ES", 1),
          new Place("PL", "Mazovia", "Warsaw", "Europe/Warsaw", "pl-PL", 2),
          new Place("MX", "Mexico City", "Mexico City", "America/Mexico_City", "es-MX", 3),
          new Place("SE", "Stockholm County", "Stockholm", "Europe/Stockholm", "sv-SE", 2),
          new Place("SG", null, "Singapore", "Asia/Singapore", "en-SG", 2));

  /** Where events come from. Web events carry a user agent; app events a device and OS. */
  enum Platform {
    WEB_DESKTOP,
    WEB_MOBILE,
    IOS,
    ANDROID;

    boolean web() {
      return this == WEB_DESKTOP || this == WEB_MOBILE;
    }
  }

  /**
   * A browser on an OS. {@code os} and {@code osVersion} are what the user-agent parser reports for
   * the agent string (Chrome's reduced agent hides the Windows and Android versions).
   */
  enum Browser {
    CHROME_WINDOWS("Chrome", "Windows NT", null, "desktop", 30),
    CHROME_MAC("Chrome", "Mac OS", ">=10.15.7", "desktop", 14),
    SAFARI_MAC("Safari", "Mac OS", ">=10.15.7", "desktop", 10),
    EDGE_WINDOWS("Edge", "Windows NT", ">=10", "desktop", 8),
    FIREFOX_WINDOWS("Firefox", "Windows NT", ">=10", "desktop", 5),
    CHROME_LINUX("Chrome", "Linux", null, "desktop", 3),
    FIREFOX_UBUNTU("Firefox", "Ubuntu", null, "desktop", 2),
    SAFARI_IPHONE("Safari", "iOS", null, "mobile", 50),
    CHROME_ANDROID("Chrome", "Android", null, "mobile", 50);

    final String name;
    final String os;
    final String osVersion;
    final String deviceType;
    final int weight;

    Browser(String name, String os, String osVersion, String deviceType, int weight) {
      this.name = name;
      this.os = os;
      this.osVersion = osVersion;
      this.deviceType = deviceType;
      this.weight = weight;
    }
  }

  /** A phone or tablet running the app. */
  record Device(
      String manufacturer, String model, int width, int height, String type, int weight) {}

  static final List<Device> IOS_DEVICES =
      List.of(
          new Device("Apple", "iPhone15,4", 393, 852, "mobile", 8),
          new Device("Apple", "iPhone16,1", 393, 852, "mobile", 7),
          new Device("Apple", "iPhone16,2", 430, 932, "mobile", 5),
          new Device("Apple", "iPhone14,5", 390, 844, "mobile", 6),
          new Device("Apple", "iPhone14,7", 390, 844, "mobile", 4),
          new Device("Apple", "iPhone17,1", 402, 874, "mobile", 4),
          new Device("Apple", "iPad13,18", 820, 1180, "tablet", 2));

  static final List<Device> ANDROID_DEVICES =
      List.of(
          new Device("samsung", "SM-S918B", 384, 824, "mobile", 5),
          new Device("samsung", "SM-A546B", 412, 915, "mobile", 7),
          new Device("samsung", "SM-S921B", 360, 780, "mobile", 4),
          new Device("Google", "Pixel 8", 412, 915, "mobile", 4),
          new Device("Google", "Pixel 7a", 412, 915, "mobile", 3),
          new Device("Xiaomi", "23021RAA2Y", 393, 873, "mobile", 4),
          new Device("OnePlus", "CPH2451", 412, 919, "mobile", 2),
          new Device("motorola", "moto g54 5G", 412, 915, "mobile", 2),
          new Device("samsung", "SM-X200", 800, 1280, "tablet", 1));

  static final int[][] DESKTOP_SCREENS = {
    {1920, 1080}, {1536, 864}, {1440, 900}, {2560, 1440}, {1366, 768}, {1728, 1117}
  };
  static final int[][] PHONE_SCREENS = {{390, 844}, {393, 852}, {412, 915}, {360, 800}, {430, 932}};

  /** App releases: version and when it shipped, as a fraction of the demo's time span. */
  record Release(String version, int build, double at) {}

  static final List<Release> IOS_RELEASES =
      List.of(
          new Release("4.6.0", 460, -0.6),
          new Release("4.7.0", 470, 0.05),
          new Release("4.8.0", 480, 0.3),
          new Release("4.8.1", 481, 0.38),
          new Release("4.9.0", 490, 0.62),
          new Release("5.0.0", 500, 0.88));
  static final List<Release> ANDROID_RELEASES =
      List.of(
          new Release("4.6.2", 40602, -0.5),
          new Release("4.7.0", 40700, 0.08),
          new Release("4.8.0", 40800, 0.33),
          new Release("4.9.0", 40900, 0.65),
          new Release("4.9.1", 40901, 0.7),
          new Release("5.0.0", 50000, 0.9));

  /** Client libraries, as their Segment-compatible SDKs name themselves. */
  static final String[] WEB_LIBRARY = {"analytics.js", "npm:next-1.70.0"};

  static final String[] IOS_LIBRARY = {"analytics-ios", "4.1.8"};
  static final String[] ANDROID_LIBRARY = {"analytics-android", "4.11.3"};
  static final String[] JAVA_LIBRARY = {"analytics-java", "3.5.1"};

  record Product(String id, String sku, String name, String slug, String category, double price) {}

  static final List<Product> PRODUCTS =
      List.of(
          product(1, "Line Icons Pro", "Icons", 29), product(2, "Duotone Icon Set", "Icons", 39),
          product(3, "3D Emoji Pack", "Icons", 24),
              product(4, "Brand Logos Collection", "Icons", 19),
          product(5, "Micro Icons", "Icons", 12), product(6, "Atlas Sans Family", "Fonts", 79),
          product(7, "Grotesk Display", "Fonts", 59), product(8, "Serif Editorial", "Fonts", 99),
          product(9, "Mono Code Font", "Fonts", 35),
              product(10, "Dashboard UI Kit", "UI Kits", 119),
          product(11, "Mobile App UI Kit", "UI Kits", 99),
              product(12, "Design System Starter", "UI Kits", 149),
          product(13, "Wireframe Kit", "UI Kits", 49),
              product(14, "Dark Mode Components", "UI Kits", 69),
          product(15, "Isometric Illustrations", "Illustrations", 45),
              product(16, "Hand-drawn People", "Illustrations", 39),
          product(17, "Onboarding Scenes", "Illustrations", 29),
              product(18, "Abstract Shapes", "Illustrations", 19),
          product(19, "SaaS Landing Template", "Templates", 69),
              product(20, "Pitch Deck Template", "Templates", 49),
          product(21, "Portfolio Template", "Templates", 39),
              product(22, "Newsletter Templates", "Templates", 29),
          product(23, "Device Mockups", "Mockups", 35),
              product(24, "Packaging Mockups", "Mockups", 29),
          product(25, "Workspace Photos", "Photos", 25),
              product(26, "Team Portraits", "Photos", 45));

  private static Product product(int n, String name, String category, double price) {
    String slug = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return new Product("prd_" + (1000 + n), "PXM-" + (1000 + n), name, slug, category, price);
  }

  static final List<String> CATEGORIES =
      List.of("Icons", "Fonts", "UI Kits", "Illustrations", "Templates", "Mockups", "Photos");

  static final List<String> SEARCHES =
      List.of(
          "icons",
          "dashboard",
          "serif font",
          "illustrations",
          "landing page",
          "mockup",
          "3d",
          "dark mode",
          "logo",
          "emoji",
          "pitch deck",
          "wireframe",
          "mobile ui",
          "portrait photos",
          "variable font");

  /** A blog post: path slug and title. */
  record Post(String slug, String title) {}

  static final List<Post> POSTS =
      List.of(
          new Post("choosing-an-icon-style", "Choosing an icon style for your product"),
          new Post("font-pairing-guide", "A practical guide to font pairing"),
          new Post("design-systems-on-a-budget", "Design systems on a budget"),
          new Post("dark-mode-checklist", "The dark mode checklist"),
          new Post("licensing-explained", "Asset licensing, explained"),
          new Post("whats-new-5-0", "What's new in Pixelmart 5.0"));

  /** How a first visit arrived: a referrer and, for paid or tagged links, a campaign. */
  record Source(
      String referrer,
      String utmSource,
      String utmMedium,
      String utmCampaign,
      String[] terms,
      String[] contents,
      String landing,
      int weight) {}

  static final List<Source> SOURCES =
      List.of(
          new Source(null, null, null, null, null, null, "/", 22),
          new Source("https://www.google.com/", null, null, null, null, null, "product", 20),
          new Source("https://www.bing.com/", null, null, null, null, null, "product", 3),
          new Source("https://duckduckgo.com/", null, null, null, null, null, "/", 3),
          new Source(
              "https://www.google.com/",
              "google",
              "cpc",
              "brand_search",
              new String[] {"pixelmart", "pixel mart"},
              new String[] {"ad_a", "ad_b"},
              "/",
              6),
          new Source(
              "https://www.google.com/",
              "google",
              "cpc",
              "icons_generic",
              new String[] {"icon pack", "ui icons", "svg icons"},
              new String[] {"ad_a", "ad_b"},
              "category",
              6),
          new Source(
              "https://l.facebook.com/",
              "facebook",
              "paid_social",
              "autumn_sale",
              null,
              new String[] {"carousel", "video_15s"},
              "category",
              5),
          new Source(
              "https://www.linkedin.com/",
              "linkedin",
              "paid_social",
              "teams_b2b",
              null,
              new String[] {"single_image"},
              "/pricing",
              4),
          new Source(
              null,
              "newsletter",
              "email",
              "weekly_digest",
              null,
              new String[] {"hero", "footer"},
              "blog",
              6),
          new Source("https://t.co/", "twitter", "social", "creator_thread", null, null, "blog", 4),
          new Source("https://www.reddit.com/", null, null, null, null, null, "blog", 3),
          new Source("https://news.ycombinator.com/", null, null, null, null, null, "blog", 2));

  /** The newsletter: returning visitors often come back through it. */
  static final Source NEWSLETTER = SOURCES.get(8);

  /** The launch spike's source: most new visitors of those days come from it. */
  static final Source LAUNCH =
      new Source(
          "https://www.producthunt.com/",
          "producthunt",
          "referral",
          "ph_launch",
          null,
          null,
          "/",
          0);

  static final List<String> FIRST_NAMES =
      List.of(
          "Anna", "Ben", "Carla", "David", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Julia",
          "Kenji", "Lea", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tara",
          "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Aarav", "Chloe", "Diego", "Emma",
          "Felix", "Grace", "Hiro", "Isla", "Jonas", "Kofi");
  static final List<String> LAST_NAMES =
      List.of(
          "Schmidt",
          "Garcia",
          "Nakamura",
          "Okafor",
          "Kowalski",
          "Silva",
          "Dubois",
          "Patel",
          "Johansson",
          "Rossi",
          "Nguyen",
          "Müller",
          "Smith",
          "Khan",
          "Ivanova",
          "Jensen",
          "Costa",
          "Tanaka",
          "Murphy",
          "Novak",
          "Haddad",
          "Lindqvist",
          "Moreau",
          "Sato");
  static final List<String> PERSONAL_DOMAINS =
      List.of("example.com", "example.com", "example.net", "example.org");

  record Company(String id, String name, String domain, String industry, int employees) {}

  private static final String[] COMPANY_FIRST = {
    "North", "Blue", "Bright", "Iron", "Silver", "Quantum", "Pixel", "Atlas", "Nimbus", "Orbit",
    "Cedar", "Harbor", "Summit", "Vertex", "Lumen", "Nova"
  };
  private static final String[] COMPANY_SECOND = {
    "Labs",
    "Works",
    "Systems",
    "Studio",
    "Analytics",
    "Logistics",
    "Health",
    "Foods",
    "Capital",
    "Robotics",
    "Media",
    "Cloud"
  };
  private static final String[] INDUSTRIES = {
    "Software",
    "Design",
    "Software",
    "Agency",
    "Software",
    "Logistics",
    "Healthcare",
    "Food & Beverage",
    "Finance",
    "Manufacturing",
    "Media",
    "Software"
  };
  private static final int[] EMPLOYEES = {4, 9, 18, 35, 70, 140, 320, 900};

  /** Companies, most popular first (who joins which one follows a power law). */
  static final List<Company> COMPANIES = companies();

  private static List<Company> companies() {
    List<Company> out = new java.util.ArrayList<>();
    int n = 0;
    for (int i = 0; i < COMPANY_SECOND.length; i++) {
      for (int j = 0; j < COMPANY_FIRST.length; j++) {
        String first = COMPANY_FIRST[(j + 5 * i) % COMPANY_FIRST.length];
        String name = first + " " + COMPANY_SECOND[i];
        String domain = (first + COMPANY_SECOND[i]).toLowerCase(java.util.Locale.ROOT) + ".example";
        out.add(
            new Company(
                "grp_" + (100 + n),
                name,
                domain,
                INDUSTRIES[i],
                EMPLOYEES[(n * 7 + i) % EMPLOYEES.length]));
        n++;
      }
    }
    return List.copyOf(out);
  }

  static final List<String> PAYMENT_METHODS =
      List.of("card", "card", "card", "paypal", "apple_pay", "google_pay");

  private World() {}
}
