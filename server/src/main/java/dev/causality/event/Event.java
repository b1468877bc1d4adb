package dev.causality.event;

import static java.util.Objects.requireNonNull;

/**
 * One normalised, enriched event: a row of the warehouse {@code events} table.
 *
 * <p>Times are microseconds since the epoch, UTC. {@code properties}, {@code traits} and {@code
 * context} hold JSON text. Optional columns are {@code null} when absent; this is a row, and SQL
 * {@code NULL} is what those columns hold.
 */
public record Event(
    String eventId,
    String appId,
    String type,
    String event,
    String userId,
    String anonymousId,
    String sessionId,
    String groupId,
    String previousId,
    long timestamp,
    long originalTimestamp,
    long sentAt,
    long receivedAt,
    boolean timestampClamped,
    String properties,
    String traits,
    String context,
    String pageUrl,
    String pagePath,
    String pageTitle,
    String referrer,
    String utmSource,
    String utmMedium,
    String utmCampaign,
    String utmTerm,
    String utmContent,
    String ip,
    String country,
    String region,
    String city,
    String deviceType,
    String os,
    String osVersion,
    String browser,
    String browserVersion,
    String deviceManufacturer,
    String deviceModel,
    String appVersion,
    String locale,
    String timezone,
    Integer screenWidth,
    Integer screenHeight,
    String libraryName,
    String libraryVersion,
    String service) {

  public Event {
    requireNonNull(eventId, "eventId is null");
    requireNonNull(appId, "appId is null");
    requireNonNull(type, "type is null");
    requireNonNull(properties, "properties is null");
    requireNonNull(traits, "traits is null");
    requireNonNull(context, "context is null");
  }

  /** The event types of the Segment spec. */
  public static final java.util.Set<String> TYPES =
      java.util.Set.of("track", "page", "screen", "identify", "group", "alias");

  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder used by the ingestion pipeline; each step fills its own columns. */
  public static final class Builder {
    public String eventId;
    public String appId;
    public String type;
    public String event;
    public String userId;
    public String anonymousId;
    public String sessionId;
    public String groupId;
    public String previousId;
    public long timestamp;
    public long originalTimestamp;
    public long sentAt;
    public long receivedAt;
    public boolean timestampClamped;
    public String properties = "{}";
    public String traits = "{}";
    public String context = "{}";
    public String pageUrl;
    public String pagePath;
    public String pageTitle;
    public String referrer;
    public String utmSource;
    public String utmMedium;
    public String utmCampaign;
    public String utmTerm;
    public String utmContent;
    public String ip;
    public String country;
    public String region;
    public String city;
    public String deviceType;
    public String os;
    public String osVersion;
    public String browser;
    public String browserVersion;
    public String deviceManufacturer;
    public String deviceModel;
    public String appVersion;
    public String locale;
    public String timezone;
    public Integer screenWidth;
    public Integer screenHeight;
    public String libraryName;
    public String libraryVersion;
    public String service;

    private Builder() {}

    public Event build() {
      return new Event(
          eventId,
          appId,
          type,
          event,
          userId,
          anonymousId,
          sessionId,
          groupId,
          previousId,
          timestamp,
          originalTimestamp,
          sentAt,
          receivedAt,
          timestampClamped,
          properties,
          traits,
          context,
          pageUrl,
          pagePath,
          pageTitle,
          referrer,
          utmSource,
          utmMedium,
          utmCampaign,
          utmTerm,
          utmContent,
          ip,
          country,
          region,
          city,
          deviceType,
          os,
          osVersion,
          browser,
          browserVersion,
          deviceManufacturer,
          deviceModel,
          appVersion,
          locale,
          timezone,
          screenWidth,
          screenHeight,
          libraryName,
          libraryVersion,
          service);
    }
  }
}
