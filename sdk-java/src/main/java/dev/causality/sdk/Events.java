package dev.causality.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The platform's catalog of typed events. Each is a record whose {@link AnalyticsEvent#name()} and
 * property keys are snake_case; {@code Duration} fields are sent as fractional milliseconds in a
 * {@code *_ms} property. Fields that are {@code null}, or empty strings, are left out of the
 * properties; constructors never throw, so tracking cannot fail a service. The list of names and
 * keys is also in {@code docs/sdk-java.md}.
 */
public final class Events {
  private Events() {}

  /** Milliseconds of {@code d} with microsecond precision; null for null. */
  static Double ms(Duration d) {
    return d == null ? null : d.toNanos() / 1000L / 1000.0;
  }

  // Auth events

  /**
   * A user tried to log in. Name {@code auth_login_attempt}.
   *
   * @param userId the user
   * @param method how: {@code password}, {@code email_code}, {@code oauth}, … ({@code method})
   * @param success whether the login succeeded ({@code success})
   * @param errorCode why it failed; empty when it succeeded ({@code error_code})
   */
  public record AuthLoginAttempt(String userId, String method, boolean success, String errorCode)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public AuthLoginAttempt {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "auth_login_attempt";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("method", method, "success", success, "error_code", errorCode);
    }
  }

  /**
   * A one-time code (email, SMS, TOTP) was checked. Name {@code auth_code_verified}.
   *
   * @param userId the user
   * @param method the code's channel: {@code email}, {@code sms}, {@code totp}, … ({@code method})
   * @param success whether the code was right ({@code success})
   * @param errorCode why it failed, e.g. {@code expired}; empty on success ({@code error_code})
   */
  public record AuthCodeVerified(String userId, String method, boolean success, String errorCode)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public AuthCodeVerified {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "auth_code_verified";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("method", method, "success", success, "error_code", errorCode);
    }
  }

  /**
   * An access token was refreshed. Name {@code auth_token_refresh}.
   *
   * @param userId the user
   * @param success whether a new token was issued ({@code success})
   * @param errorCode why not; empty on success ({@code error_code})
   */
  public record AuthTokenRefresh(String userId, boolean success, String errorCode)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public AuthTokenRefresh {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "auth_token_refresh";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("success", success, "error_code", errorCode);
    }
  }

  /**
   * A session was checked on a request. Name {@code auth_session_validated}.
   *
   * @param userId the user
   * @param sessionId the session ({@code session_id})
   * @param success whether the session was valid ({@code success})
   * @param errorCode why not, e.g. {@code expired}; empty when valid ({@code error_code})
   */
  public record AuthSessionValidated(
      String userId, String sessionId, boolean success, String errorCode)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public AuthSessionValidated {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "auth_session_validated";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("session_id", sessionId, "success", success, "error_code", errorCode);
    }
  }

  // Task events

  /**
   * A task was created. Name {@code task_created}.
   *
   * @param userId the user
   * @param taskId the task ({@code task_id})
   * @param taskType its kind ({@code task_type})
   * @param projectId its project; may be empty ({@code project_id})
   */
  public record TaskCreated(String userId, String taskId, String taskType, String projectId)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public TaskCreated {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "task_created";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("task_id", taskId, "task_type", taskType, "project_id", projectId);
    }
  }

  /**
   * A task started running. Name {@code task_started}.
   *
   * @param userId the user
   * @param taskId the task ({@code task_id})
   * @param taskType its kind ({@code task_type})
   * @param queueTime how long it waited to start ({@code queue_ms})
   */
  public record TaskStarted(String userId, String taskId, String taskType, Duration queueTime)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public TaskStarted {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "task_started";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("task_id", taskId, "task_type", taskType, "queue_ms", ms(queueTime));
    }
  }

  /**
   * A task finished successfully. Name {@code task_completed}.
   *
   * @param userId the user
   * @param taskId the task ({@code task_id})
   * @param taskType its kind ({@code task_type})
   * @param duration how long it ran ({@code duration_ms})
   */
  public record TaskCompleted(String userId, String taskId, String taskType, Duration duration)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public TaskCompleted {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "task_completed";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("task_id", taskId, "task_type", taskType, "duration_ms", ms(duration));
    }
  }

  /**
   * A task failed. Name {@code task_failed}.
   *
   * @param userId the user
   * @param taskId the task ({@code task_id})
   * @param taskType its kind ({@code task_type})
   * @param duration how long it ran ({@code duration_ms})
   * @param errorType a stable error class or code ({@code error_type})
   * @param errorMessage the message; may be empty ({@code error_message})
   */
  public record TaskFailed(
      String userId,
      String taskId,
      String taskType,
      Duration duration,
      String errorType,
      String errorMessage)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public TaskFailed {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "task_failed";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "task_id",
          taskId,
          "task_type",
          taskType,
          "duration_ms",
          ms(duration),
          "error_type",
          errorType,
          "error_message",
          errorMessage);
    }
  }

  /**
   * A task was cancelled. Name {@code task_cancelled}.
   *
   * @param userId the user
   * @param taskId the task ({@code task_id})
   * @param taskType its kind ({@code task_type})
   * @param reason why, e.g. {@code user}, {@code timeout} ({@code reason})
   */
  public record TaskCancelled(String userId, String taskId, String taskType, String reason)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public TaskCancelled {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "task_cancelled";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("task_id", taskId, "task_type", taskType, "reason", reason);
    }
  }

  // Integration events

  /**
   * A user connected an integration. Name {@code integration_connected}.
   *
   * @param userId the user
   * @param integration the integration, e.g. {@code github} ({@code integration})
   * @param integrationId this connection ({@code integration_id})
   */
  public record IntegrationConnected(String userId, String integration, String integrationId)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public IntegrationConnected {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "integration_connected";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("integration", integration, "integration_id", integrationId);
    }
  }

  /**
   * An integration was disconnected. Name {@code integration_disconnected}.
   *
   * @param userId the user
   * @param integration the integration ({@code integration})
   * @param integrationId this connection ({@code integration_id})
   * @param reason why, e.g. {@code user}, {@code revoked} ({@code reason})
   */
  public record IntegrationDisconnected(
      String userId, String integration, String integrationId, String reason)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public IntegrationDisconnected {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "integration_disconnected";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "integration", integration, "integration_id", integrationId, "reason", reason);
    }
  }

  /**
   * A call to an integration's API. Name {@code integration_used}.
   *
   * @param userId the user
   * @param integration the integration ({@code integration})
   * @param action what was done, e.g. {@code list_repos} ({@code action})
   * @param latency how long the call took ({@code latency_ms})
   * @param success whether it succeeded ({@code success})
   */
  public record IntegrationUsed(
      String userId, String integration, String action, Duration latency, boolean success)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public IntegrationUsed {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "integration_used";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "integration",
          integration,
          "action",
          action,
          "latency_ms",
          ms(latency),
          "success",
          success);
    }
  }

  /**
   * An integration call failed. Name {@code integration_error}.
   *
   * @param userId the user
   * @param integration the integration ({@code integration})
   * @param action what was tried ({@code action})
   * @param errorType a stable error class or code, e.g. {@code rate_limited} ({@code error_type})
   * @param errorMessage the message; may be empty ({@code error_message})
   * @param statusCode the integration's HTTP status; 0 when none (left out) ({@code status_code})
   */
  public record IntegrationError(
      String userId,
      String integration,
      String action,
      String errorType,
      String errorMessage,
      int statusCode)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public IntegrationError {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "integration_error";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "integration",
          integration,
          "action",
          action,
          "error_type",
          errorType,
          "error_message",
          errorMessage,
          "status_code",
          statusCode == 0 ? null : statusCode);
    }
  }

  /**
   * A user began an OAuth authorisation. Name {@code oauth_flow_started}.
   *
   * @param userId the user
   * @param integration the integration ({@code integration})
   * @param flowId this flow (the state parameter's id) ({@code flow_id})
   */
  public record OAuthFlowStarted(String userId, String integration, String flowId)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public OAuthFlowStarted {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "oauth_flow_started";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("integration", integration, "flow_id", flowId);
    }
  }

  /**
   * An OAuth authorisation ended. Name {@code oauth_flow_completed}.
   *
   * @param userId the user
   * @param integration the integration ({@code integration})
   * @param flowId this flow ({@code flow_id})
   * @param success whether a token was obtained ({@code success})
   * @param duration from start to callback ({@code duration_ms})
   * @param errorCode why it failed, e.g. {@code access_denied}; empty on success ({@code
   *     error_code})
   */
  public record OAuthFlowCompleted(
      String userId,
      String integration,
      String flowId,
      boolean success,
      Duration duration,
      String errorCode)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public OAuthFlowCompleted {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "oauth_flow_completed";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "integration",
          integration,
          "flow_id",
          flowId,
          "success",
          success,
          "duration_ms",
          ms(duration),
          "error_code",
          errorCode);
    }
  }

  // Webhook events

  /**
   * A webhook arrived. Name {@code webhook_received}.
   *
   * @param integration who sent it, e.g. {@code github} ({@code integration})
   * @param webhookId the delivery id ({@code webhook_id})
   * @param eventType the sender's event type, e.g. {@code push} ({@code event_type})
   * @param sizeBytes body size ({@code size_bytes})
   */
  public record WebhookReceived(
      String integration, String webhookId, String eventType, long sizeBytes)
      implements AnalyticsEvent {
    @Override
    public String name() {
      return "webhook_received";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "integration",
          integration,
          "webhook_id",
          webhookId,
          "event_type",
          eventType,
          "size_bytes",
          sizeBytes);
    }
  }

  /**
   * A webhook was handled. Name {@code webhook_processed}.
   *
   * @param integration who sent it ({@code integration})
   * @param webhookId the delivery id ({@code webhook_id})
   * @param eventType the sender's event type ({@code event_type})
   * @param success whether handling succeeded ({@code success})
   * @param duration handling time ({@code duration_ms})
   * @param errorType why it failed; empty on success ({@code error_type})
   */
  public record WebhookProcessed(
      String integration,
      String webhookId,
      String eventType,
      boolean success,
      Duration duration,
      String errorType)
      implements AnalyticsEvent {
    @Override
    public String name() {
      return "webhook_processed";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "integration",
          integration,
          "webhook_id",
          webhookId,
          "event_type",
          eventType,
          "success",
          success,
          "duration_ms",
          ms(duration),
          "error_type",
          errorType);
    }
  }

  // Cocoon events

  /**
   * A cocoon (a user's runner) registered with the platform. Name {@code cocoon_registered}.
   *
   * @param userId the user
   * @param cocoonId the cocoon ({@code cocoon_id})
   * @param version its software version ({@code version})
   */
  public record CocoonRegistered(String userId, String cocoonId, String version)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public CocoonRegistered {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "cocoon_registered";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("cocoon_id", cocoonId, "version", version);
    }
  }

  /**
   * A cocoon opened its connection. Name {@code cocoon_connected}.
   *
   * @param userId the user
   * @param cocoonId the cocoon ({@code cocoon_id})
   * @param version its software version ({@code version})
   */
  public record CocoonConnected(String userId, String cocoonId, String version)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public CocoonConnected {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "cocoon_connected";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("cocoon_id", cocoonId, "version", version);
    }
  }

  /**
   * A cocoon's connection ended. Name {@code cocoon_disconnected}.
   *
   * @param userId the user
   * @param cocoonId the cocoon ({@code cocoon_id})
   * @param reason why, e.g. {@code timeout} ({@code reason})
   * @param connected how long it was connected ({@code connected_ms})
   */
  public record CocoonDisconnected(
      String userId, String cocoonId, String reason, Duration connected) implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public CocoonDisconnected {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "cocoon_disconnected";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("cocoon_id", cocoonId, "reason", reason, "connected_ms", ms(connected));
    }
  }

  /**
   * A user claimed a cocoon. Name {@code cocoon_claimed}.
   *
   * @param userId the user
   * @param cocoonId the cocoon ({@code cocoon_id})
   */
  public record CocoonClaimed(String userId, String cocoonId) implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public CocoonClaimed {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "cocoon_claimed";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("cocoon_id", cocoonId);
    }
  }

  /**
   * A setup token for a new cocoon was issued. Name {@code cocoon_setup_token_created}.
   *
   * @param userId the user
   * @param tokenId the token's id (never the secret) ({@code token_id})
   * @param ttl how long it is valid ({@code ttl_ms})
   */
  public record CocoonSetupTokenCreated(String userId, String tokenId, Duration ttl)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public CocoonSetupTokenCreated {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "cocoon_setup_token_created";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("token_id", tokenId, "ttl_ms", ms(ttl));
    }
  }

  /**
   * A setup token was redeemed. Name {@code cocoon_setup_token_used}.
   *
   * @param userId the user
   * @param tokenId the token's id ({@code token_id})
   * @param cocoonId the cocoon it set up ({@code cocoon_id})
   * @param success whether it was accepted ({@code success})
   * @param errorCode why not, e.g. {@code expired}; empty on success ({@code error_code})
   */
  public record CocoonSetupTokenUsed(
      String userId, String tokenId, String cocoonId, boolean success, String errorCode)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public CocoonSetupTokenUsed {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "cocoon_setup_token_used";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "token_id", tokenId, "cocoon_id", cocoonId, "success", success, "error_code", errorCode);
    }
  }

  // Project events

  /**
   * A project was created. Name {@code project_created}.
   *
   * @param userId the user
   * @param projectId the project ({@code project_id})
   */
  public record ProjectCreated(String userId, String projectId) implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public ProjectCreated {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "project_created";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("project_id", projectId);
    }
  }

  /**
   * A project was changed. Name {@code project_updated}.
   *
   * @param userId the user
   * @param projectId the project ({@code project_id})
   * @param fields names of the changed fields ({@code fields})
   */
  public record ProjectUpdated(String userId, String projectId, List<String> fields)
      implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public ProjectUpdated {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "project_updated";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("project_id", projectId, "fields", fields);
    }
  }

  /**
   * A project was deleted. Name {@code project_deleted}.
   *
   * @param userId the user
   * @param projectId the project ({@code project_id})
   */
  public record ProjectDeleted(String userId, String projectId) implements AnalyticsEvent {
    /** Normalises a null user id to empty. */
    public ProjectDeleted {
      userId = userId == null ? "" : userId;
    }

    @Override
    public String name() {
      return "project_deleted";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of("project_id", projectId);
    }
  }

  // Service events

  /**
   * An HTTP request the service answered. Name {@code api_request}.
   *
   * @param method the HTTP method ({@code method})
   * @param route the route template, e.g. {@code /projects/{id}} (not the raw path) ({@code route})
   * @param statusCode the response status ({@code status_code})
   * @param latency time to the response ({@code latency_ms})
   */
  public record ApiRequest(String method, String route, int statusCode, Duration latency)
      implements AnalyticsEvent {
    @Override
    public String name() {
      return "api_request";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "method",
          method,
          "route",
          route,
          "status_code",
          statusCode == 0 ? null : statusCode,
          "latency_ms",
          ms(latency));
    }
  }

  /**
   * A database statement the service ran. Name {@code database_query}.
   *
   * @param operation e.g. {@code select}, {@code insert} ({@code operation})
   * @param table the main table ({@code table})
   * @param duration execution time ({@code duration_ms})
   * @param success whether it succeeded ({@code success})
   * @param errorType why it failed; empty on success ({@code error_type})
   */
  public record DatabaseQuery(
      String operation, String table, Duration duration, boolean success, String errorType)
      implements AnalyticsEvent {
    @Override
    public String name() {
      return "database_query";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "operation",
          operation,
          "table",
          table,
          "duration_ms",
          ms(duration),
          "success",
          success,
          "error_type",
          errorType);
    }
  }

  /**
   * An error the service caught or crashed on. Name {@code application_error}.
   *
   * @param errorType a stable error class or code, e.g. the exception class ({@code error_type})
   * @param errorMessage the message; may be empty ({@code error_message})
   * @param component where it happened, e.g. a class or route ({@code component})
   * @param fatal whether it ended the request or process ({@code fatal})
   */
  public record ApplicationError(
      String errorType, String errorMessage, String component, boolean fatal)
      implements AnalyticsEvent {
    @Override
    public String name() {
      return "application_error";
    }

    @Override
    public Map<String, Object> properties() {
      return Props.of(
          "error_type",
          errorType,
          "error_message",
          errorMessage,
          "component",
          component,
          "fatal",
          fatal);
    }

    /** An application error from a caught exception: its class name and message. */
    public static ApplicationError of(Throwable error, String component, boolean fatal) {
      return new ApplicationError(
          error == null ? "" : error.getClass().getName(),
          error == null ? "" : error.getMessage(),
          component,
          fatal);
    }
  }
}
